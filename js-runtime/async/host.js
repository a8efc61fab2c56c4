// @deps codes copy
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
const CHUNK = 64;

/** A guest stream's shared state as a ReadableStream of element values. */
export function streamToJs(store, shared) {
  let rs;
  // while JS holds the end it may still act: no deadlock can be declared
  store.hostPending++;
  const release = () => {
    if (rs[SHARED] !== null) store.hostPending--;
    rs[SHARED] = null;
  };
  rs = new ReadableStream({
    pull(controller) {
      return new Promise((resolve) => {
        const buf = new HostBuffer([], controller.desiredSize > 0 ? controller.desiredSize : CHUNK);
        const done = (result) => {
          for (const v of buf.values) controller.enqueue(v);
          if (result === COPY_DROPPED) {
            release();
            controller.close();
          }
          resolve();
        };
        shared.read(null, buf, (reclaim) => { reclaim(); done(COPY_COMPLETED); }, done);
      });
    },
    cancel() {
      release();
      shared.drop();
    },
  }, { highWaterMark: 0 });
  rs[SHARED] = shared;
  if (!(Symbol.asyncIterator in rs)) rs[Symbol.asyncIterator] = () => iterate(rs);
  return rs;
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
 * A JS source as a stream's shared state (the host is the writer). `store`
 * counts outstanding host work (deadlock detection) and is woken when values
 * arrive. Values are passed through unchanged; the glue's GuestBuffer lowers them.
 */
export function streamFromJs(store, t, source) {
  if (source != null && source[SHARED] != null) {
    const s = source[SHARED];
    source[SHARED] = null; // moved back into a guest
    store.hostPending--;
    return s;
  }
  let it = null;
  const iter = () => {
    if (it !== null) return it;
    if (Array.isArray(source) || typeof source?.[Symbol.iterator] === 'function') it = source[Symbol.iterator]();
    else if (typeof source?.[Symbol.asyncIterator] === 'function') it = source[Symbol.asyncIterator]();
    else if (typeof source?.getReader === 'function') it = iterate(source);
    else throw new TypeError('expected a ReadableStream, an async iterable, an iterable or an array for a stream');
    return it;
  };
  iter(); // validate eagerly
  const queue = [];
  let ended = false;
  let fetching = false;
  const s = {
    t,
    dropped: false,
    pending: null, // { dst, onCopyDone }
    read(inst, dst, onCopy, onCopyDone) {
      if (queue.length > 0 || ended) {
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
      if (typeof it?.return === 'function') Promise.resolve(it.return()).catch(() => {});
    },
  };
  const deliver = (dst, onCopyDone) => {
    if (queue.length === 0 && ended) {
      onCopyDone(COPY_DROPPED);
      return;
    }
    const n = Math.min(dst.remain(), queue.length);
    if (n > 0) dst.write(queue.splice(0, n));
    onCopyDone(COPY_COMPLETED);
  };
  const fetch = () => {
    if (fetching) return;
    // synchronous iterables fill the queue without waiting
    let r = it.next();
    if (r === null || typeof r.then !== 'function') {
      if (r.done) ended = true;
      else queue.push(r.value);
      const p = s.pending;
      s.pending = null;
      deliver(p.dst, p.onCopyDone);
      return;
    }
    fetching = true;
    store.hostPending++;
    r.then((res) => {
      fetching = false;
      store.hostPending--;
      if (res.done) ended = true;
      else queue.push(res.value);
      const p = s.pending;
      if (p !== null && !s.dropped) {
        s.pending = null;
        deliver(p.dst, p.onCopyDone);
      }
      store.wake();
    }, (e) => {
      fetching = false;
      store.hostPending--;
      store.fail(e);
    });
  };
  return s;
}

/** A guest future's shared state as a Promise of its value. */
export function futureToJs(store, shared) {
  store.hostPending++;
  return new Promise((resolve) => {
    const buf = new HostBuffer([], 1);
    shared.read(null, buf, () => {
      store.hostPending--;
      resolve(buf.values[0]);
    });
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
    value.then((v) => {
      store.hostPending--;
      if (!s.dropped) write(v);
      store.wake();
    }, (e) => {
      store.hostPending--;
      store.fail(e);
    });
  }
  return s;
}
