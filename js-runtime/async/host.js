// The JS face of streams and futures: a stream the guest hands out becomes a
// `ReadableStream` (also async-iterable, even where the engine's isn't); a
// future becomes a Promise. Going in, JS may pass a ReadableStream, any
// (async) iterable or an array for a stream, and a Promise or plain value for
// a future; these become host-side shared ends with the same read/cancel/drop
// protocol as SharedStream/SharedFuture, so the guest's built-ins cannot tell
// them apart. Streams that came from a guest go back as the same shared object.
import { HostBuffer, SharedFuture } from './copy.js';
import { COPY_COMPLETED, COPY_DROPPED, COPY_CANCELLED } from './codes.js';

const SHARED = Symbol('weft.shared');
const RELEASE = Symbol('weft.release');
const CHUNK = 64;
// A JS read of `stream<u8>` takes up to this much of what the writer offers
// at once (one Uint8Array): fewer, bigger chunks; memory stays bounded by the
// guest's own buffer.
const BYTE_CHUNK = 1 << 20;

/** A writable buffer of bytes (`stream<u8>` read by JS): one Uint8Array chunk per
 * read, holding exactly what the guest wrote (no capacity-sized allocation). */
class ByteSink {
  constructor(capacity) {
    this.parts = [];
    this.length = capacity;
    this.progress = 0;
  }
  remain() {
    return this.length - this.progress;
  }
  isZeroLength() {
    return this.length === 0;
  }
  write(vs) {
    this.parts.push(vs instanceof Uint8Array ? vs : Uint8Array.from(vs));
    this.progress += vs.length;
  }
  get values() {
    if (this.parts.length <= 1) return this.parts;
    const out = new Uint8Array(this.progress);
    let k = 0;
    for (const p of this.parts) {
      out.set(p, k);
      k += p.length;
    }
    return [out];
  }
}

/** `stream<u8>` chunks from JS (Uint8Array / ArrayBuffer views / arrays of bytes) as bytes. */
function toBytes(chunk) {
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (Array.isArray(chunk)) return Uint8Array.from(chunk);
  if (typeof chunk === 'number') return Uint8Array.of(chunk);
  throw new TypeError('stream<u8>: expected Uint8Array chunks (or arrays of bytes)');
}

/**
 * A guest stream's shared state as a ReadableStream of element values. A read
 * in flight is one of the store's waiters: a failure of the store errors the
 * stream (the pending read rejects with the trap); a read after the failure
 * fails at once. (An idle stream is not a waiter: the store does not keep a
 * stream JS abandoned alive.)
 */
export function streamToJs(store, shared) {
  let rs;
  let ctrl = null;
  let pulling = null; // the pending read's resolve
  // while JS holds the end it may still act: no deadlock can be declared
  store.hostPending++;
  const release = () => {
    if (rs[SHARED] !== null) store.hostPending--;
    rs[SHARED] = null;
  };
  const waiter = {
    reject(e) {
      release();
      ctrl.error(e);
      pulling?.();
      pulling = null;
    },
  };
  rs = new ReadableStream(
    {
      start(controller) {
        ctrl = controller;
      },
      pull(controller) {
        if (store.failure !== null) {
          waiter.reject(store.failure);
          return;
        }
        return new Promise((resolve) => {
          const want = Math.max(controller.desiredSize, 0);
          const buf = shared.t.bytes ? new ByteSink(want || BYTE_CHUNK) : new HostBuffer([], want || CHUNK);
          const done = (result) => {
            store.unwatch(waiter);
            pulling = null;
            for (const v of buf.values) controller.enqueue(v);
            if (result === COPY_DROPPED) {
              release();
              controller.close();
            }
            resolve();
          };
          pulling = resolve;
          store.watch(waiter);
          shared.read(
            null,
            buf,
            (reclaim) => {
              reclaim();
              done(COPY_COMPLETED);
            },
            done,
          );
          // a guest writer waiting on this read may now be ready
          store.wake();
        });
      },
      cancel() {
        release();
        shared.drop();
        store.wake();
      },
    },
    { highWaterMark: 0 },
  );
  rs[SHARED] = shared;
  rs[RELEASE] = release; // (the store that counts JS's hold may be another glue's instance's)
  if (!(Symbol.asyncIterator in rs)) rs[Symbol.asyncIterator] = () => iterate(rs);
  rs.next = streamNext;
  rs.return = streamReturn;
  return rs;
}

// `next()`/`return()` on the stream itself (code written for jco's stream
// objects): they drive one async iterator, made on first use, so the stream is
// both a ReadableStream and an async-iterator-style object.
const OWN_ITER = Symbol('weft.iterator');
function ownIterator(rs) {
  if (rs[OWN_ITER] === undefined) rs[OWN_ITER] = rs[Symbol.asyncIterator]();
  return rs[OWN_ITER];
}
function streamNext() {
  return ownIterator(this).next();
}
/** Ends the iteration and cancels the stream (dropping the guest's end), as the iterator's `return`. */
async function streamReturn(value) {
  const it = ownIterator(this);
  await it.return?.(value);
  if (!this.locked) await this.cancel();
  return { done: true, value };
}

async function* iterate(rs) {
  const reader = rs.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * A ReadableStream source as an iterator over its own reader: `return()` (the
 * guest dropped its end) cancels it, as its async iterator's would, and
 * `cancel(e)` (the guest trapped) cancels it with that reason.
 */
function sourceReader(rs) {
  const reader = rs.getReader();
  return {
    next: () => reader.read(),
    return: () => reader.cancel(),
    cancel: (e) => reader.cancel(e),
  };
}

/**
 * A JS source as a stream's shared state (the host is the writer). `store`
 * counts outstanding host work (deadlock detection) and is woken when values
 * arrive. Values are passed through unchanged; the glue's GuestBuffer lowers them.
 */
export function streamFromJs(store, t, source, where = 'stream') {
  if (source != null && source[SHARED] != null) {
    const s = source[SHARED];
    source[RELEASE](); // moved back into a guest: JS no longer holds it
    return s;
  }
  let it = null;
  const iter = () => {
    if (it !== null) return it;
    if (Array.isArray(source) || typeof source?.[Symbol.iterator] === 'function') it = source[Symbol.iterator]();
    else if (typeof source?.getReader === 'function') it = sourceReader(source);
    else if (typeof source?.[Symbol.asyncIterator] === 'function') it = source[Symbol.asyncIterator]();
    else
      throw new TypeError(
        `${where}: expected a ReadableStream, an async iterable, an iterable or an array for a ${t.name}`,
      );
    return it;
  };
  // a bare Uint8Array is one chunk of bytes, not an iterable of numbers
  if (t.bytes && ArrayBuffer.isView(source)) source = [source];
  iter(); // validate eagerly
  const queue = []; // values, or for stream<u8> Uint8Array chunks
  let queued = 0; // bytes in `queue` (stream<u8>)
  let ended = false;
  let fetching = false;
  const s = {
    t,
    dropped: false,
    pending: null, // { dst, onCopyDone }
    read(_inst, dst, _onCopy, onCopyDone) {
      if (available() > 0 || ended) {
        deliver(dst, onCopyDone);
        return;
      }
      s.pending = { dst, onCopyDone };
      fetch();
    },
    cancel() {
      const p = s.pending;
      s.pending = null;
      p.onCopyDone(COPY_CANCELLED);
    },
    drop() {
      s.dropped = true;
      store.unwatch(waiter);
      if (typeof it?.return === 'function') Promise.resolve(it.return()).catch(() => {});
    },
  };
  // A failure of the store (the guest reading this stream trapped) ends the
  // source: a ReadableStream is cancelled with the trap, an iterator returned.
  const waiter = {
    reject(e) {
      s.dropped = true;
      s.pending = null;
      if (typeof it.cancel === 'function') it.cancel(e).catch(() => {});
      else if (typeof it.return === 'function') Promise.resolve(it.return()).catch(() => {});
    },
  };
  store.watch(waiter);
  const push = (v) => {
    if (!t.bytes) {
      queue.push(v);
      return;
    }
    const b = toBytes(v);
    if (b.length > 0) {
      queue.push(b);
      queued += b.length;
    }
  };
  const available = () => (t.bytes ? queued : queue.length);
  const take = (n) => {
    if (!t.bytes) return queue.splice(0, n);
    const first = queue[0];
    if (first.length >= n) {
      // One chunk covers the read (the usual case): hand it over uncopied;
      // the reader's buffer copies it into guest memory anyway.
      if (first.length === n) queue.shift();
      else queue[0] = first.subarray(n);
      queued -= n;
      return first.length === n ? first : first.subarray(0, n);
    }
    const out = new Uint8Array(n);
    let k = 0;
    while (k < n) {
      const c = queue[0];
      const m = Math.min(c.length, n - k);
      out.set(m === c.length ? c : c.subarray(0, m), k);
      if (m === c.length) queue.shift();
      else queue[0] = c.subarray(m);
      k += m;
    }
    queued -= n;
    return out;
  };
  const deliver = (dst, onCopyDone) => {
    if (available() === 0 && ended) {
      onCopyDone(COPY_DROPPED);
      return;
    }
    const n = Math.min(dst.remain(), available());
    if (n > 0) dst.write(take(n));
    onCopyDone(COPY_COMPLETED);
  };
  const fetch = () => {
    if (fetching) return;
    // synchronous iterables fill the queue without waiting
    const r = it.next();
    if (r === null || typeof r.then !== 'function') {
      if (r.done) ended = true;
      else push(r.value);
      const p = s.pending;
      s.pending = null;
      deliver(p.dst, p.onCopyDone);
      return;
    }
    fetching = true;
    store.hostPending++;
    r.then(
      (res) => {
        fetching = false;
        store.hostPending--;
        if (store.failure !== null) return;
        if (res.done) ended = true;
        else push(res.value);
        const p = s.pending;
        if (p !== null && !s.dropped) {
          s.pending = null;
          deliver(p.dst, p.onCopyDone);
        }
        store.wake();
      },
      (e) => {
        fetching = false;
        store.hostPending--;
        store.fail(e);
      },
    );
  };
  return s;
}

/** A guest future's shared state as a Promise of its value (a store failure rejects it). */
export function futureToJs(store, shared) {
  store.hostPending++;
  return new Promise((resolve, reject) => {
    const buf = new HostBuffer([], 1);
    let settled = false;
    const waiter = {
      reject(e) {
        if (settled) return;
        settled = true;
        store.hostPending--;
        reject(e);
      },
    };
    store.watch(waiter);
    if (settled) return;
    shared.read(null, buf, () => {
      if (settled) return;
      settled = true;
      store.hostPending--;
      store.unwatch(waiter);
      resolve(buf.values[0]);
    });
    store.wake();
  });
}

/** A Promise (or value) as a future's shared state (the host is the writer). */
export function futureFromJs(store, t, value) {
  const s = new SharedFuture(t);
  const write = (v) => s.write(null, new HostBuffer([v]), () => {});
  if (value === null || typeof value?.then !== 'function') {
    write(value);
  } else {
    store.hostPending++;
    value.then(
      (v) => {
        store.hostPending--;
        if (!s.dropped) write(v);
        store.wake();
      },
      (e) => {
        store.hostPending--;
        store.fail(e);
      },
    );
  }
  return s;
}
