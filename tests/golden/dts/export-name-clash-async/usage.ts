// Instantiation: every export is in Root under its full name; short names
// only where not already taken.
import { instantiate } from './expected/component.js';

async function main(): Promise<void> {
  const root = await instantiate(async () => WebAssembly.compile(new Uint8Array(8)), {});
  const n: number = root.run.run() + root['test:clash-exports/run'].run();
  root['wasi:cli/run@0.2.0'].run();
  const b: boolean = root.helper();
  const s: string = root['test:clash-exports/helper'].help();
  void [n, b, s];
}

export { main };
