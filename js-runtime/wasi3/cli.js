// wasi:cli@0.3.x — stdio as `stream<u8>` with a `future` for the outcome, the
// 0.3 names of environment (`get-initial-cwd`) and `wasi:cli/types`. Exit,
// arguments, environment and terminal-* keep their 0.2 functions (same names,
// same meaning), so a program importing both versions sees one environment.
// The sources and sinks are the ones the 0.2 host uses (../wasi/io.js), so
// 0.2 and 0.3 writes to stdout go to the same place, in order.

const CHUNK = 65536;

/** wasi:cli/types `error-code` of a failed sink/source. */
function errorCode(e) {
  return e?.code === 'EPIPE' ? 'pipe' : 'io';
}

/**
 * Writes every chunk of `data` (a ReadableStream / async iterable of
 * Uint8Array, as the glue hands a guest `stream<u8>` to the host) to `sink`;
 * resolves to the `result<_, error-code>` of `write-via-stream`'s future.
 * On failure the stream is cancelled, which the guest's writer sees as the
 * reader having dropped.
 */
export async function drainToSink(data, sink) {
  const it = (data[Symbol.asyncIterator] ?? data[Symbol.iterator]).call(data);
  try {
    for (;;) {
      const { done, value } = await it.next();
      if (done) break;
      const w = sink.write(value);
      if (w != null && typeof w.then === 'function') await w;
    }
    const f = sink.flush?.();
    if (f != null && typeof f.then === 'function') await f;
    return { tag: 'ok' };
  } catch (e) {
    await Promise.resolve(it.return?.()).catch(() => {});
    return { tag: 'err', val: errorCode(e) };
  }
}

/**
 * The chunks of a 0.2 source (`read(len, blocking)`, optional `whenReady()`,
 * optional `readAsync(len)`) as an async iterable, ending at the source's end.
 * `outcome.error` is set when the source fails.
 */
export function sourceChunks(src, outcome) {
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for (;;) {
          let c = typeof src.readAsync === 'function' ? await src.readAsync(CHUNK) : src.read(CHUNK, false);
          if (c !== null && c.length === 0) {
            const p = src.whenReady?.();
            // an asynchronous source: wait for it; else the read may block the thread
            if (p) await p;
            c = src.read(CHUNK, !p);
          }
          if (c === null) return;
          if (c.length > 0) yield c;
        }
      } catch (e) {
        outcome.error = errorCode(e);
      }
    },
  };
}

/** parts: as for the 0.2 host's cliImports (`stdin` source, `stdout`/`stderr` sinks, `cwd`). */
export function cli3Imports(parts) {
  const readViaStream = () => {
    const outcome = { error: null };
    let finished;
    const done = new Promise((resolve) => (finished = resolve));
    const chunks = sourceChunks(parts.stdin, outcome);
    const stream = {
      async *[Symbol.asyncIterator]() {
        try {
          yield* chunks;
        } finally {
          finished(outcome.error === null ? { tag: 'ok' } : { tag: 'err', val: outcome.error });
        }
      },
    };
    return [stream, done];
  };
  return {
    'wasi:cli/types': {},
    'wasi:cli/environment': { getInitialCwd: () => parts.cwd },
    'wasi:cli/stdin': { readViaStream },
    'wasi:cli/stdout': { writeViaStream: (data) => drainToSink(data, parts.stdout) },
    'wasi:cli/stderr': { writeViaStream: (data) => drainToSink(data, parts.stderr) },
  };
}
