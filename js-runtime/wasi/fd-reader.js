// Reading a file descriptor without blocking the thread (Node), for WASI 0.3
// stdin (`readAsync`). A pipe, socket or terminal is read through a libuv
// handle (`net.Socket`, `tty.ReadStream`: the event loop polls it), never
// with `fs.read` on the thread pool: a thread-pool read of a pipe that never
// closes cannot be abandoned, and Node's `process.exit` waits for it. The
// handle keeps the event loop alive only while a read is waiting for data.
// A regular file (or /dev/null) is read with `fs.read`, which returns at once.
//
// Bytes the handle has read ahead stay in its buffer; `takeBuffered` hands
// them to a synchronous (0.2) read first, so a program reading stdin through
// both versions sees its bytes in order.
import fs from 'node:fs';
import net from 'node:net';
import tty from 'node:tty';

/** A libuv stream over `fd` (unref'd), or null where `fd` is a file and `fs.read` does. */
function handleFor(fd) {
  let st;
  try {
    st = fs.fstatSync(fd);
  } catch {
    return null;
  }
  let s;
  if (st.isCharacterDevice() && tty.isatty(fd)) s = new tty.ReadStream(fd);
  else if (st.isFIFO() || st.isSocket()) s = new net.Socket({ fd, readable: true, writable: false });
  else return null;
  s.unref();
  s.on('error', () => {}); // reported to the waiting read below
  return s;
}

/** Resolves once `s` has data, has ended or has failed (rejects with the error). */
function whenReadable(s) {
  return new Promise((resolve, reject) => {
    const done = (e) => {
      s.off('readable', done);
      s.off('end', done);
      s.off('close', done);
      s.off('error', done);
      if (e instanceof Error) reject(e);
      else resolve();
    };
    s.once('readable', done);
    s.once('end', done);
    s.once('close', done);
    s.once('error', done);
  });
}

/** `{ readAsync(len), takeBuffered(len) }` over `fd`. */
export function fdReader(fd) {
  let handle; // undefined: not chosen yet; null: fs.read
  const stream = () => (handle === undefined ? (handle = handleFor(fd)) : handle);

  /** Up to `len` bytes the handle already holds, else null. */
  function takeBuffered(len) {
    if (!handle) return null;
    const b = handle.read();
    if (b === null) return null;
    if (b.length > len) handle.unshift(b.subarray(len));
    return new Uint8Array(b.buffer, b.byteOffset, Math.min(len, b.length));
  }

  /** The next chunk (at most `len` bytes), or null at the end. */
  async function readAsync(len) {
    const s = stream();
    if (s === null) return readFile(fd, len);
    for (;;) {
      const b = takeBuffered(len);
      if (b !== null) return b;
      if (s.readableEnded || s.destroyed) {
        if (s.errored) throw s.errored;
        return null;
      }
      s.ref();
      try {
        await whenReadable(s);
      } finally {
        s.unref();
      }
    }
  }
  return { readAsync, takeBuffered };
}

function readFile(fd, len) {
  return new Promise((resolve, reject) => {
    fs.read(fd, Buffer.alloc(len), 0, len, null, (e, n, buf) => {
      if (e) {
        if (e.code === 'EOF') resolve(null);
        else reject(e);
      } else {
        resolve(n === 0 ? null : new Uint8Array(buf.buffer, buf.byteOffset, n));
      }
    });
  });
}
