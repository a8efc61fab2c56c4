// weftjs/bundled in Node (SSR and Node builds): what a component's bundled
// module imports. WASI comes from weftjs/wasi's Node host; core modules are
// read from the emitted file next to the bundle (a `file:` URL), or fetched
// when the URL is remote.
import { readFile } from 'node:fs/promises';
import { createWasi } from '../../../wasi/index.js';
import * as shared from './shared.js';

export { configure } from './shared.js';
export const wasiImports = () => shared.wasiImports(createWasi);
export const wasiImport = (key) => shared.wasiImport(createWasi, key);

export async function compileCore(url) {
  const href = new URL(url, 'file:///');
  if (href.protocol !== 'file:') return WebAssembly.compileStreaming(fetch(href));
  return WebAssembly.compile(await readFile(href));
}
