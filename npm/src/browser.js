// weftjs/browser: transpile a component inside the page and instantiate it
// from memory: the core modules are compiled from the transpiler's bytes and
// the glue is imported from a Blob URL, so nothing goes back to a server.
// Every import here is relative: a page can load this file straight from
// node_modules, with no bundler or import map.
import { WeftError, transpile } from './web.js';

export { WeftError, guestTypes, transpile, types, wit } from './web.js';

const PASSED_THROUGH = ['map', 'minify', 'asyncMode', 'asyncImports', 'asyncExports'];

/**
 * Transpiles `bytes` (a component binary or text) and instantiates it with
 * `imports` (for WASI: `createWasi()` from weftjs/wasi). Resolves to what the
 * glue's `instantiate()` returns: the component's exports.
 */
export async function loadComponent(bytes, imports = {}, options = {}) {
  for (const key of Object.keys(options)) {
    if (!PASSED_THROUGH.includes(key)) throw new WeftError(`loadComponent: unknown option \`${key}\``);
  }
  const { files } = transpile(bytes, { ...options, name: 'component', instantiation: 'async', noTypescript: true });
  const byPath = new Map(files.map((f) => [f.path, f.contents]));
  const url = URL.createObjectURL(new Blob([byPath.get('component.js')], { type: 'text/javascript' }));
  let glue;
  try {
    glue = await import(/* @vite-ignore */ url);
  } finally {
    URL.revokeObjectURL(url);
  }
  const getCoreModule = (path) => {
    const wasm = byPath.get(path);
    if (!wasm) throw new WeftError(`loadComponent: the glue asked for ${path}, which the transpiler did not write`);
    return WebAssembly.compile(wasm);
  };
  return glue.instantiate(getCoreModule, imports);
}
