// The WASI 0.2 import object for a component running as a fetch handler on
// an edge platform (Cloudflare Workers, Deno, Bun, Node): the WASI host's
// portable parts (../wasi/, no `node:` import in this graph) in JSPI mode, so
// nothing blocks the thread: timers wait on `setTimeout`, streams on their
// Promises. What the platform cannot offer is reported the WASI way, never
// thrown: no preopens unless in-memory trees are given (`get-directories` is
// empty, so opening a path fails with the guest's own error code), sockets are
// `not-supported`, and without `network` every outgoing request gets
// `HTTP-request-denied` (0.2 and 0.3 alike; 0.3 requests go through
// ../wasi3/http-fetch.js, their bodies collected before sending). Clocks and random come from the platform
// (`performance.now`, `Date`, `crypto.getRandomValues`).
import { buildImports, preopenEntries } from '../wasi/imports.js';
import { bytesSource, lineSink, nullSink } from '../wasi/io.js';
import { MemoryDescriptor, memoryPreopen } from '../wasi/filesystem-memory.js';
import { edgeHttpImports } from './http.js';
import { fetchTransport } from '../wasi3/http-fetch.js';

function sink(v, log, what) {
  if (v === undefined || v === 'console') return lineSink(log);
  if (v === null || v === 'ignore') return nullSink();
  if (typeof v === 'function') return { write: (b) => v(b.slice()) };
  throw new TypeError(`createEdgeWasi: ${what} must be 'console', 'ignore' or a function`);
}

/**
 * options: `args`, `env`, `cwd`, `timezone` as in createWasi; `preopens`:
 * in-memory trees only (`{ '/data': memoryDirectory({...}) }`, or
 * `{ memory: tree, readonly: true }`); `stdout`/
 * `stderr`: 'console' (default, line by line), 'ignore' or a function of the
 * bytes; `network`: true (default) sends outgoing wasi:http requests through
 * `fetch` (default `globalThis.fetch`), false denies them; `jspi`: true
 * (default) for JSPI glue (a 0.2 handler), false for glue without it (a 0.3
 * handler, whose WASI 0.2 calls through the adapter then answer at once).
 */
export function createEdgeWasi(options = {}) {
  const jspi = options.jspi ?? true;
  const preopens = preopenEntries(options.preopens).map(([guest, v]) => [
    v?.memory ? memoryPreopen(v.memory, { readonly: v.readonly, jspi }) : memoryPreopen(v, { jspi }),
    guest,
  ]);
  const network = options.network ?? true;
  const fetchImpl = network ? (options.fetch ?? ((...a) => globalThis.fetch(...a))) : null;
  return {
    ...buildImports({
      args: options.args,
      env: options.env,
      cwd: options.cwd,
      timezone: options.timezone,
      stdin: bytesSource(''),
      stdout: sink(options.stdout, (l) => console.log(l), 'stdout'),
      stderr: sink(options.stderr, (l) => console.error(l), 'stderr'),
      terminal: {},
      preopens,
      Descriptor: MemoryDescriptor,
      jspi,
      http3: fetchImpl ? (request) => fetchTransport(request, fetchImpl) : undefined,
    }),
    ...edgeHttpImports(fetchImpl),
  };
}
