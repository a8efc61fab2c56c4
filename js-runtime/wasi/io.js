// wasi:io — error, poll, streams.
//
// Streams are generic over a *source* (input) or *sink* (output) so stdio,
// files and in-memory data share one implementation:
//
//   source = { read(len, blocking) -> Uint8Array | null,   // null: end of stream
//              ready?() -> bool, wait?() -> void, whenReady?() -> Promise | null, close?() }
//   sink   = { write(bytes) -> void | Promise, flush?() -> void | Promise, capacity?() -> number,
//              ready?() -> bool, wait?() -> void, close?() }
//
// A source/sink signals a failure by throwing an `IoError`. By default
// everything is synchronous: blocking calls either complete at once (the data
// is there) or block the thread (`wait()`, `sleepUntil`). Streams and
// pollables made with `{ jspi: true }` (jspi.js) instead return a Promise from
// the blocking calls when they would have to wait: for a source's
// `whenReady()`, a sink's pending Promise, or a timer.
import { monotonicNow, sleepUntil } from './time.js';
import { andThen, isThenable, pollAsync, readyIndices } from './jspi.js';

/** wasi:io/error `error`. `code` optionally carries a wasi:filesystem error-code. */
export class IoError {
  constructor(message, code) {
    this.message = message;
    this.code = code;
  }
  toDebugString() {
    return this.message;
  }
}

/**
 * wasi:io/poll `pollable`. Readiness is `isReady()`; a pollable that can
 * become ready by blocking the thread has `wait()` (e.g. a blocking fd read), a
 * `deadline` (BigInt ns on the monotonic clock), or a `group` that can wait for
 * any of several of its pollables at once (`group.waitAny(pollables,
 * timeoutMs)`, e.g. sockets served by one worker thread; `token` tells the
 * group which event the pollable stands for). A `jspi` pollable waits
 * asynchronously instead: for its `whenReady()` Promise (an event that may
 * make it ready) or its deadline (`setTimeout`).
 */
export class Pollable {
  constructor(isReady = () => true, { deadline, wait, group, token, jspi = false, whenReady } = {}) {
    this.isReady = isReady;
    this.deadline = deadline;
    this.wait = wait;
    this.group = group;
    this.token = token;
    this.jspi = jspi;
    this.whenReady = whenReady;
  }
  ready() {
    return this.isReady();
  }
  /** Returns once ready; a `jspi` pollable returns a Promise if it has to wait. */
  block() {
    return andThen(poll([this]), () => undefined);
  }
}

/** A pollable that is ready now (and always). */
export const readyPollable = () => new Pollable();

/**
 * wasi:io/poll `poll`: blocks until at least one pollable is ready and returns
 * the indices of the ready ones. Timers sleep the thread; a pollable with
 * `wait()` blocks on it; a pollable that can only become ready through an
 * asynchronous event (network, browser input) cannot be waited for without
 * JSPI, so polling only such pollables throws instead of hanging. With `jspi`
 * pollables in the list it returns a Promise instead of waiting (jspi.js).
 */
export function poll(list) {
  if (list.length === 0) throw new Error('wasi:io/poll.poll: the list of pollables is empty');
  for (;;) {
    const ready = readyIndices(list);
    if (ready.length > 0) return Uint32Array.from(ready);
    if (list.some((p) => p.jspi)) return pollAsync(list);
    let deadline;
    let waiter;
    let group;
    for (const p of list) {
      if (p.deadline !== undefined && (deadline === undefined || p.deadline < deadline)) deadline = p.deadline;
      if (waiter === undefined && p.wait) waiter = p;
      if (group === undefined && p.group) group = p.group;
    }
    if (group !== undefined) {
      // Wait for any pollable of the group, or until the earliest timer is due.
      const members = list.filter((p) => p.group === group);
      const ms = deadline === undefined ? -1 : Math.max(0, Math.ceil(Number(deadline - monotonicNow()) / 1e6));
      group.waitAny(members, ms);
    } else if (waiter !== undefined) {
      // Only one thing can be waited for synchronously: the fd/source wins over timers.
      waiter.wait();
    } else if (deadline !== undefined) {
      sleepUntil(deadline);
    } else {
      throw new Error(
        'wasi:io/poll.poll: no pollable can become ready synchronously (it waits on an asynchronous event; without JSPI this host cannot wait for it: see createWasi({ jspi: true }))',
      );
    }
  }
}

function waitOptions(src) {
  if (src.group) return { group: src.group, token: src.token };
  if (src.wait) return { wait: () => src.wait() };
  return {};
}

const CLOSED = Object.freeze({ tag: 'closed' });
function failed(e) {
  if (e instanceof IoError) return { tag: 'last-operation-failed', val: e };
  throw e;
}
/** An asynchronous failure (a rejected Promise) as an io error. */
const asIoError = (e) => (e instanceof IoError ? e : new IoError(String(e?.message ?? e)));
/** Longest single read/write chunk (the guest may ask for up to 2^64-1). */
export const MAX_CHUNK = 1 << 20;
function clampLen(len, what) {
  if (typeof len === 'bigint') return len > BigInt(MAX_CHUNK) ? MAX_CHUNK : Number(len);
  if (typeof len === 'number' && len >= 0) return Math.min(len, MAX_CHUNK);
  throw new TypeError(`${what}: expected a u64 length`);
}

/**
 * wasi:io/streams `input-stream`. `{ jspi: true }`: a blocking read of a
 * source with `whenReady()` returns a Promise while no data is there.
 */
export class InputStream {
  constructor(source, { jspi = false } = {}) {
    this.source = source;
    this.closed = false;
    this.jspi = jspi;
  }
  #read(len, blocking) {
    if (this.closed) throw CLOSED;
    const n = clampLen(len, 'input-stream.read');
    let bytes;
    try {
      bytes = this.source.read(n, blocking);
    } catch (e) {
      throw failed(e);
    }
    if (bytes === null) {
      this.closed = true;
      throw CLOSED;
    }
    return bytes;
  }
  /** JSPI: read what is there; while nothing is, wait for the source (a Promise of the bytes). */
  #readWhenReady(len) {
    const bytes = this.#read(len, false);
    if (bytes.length > 0 || clampLen(len, 'input-stream.blocking-read') === 0) return bytes;
    const wake = this.source.whenReady();
    if (!isThenable(wake)) return this.#read(len, true); // nothing asynchronous to wait for
    return Promise.resolve(wake).then(() => this.#readWhenReady(len));
  }
  read(len) {
    return this.#read(len, false);
  }
  blockingRead(len) {
    if (this.jspi && typeof this.source.whenReady === 'function') return this.#readWhenReady(len);
    return this.#read(len, true);
  }
  skip(len) {
    return BigInt(this.#read(len, false).length);
  }
  blockingSkip(len) {
    return andThen(this.blockingRead(len), (bytes) => BigInt(bytes.length));
  }
  subscribe() {
    const src = this.source;
    const whenReady = this.jspi && src.whenReady ? () => src.whenReady() : undefined;
    return new Pollable(() => this.closed || !src.ready || src.ready(), {
      ...waitOptions(src),
      jspi: this.jspi,
      whenReady,
    });
  }
  [Symbol.dispose]() {
    this.closed = true;
    this.source.close?.();
  }
}

const ZEROES = new Uint8Array(4096);

/**
 * wasi:io/streams `output-stream`. A sink's `write`/`flush` may return a
 * Promise. `{ jspi: true }`: the stream is busy until it settles (`check-write`
 * grants 0, the pollable is not ready) and the blocking calls return a Promise
 * that waits for it; without JSPI nothing waits for it. Either way a rejection
 * is reported by the next call as `last-operation-failed`.
 */
export class OutputStream {
  constructor(sink, { jspi = false } = {}) {
    this.sink = sink;
    this.closed = false;
    this.jspi = jspi;
    this.pending = null; // JSPI: Promise of the sink's unfinished work
    this.failure = null; // an asynchronous failure not reported yet
  }
  #check() {
    if (this.failure !== null) {
      const e = this.failure;
      this.failure = null;
      this.closed = true; // after last-operation-failed the stream is closed
      throw failed(asIoError(e));
    }
    if (this.closed) throw CLOSED;
  }
  /** Runs a sink operation now, or after the pending one; keeps a returned Promise as pending (JSPI). */
  #run(op) {
    if (this.pending !== null) return this.#track(this.pending.then(op));
    let r;
    try {
      r = op();
    } catch (e) {
      throw failed(e);
    }
    if (isThenable(r)) this.#track(r);
  }
  #track(promise) {
    const settled = Promise.resolve(promise).then(
      () => {},
      (e) => {
        this.failure = e;
      },
    );
    if (!this.jspi) return;
    const p = settled.then(() => {
      if (this.pending === p) this.pending = null;
    });
    this.pending = p;
  }
  /** Returns once the sink has done everything (a Promise while it is busy), reporting failures. */
  #drained() {
    if (this.pending !== null) return this.pending.then(() => this.#drained());
    this.#check();
    return undefined;
  }
  #write(bytes) {
    this.#check();
    if (!(bytes instanceof Uint8Array)) throw new TypeError('output-stream.write: expected a Uint8Array');
    const copy = this.pending === null ? bytes : bytes.slice();
    this.#run(() => this.sink.write(copy));
  }
  #flush() {
    this.#check();
    this.#run(() => this.sink.flush?.());
  }
  checkWrite() {
    this.#check();
    if (this.pending !== null) return 0n;
    const n = this.sink.capacity ? this.sink.capacity() : MAX_CHUNK;
    return BigInt(n);
  }
  write(contents) {
    this.#write(contents);
  }
  blockingWriteAndFlush(contents) {
    this.#write(contents);
    this.#flush();
    return this.#drained();
  }
  flush() {
    this.#flush();
  }
  blockingFlush() {
    this.#flush();
    return this.#drained();
  }
  subscribe() {
    const sink = this.sink;
    return new Pollable(() => this.closed || (this.pending === null && (!sink.ready || sink.ready())), {
      ...waitOptions(sink),
      jspi: this.jspi,
      whenReady: () => this.pending,
    });
  }
  writeZeroes(len) {
    let n = Number(len);
    while (n > 0) {
      const k = Math.min(n, ZEROES.length);
      this.#write(ZEROES.subarray(0, k));
      n -= k;
    }
  }
  blockingWriteZeroesAndFlush(len) {
    this.writeZeroes(len);
    this.#flush();
    return this.#drained();
  }
  splice(src, len) {
    this.#check();
    const bytes = src.read(len);
    this.#write(bytes);
    return BigInt(bytes.length);
  }
  blockingSplice(src, len) {
    this.#check();
    return andThen(this.#drained(), () =>
      andThen(src.blockingRead(len), (bytes) => {
        this.#write(bytes);
        return BigInt(bytes.length);
      }),
    );
  }
  [Symbol.dispose]() {
    if (this.closed) return;
    this.closed = true;
    const finish = () => {
      try {
        this.sink.flush?.();
      } finally {
        this.sink.close?.();
      }
    };
    if (this.pending !== null) this.pending.then(finish).catch(() => {});
    else finish();
  }
}

// ---- ready-made sources and sinks

/** A source over fixed bytes (a string is UTF-8 encoded); ends after them. */
export function bytesSource(data) {
  let buf = typeof data === 'string' ? new TextEncoder().encode(data) : (data ?? new Uint8Array(0));
  return {
    read(len) {
      if (buf.length === 0) return len === 0 ? buf : null;
      const out = buf.slice(0, len);
      buf = buf.subarray(out.length);
      return out;
    },
  };
}

/**
 * A source from a function `(maxLen) => chunk | Promise<chunk>`, where a chunk
 * is a Uint8Array, a string (UTF-8 encoded), or null/undefined for the end of
 * input; an empty chunk means "nothing yet". A Promise (an async function, a
 * page waiting for typed input) is waited for: until it settles `ready()` is
 * false and `whenReady()` returns it, so a JSPI stream suspends the guest
 * there; without JSPI a blocking read that would have to wait fails with an
 * IoError. A rejection fails every later read. options: `eager` (ready()
 * starts fetching the next chunk: for sources that are asynchronous anyway),
 * `close()` (called when the stream is dropped).
 */
export function functionSource(fn, { eager = false, close } = {}) {
  let pending = new Uint8Array(0);
  let ended = false;
  let failure = null;
  let inflight = null;
  const enc = new TextEncoder();
  const take = (got) => {
    if (got == null) ended = true;
    else if (typeof got === 'string') pending = enc.encode(got);
    else if (got instanceof Uint8Array) pending = got;
    else if (ArrayBuffer.isView(got)) pending = new Uint8Array(got.buffer, got.byteOffset, got.byteLength);
    else if (got instanceof ArrayBuffer) pending = new Uint8Array(got);
    else throw new TypeError(`stdin source produced ${typeof got}, expected bytes, a string or null`);
  };
  const fetch = (len) => {
    const got = fn(len);
    if (!isThenable(got)) return take(got);
    inflight = Promise.resolve(got).then(
      (v) => {
        inflight = null;
        try {
          take(v);
        } catch (e) {
          failure = e;
        }
      },
      (e) => {
        inflight = null;
        failure = e;
      },
    );
  };
  const idle = () => pending.length === 0 && !ended && failure === null && inflight === null;
  return {
    read(len, blocking) {
      for (;;) {
        if (pending.length > 0) {
          const out = pending.slice(0, len);
          pending = pending.subarray(out.length);
          return out;
        }
        if (failure !== null) throw new IoError(`stdin source failed: ${failure?.message ?? failure}`);
        if (ended) return null;
        if (inflight === null) {
          fetch(len);
          if (!idle()) continue;
        }
        if (!blocking) return new Uint8Array(0);
        throw new IoError(
          inflight !== null
            ? 'stdin has no data yet and waiting for it needs JSPI (createWasi({ jspi: true }) under glue from `weft transpile --async-mode jspi`)'
            : 'stdin function returned no data for a blocking read',
        );
      }
    },
    ready() {
      if (eager && idle()) fetch(MAX_CHUNK);
      return inflight === null;
    },
    whenReady() {
      if (eager && idle()) fetch(MAX_CHUNK);
      return inflight;
    },
    close() {
      ended = true;
      close?.();
    },
  };
}

/** A sink that hands each write (a copy) to `fn(bytes)`; a Promise it returns is waited for in JSPI mode. */
export function functionSink(fn) {
  return { write: (bytes) => fn(bytes.slice()) };
}

/** A sink that drops everything. */
export const nullSink = () => ({ write() {} });

/** A sink that collects writes; `text()`/`bytes()` return everything so far. */
export function collectSink() {
  const chunks = [];
  return {
    write: (b) => void chunks.push(b.slice()),
    bytes() {
      const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let o = 0;
      for (const c of chunks) {
        out.set(c, o);
        o += c.length;
      }
      return out;
    },
    text() {
      return new TextDecoder().decode(this.bytes());
    },
  };
}

/** A sink that writes whole lines to `log` (e.g. console.log); `flush` does not split lines. */
export function lineSink(log) {
  const dec = new TextDecoder();
  let partial = '';
  return {
    write(bytes) {
      partial += dec.decode(bytes, { stream: true });
      let nl;
      while ((nl = partial.indexOf('\n')) !== -1) {
        log(partial.slice(0, nl));
        partial = partial.slice(nl + 1);
      }
    },
    close() {
      if (partial) log(partial);
      partial = '';
    },
  };
}

/** The `wasi:io/*` import object entries. */
export function ioImports() {
  return {
    'wasi:io/error': { Error: IoError },
    'wasi:io/poll': { Pollable, poll },
    'wasi:io/streams': { InputStream, OutputStream },
  };
}
