// Async instantiation: ImportObject (interfaces, kebab-named instances, a
// world-level function) and the Root export object.
import { instantiate } from './expected/component.js';
import type { Config, ImportObject, Root } from './expected/component.js';

class Sink {
  constructor(readonly name: string) {}
  write(msg: string): void {
    void msg;
  }
}

const imports: ImportObject = {
  'test:inst/logging': { log: (l, msg) => void [l, msg], Sink },
  custom: { hook: (x) => x + 1 },
  'test:inst/api': { run: (c: Config) => (c.verbose ? 1 : 0) },
  now: { default: () => 0n },
};

async function main(): Promise<void> {
  const getCoreModule = async (path: string) => WebAssembly.compile(new Uint8Array(path.length));
  const root: Root = await instantiate(getCoreModule, imports, (module, imports) =>
    WebAssembly.instantiate(module, imports),
  );
  const config: Config = { verbose: true, level: 'warn' };
  const code: number = root.api.run(config);
  const same: number = root['test:inst/api@1.0.0'].run(config);
  const started: string | undefined = root.start(config);
  root.stop();
  const hi: string = root.namedInstance.hello() + root['named-instance'].hello();
  void [code, same, started, hi];
}

export { main };
