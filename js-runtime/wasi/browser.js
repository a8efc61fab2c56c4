// Browser entry of the WASI 0.2 host: same `createWasi` as index.js, without
// any `node:` import. Files live in in-memory trees (filesystem-memory.js),
// optionally loaded from and written back to OPFS (filesystem-opfs.js);
// stdout/stderr go to the console line by line unless a function, sink or
// WritableStream is given; stdin is whatever bytes/string/function/stream the
// page supplies. `jspi: true` lets blocking calls wait with Promises (jspi.js).
import { buildImports, preopenEntries } from './imports.js';
import { bytesSource, functionSink, functionSource, lineSink, nullSink } from './io.js';
import { MemDirectory, MemoryDescriptor, memoryPreopen } from './filesystem-memory.js';
import { OpfsDirectory } from './filesystem-opfs.js';
import { asyncStdinSource, isAsyncStdin, isWritable, writableSink } from './stdio-async.js';
import { xhrTransport } from './http-browser.js';
import { browserFetchTransport } from '../wasi3/http-fetch.js';

export { isCommand3, runCommand3 } from '../wasi3/run.js';
export { WasiExit, runCommand, runCommandAsync } from './cli.js';
export { IoError, collectSink, lineSink } from './io.js';
export { memoryDirectory, memoryFile, memorySymlink, MemDirectory } from './filesystem-memory.js';
export { opfsDirectory, OpfsDirectory } from './filesystem-opfs.js';

function sink(v, log, what) {
  if (v === undefined || v === 'inherit' || v === 'console') return lineSink(log);
  if (v === null || v === 'ignore') return nullSink();
  if (typeof v === 'function') return functionSink(v);
  if (isWritable(v)) return writableSink(v);
  if (typeof v === 'object' && typeof v.write === 'function') return v;
  throw new TypeError(`createWasi: ${what} must be 'console', 'ignore', a function, a WritableStream or a sink`);
}

function source(v, jspi) {
  if (v == null || v === 'ignore') return bytesSource('');
  if (typeof v === 'string' || v instanceof Uint8Array) return bytesSource(v);
  if (typeof v === 'function') return functionSource(v, { eager: jspi }); // JSPI: poll asks for data ahead
  if (typeof v === 'object' && typeof v.read === 'function') return v;
  if (isAsyncStdin(v)) {
    if (!jspi)
      throw new TypeError(
        'createWasi: a ReadableStream or async iterable stdin needs jspi: true (and glue from `weft transpile --async-mode jspi`)',
      );
    return asyncStdinSource(v);
  }
  throw new TypeError(
    'createWasi: stdin must be a string, Uint8Array, a function, a ReadableStream, an async iterable or a source',
  );
}

function preopen(guest, v, jspi) {
  if (v instanceof MemDirectory) return memoryPreopen(v, { jspi });
  if (v && typeof v === 'object' && 'opfs' in v) {
    if (!(v.opfs instanceof OpfsDirectory)) {
      throw new TypeError(
        `createWasi: preopen ${guest}: { opfs } takes a loaded tree, \`await opfsDirectory(handle)\` (OPFS is asynchronous, WASI calls are not)`,
      );
    }
    return memoryPreopen(v.opfs, { readonly: v.readonly, jspi });
  }
  if (v && typeof v === 'object' && v.memory) return memoryPreopen(v.memory, { readonly: v.readonly, jspi });
  if (v && typeof v === 'object') return memoryPreopen(v, { jspi });
  throw new TypeError(
    `createWasi: preopen ${guest} must be an in-memory tree (memoryDirectory or a spec object) or { opfs: await opfsDirectory(handle) }`,
  );
}

/**
 * Options as in index.js, except: preopens are in-memory trees or OPFS
 * directories (`{ opfs: await opfsDirectory(handle), readonly? }`), stdio
 * defaults to the console, and `network: true` grants wasi:http outgoing
 * requests only (synchronous XMLHttpRequest, see http-browser.js); sockets
 * stay not-supported. `jspi: true` (only under glue built with
 * `--async-mode jspi --async-imports` from jspi-imports.json): the functions
 * listed in jspi-imports.json return a Promise where they would have to wait,
 * and stdin may be asynchronous (an async function, a ReadableStream, an async
 * iterable). Off by default: a Promise handed to synchronous glue would be
 * lowered as a wrong value, so engine support alone does not turn it on.
 */
export function createWasi(options = {}) {
  const jspi = options.jspi === true;
  if (options.jspi !== undefined && typeof options.jspi !== 'boolean')
    throw new TypeError('createWasi: jspi must be true or false');
  const preopens = preopenEntries(options.preopens).map(([guest, v]) => [preopen(guest, v, jspi), guest]);
  return buildImports({
    args: options.args,
    env: options.env,
    cwd: options.cwd,
    timezone: options.timezone,
    stdin: source(options.stdin, jspi),
    stdout: sink(options.stdout, (l) => console.log(l), 'stdout'),
    stderr: sink(options.stderr, (l) => console.error(l), 'stderr'),
    terminal: options.terminal ?? {},
    preopens,
    Descriptor: MemoryDescriptor,
    http: options.network === true ? xhrTransport() : undefined,
    http3: options.network === true ? browserFetchTransport : undefined,
    jspi,
  });
}
