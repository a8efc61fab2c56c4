// Sync instantiation returns the export object directly.
import { instantiate } from './expected/sync-component.js';
import type { Config, ImportObject, Root } from './expected/sync-component.js';

declare const imports: ImportObject;
const root: Root = instantiate((path) => new WebAssembly.Module(new Uint8Array(path.length)), imports);
const config: Config = { verbose: false, level: 'info' };
const code: number = root.api.run(config);
root.stop();

export { code };
