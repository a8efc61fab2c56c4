// ESM without top-level await: exports are usable once `$init` resolves.
import { $init, counter, run } from './expected/component.js';
import type { WasiRandomRandom020 } from './expected/component.js';

async function main(): Promise<string> {
  await $init;
  const n: number = counter.increment(2);
  return run() + n;
}

const random: typeof WasiRandomRandom020 = { getRandomU64: () => 4n };

export { main, random };
