// weftjs/bundled in browsers: what a component's bundled module imports.
// WASI comes from weftjs/wasi's browser host; core modules are fetched from
// the emitted asset URL and compiled while they download (compileStreaming).
import { createWasi } from '../../../wasi/browser.js';
import * as shared from './shared.js';

export { configure } from './shared.js';
export const wasiImports = () => shared.wasiImports(createWasi);
export const wasiImport = (key) => shared.wasiImport(createWasi, key);

export async function compileCore(url) {
  const response = fetch(url);
  if (WebAssembly.compileStreaming) {
    try {
      return await WebAssembly.compileStreaming(response);
    } catch (e) {
      // A server that does not send `application/wasm` fails streaming only.
      if (!(e instanceof TypeError)) throw e;
    }
  }
  const res = await response;
  if (!res.ok) throw new Error(`weftjs/bundled: fetching ${url} failed: ${res.status} ${res.statusText}`);
  return WebAssembly.compile(await res.arrayBuffer());
}
