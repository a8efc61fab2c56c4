// Asynchronous stdio for a browser page (JSPI mode): stdin from a
// `ReadableStream` or an async iterable (e.g. lines a user types), stdout/
// stderr to a `WritableStream`. Built on io.js's function source and sink
// Promises: a JSPI host suspends the guest until the data is there or the
// write is done.
import { functionSource } from './io.js';

/** True for what `stdinSource` turns into an asynchronous source. */
export const isAsyncStdin = (v) =>
  v !== null &&
  typeof v === 'object' &&
  (typeof v.getReader === 'function' || typeof v[Symbol.asyncIterator] === 'function');

/**
 * A source over a ReadableStream (of Uint8Array or string chunks) or an async
 * iterable (of Uint8Array, string; end when it is done). Dropping the stream
 * cancels the reader / returns the iterator.
 */
export function asyncStdinSource(v) {
  if (typeof v.getReader === 'function') {
    const reader = v.getReader();
    return functionSource(() => reader.read().then((r) => (r.done ? null : r.value)), {
      eager: true,
      close: () => void reader.cancel().catch(() => {}),
    });
  }
  const it = v[Symbol.asyncIterator]();
  return functionSource(() => Promise.resolve(it.next()).then((r) => (r.done ? null : r.value)), {
    eager: true,
    close: () => void Promise.resolve(it.return?.()).catch(() => {}),
  });
}

/** True for a WritableStream (duck-typed: anything with getWriter()). */
export const isWritable = (v) => v !== null && typeof v === 'object' && typeof v.getWriter === 'function';

/** A sink over a WritableStream: each write is a copy; its Promise is the stream's acknowledgement. */
export function writableSink(stream) {
  const writer = stream.getWriter();
  return {
    write: (bytes) => writer.write(bytes.slice()),
    close: () => void writer.close().catch(() => {}),
  };
}
