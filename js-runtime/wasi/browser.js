// Browser entry of the WASI 0.2 host: same `createWasi` as index.js, without
// any `node:` import. Files live in an in-memory tree (filesystem-memory.js);
// stdout/stderr go to the console line by line unless a function or sink is
// given; stdin is whatever bytes/string/function the page supplies.
import { buildImports, preopenEntries } from './imports.js';
import { bytesSource, functionSink, functionSource, lineSink, nullSink } from './io.js';
import { MemDirectory, MemoryDescriptor, memoryPreopen } from './filesystem-memory.js';
import { xhrTransport } from './http-browser.js';

export { WasiExit, runCommand } from './cli.js';
export { IoError, collectSink, lineSink } from './io.js';
export { memoryDirectory, memoryFile, memorySymlink, MemDirectory } from './filesystem-memory.js';

function sink(v, log, what) {
  if (v === undefined || v === 'inherit' || v === 'console') return lineSink(log);
  if (v === null || v === 'ignore') return nullSink();
  if (typeof v === 'function') return functionSink(v);
  if (typeof v === 'object' && typeof v.write === 'function') return v;
  throw new TypeError(`createWasi: ${what} must be 'console', 'ignore', a function or a sink`);
}

function source(v) {
  if (v == null || v === 'ignore') return bytesSource('');
  if (typeof v === 'string' || v instanceof Uint8Array) return bytesSource(v);
  if (typeof v === 'function') return functionSource(v);
  if (typeof v === 'object' && typeof v.read === 'function') return v;
  throw new TypeError('createWasi: stdin must be a string, Uint8Array, a function or a source');
}

function preopen(guest, v) {
  if (v instanceof MemDirectory) return memoryPreopen(v);
  if (v && typeof v === 'object' && v.memory) return memoryPreopen(v.memory, v);
  if (v && typeof v === 'object') return memoryPreopen(v);
  throw new TypeError(`createWasi: preopen ${guest} must be an in-memory tree (memoryDirectory or a spec object)`);
}

/**
 * Options as in index.js, except: preopens are in-memory trees, stdio defaults
 * to the console, and `network: true` grants wasi:http outgoing requests only
 * (synchronous XMLHttpRequest, see http-browser.js); sockets stay not-supported.
 */
export function createWasi(options = {}) {
  const preopens = preopenEntries(options.preopens).map(([guest, v]) => [preopen(guest, v), guest]);
  return buildImports({
    args: options.args,
    env: options.env,
    cwd: options.cwd,
    timezone: options.timezone,
    stdin: source(options.stdin),
    stdout: sink(options.stdout, (l) => console.log(l), 'stdout'),
    stderr: sink(options.stderr, (l) => console.error(l), 'stderr'),
    terminal: options.terminal ?? {},
    preopens,
    Descriptor: MemoryDescriptor,
    http: options.network === true ? xhrTransport() : undefined,
  });
}
