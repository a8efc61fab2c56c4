// Versioned imports keyed by their mapped, version-free specifiers
// (`module#member` when a map names a member).
import { instantiate } from './expected/app.js';
import type { ImportObject, Root } from './expected/app.js';

const imports: ImportObject = {
  '@scope/shim/cli#environment': { getEnvironment: () => [['HOME', '/']] },
  '@scope/shim/cli#stdout': { write: (s: string) => void s },
  '@scope/shim/random/random': { getRandomBytes: (len: bigint) => new Uint8Array(Number(len)) },
  './exact.js': { ping: () => 'pong' },
  'test:versions/unmapped': { pong: (s: string) => void s },
};

async function main(): Promise<string> {
  const root: Root = await instantiate((path) => WebAssembly.compile(new Uint8Array(path.length)), imports);
  root.run();
  return root.exact.ping() + root['test:versions/exact@2.1.0'].ping();
}

export { main };
