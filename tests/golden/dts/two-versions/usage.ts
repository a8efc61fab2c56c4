// Two versions of one interface: separate declaration files, and one
// version-free ImportObject key the host must satisfy for both.
import { instantiate } from './expected/component.js';
import type { ImportObject } from './expected/component.js';

const imports: ImportObject = {
  'test:dep/greet': {
    hello: (name?: string) => `hello ${name ?? 'you'}`,
    goodbye: () => 'bye',
  },
};

async function main(): Promise<string> {
  const root = await instantiate(async () => WebAssembly.compile(new Uint8Array(8)), imports);
  return root.run();
}

export { main };
