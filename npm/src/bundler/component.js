// Which imports are components: a `.wasm` file whose header is a component's
// (core modules are left to other plugins and the bundler), or any file
// imported with `?component`. `?instantiate` asks for `instantiate(imports)`
// instead of an instantiated component.
import { closeSync, openSync, readSync } from 'node:fs';

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
/** The layer field of a component's preamble (core modules have 0x0000). */
const COMPONENT_LAYER = [0x01, 0x00];
/** Queries the Vite dev server adds to any import (`?import`, `?t=<time>`, `?v=<hash>`). */
const PASSIVE = ['import', 't', 'v'];

/** `/a/app.wasm?instantiate` → `{ file: '/a/app.wasm', params: URLSearchParams }`. */
export function splitQuery(id) {
  const q = id.indexOf('?');
  if (q < 0) return { file: id, params: new URLSearchParams() };
  return { file: id.slice(0, q), params: new URLSearchParams(id.slice(q + 1)) };
}

/** True when the first 8 bytes are a component preamble. */
export function isComponentHeader(bytes) {
  if (bytes.length < 8) return false;
  return MAGIC.every((b, i) => bytes[i] === b) && bytes[6] === COMPONENT_LAYER[0] && bytes[7] === COMPONENT_LAYER[1];
}

function headerOf(file) {
  let fd;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(8);
    return head.subarray(0, readSync(fd, head, 0, 8, 0));
  } catch {
    return Buffer.alloc(0);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * How the plugin treats module `id`: null (not ours), or
 * `{ file, instantiate }`. Files are checked by header unless `?component`.
 */
export function classify(id, { instantiate = false } = {}) {
  if (id.startsWith('\0')) return null;
  const { file, params } = splitQuery(id);
  const forced = params.has('component');
  if (!forced && !file.endsWith('.wasm')) return null;
  for (const key of params.keys()) {
    if (key !== 'component' && key !== 'instantiate' && !PASSIVE.includes(key)) return null; // `?init`, `?url`, ...: another plugin's
  }
  if (!forced && !isComponentHeader(headerOf(file))) return null;
  return { file, instantiate: instantiate || params.has('instantiate') };
}
