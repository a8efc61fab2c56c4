// wasi:io — error, poll, streams.
//
// Streams are generic over a *source* (input) or *sink* (output) so stdio,
// files and in-memory data share one implementation:
//
//   source = { read(len, blocking) -> Uint8Array | null,   // null: end of stream
//              ready?() -> bool, wait?() -> void, close?() }
//   sink   = { write(bytes) -> void, flush?() -> void, capacity?() -> number,
//              ready?() -> bool, wait?() -> void, close?() }
//
// A source/sink signals a failure by throwing an `IoError`. Everything here is
// synchronous: blocking calls either complete at once (the data is there) or
// block the thread (`wait()`, `sleepUntil`).
import { monotonicNow, sleepUntil } from './time.js';

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
 * group which event the pollable stands for).
 */
export class Pollable {
  constructor(isReady = () => true, { deadline, wait, group, token } = {}) {
    this.isReady = isReady;
    this.deadline = deadline;
    this.wait = wait;
    this.group = group;
    this.token = token;
  }
  ready() {
    return this.isReady();
  }
  block() {
    poll([this]);
  }
}

/** A pollable that is ready now (and always). */
export const readyPollable = () => new Pollable();

/**
 * wasi:io/poll `poll`: blocks until at least one pollable is ready and returns
 * the indices of the ready ones. Timers sleep the thread; a pollable with
 * `wait()` blocks on it; a pollable that can only become ready through an
 * asynchronous event (network, browser input) cannot be waited for without
 * JSPI, so polling only such pollables throws instead of hanging.
 */
export function poll(list) {
  if (list.length === 0) throw new Error('wasi:io/poll.poll: the list of pollables is empty');
  for (;;) {
    const ready = [];
    for (let i = 0; i < list.length; i++) if (list[i].ready()) ready.push(i);
    if (ready.length > 0) return Uint32Array.from(ready);
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
      throw new Error('wasi:io/poll.poll: no pollable can become ready synchronously (it waits on an asynchronous event; this host has no JSPI)');
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
/** Longest single read/write chunk (the guest may ask for up to 2^64-1). */
export const MAX_CHUNK = 1 << 20;
function clampLen(len, what) {
  if (typeof len === 'bigint') return len > BigInt(MAX_CHUNK) ? MAX_CHUNK : Number(len);
  if (typeof len === 'number' && len >= 0) return Math.min(len, MAX_CHUNK);
  throw new TypeError(`${what}: expected a u64 length`);
}

/** wasi:io/streams `input-stream`. */
export class InputStream {
  constructor(source) {
    this.source = source;
    this.closed = false;
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
  read(len) {
    return this.#read(len, false);
  }
  blockingRead(len) {
    return this.#read(len, true);
  }
  skip(len) {
    return BigInt(this.#read(len, false).length);
  }
  blockingSkip(len) {
    return BigInt(this.#read(len, true).length);
  }
  subscribe() {
    const src = this.source;
    return new Pollable(() => this.closed || !src.ready || src.ready(), waitOptions(src));
  }
  [Symbol.dispose]() {
    this.closed = true;
    this.source.close?.();
  }
}

const ZEROES = new Uint8Array(4096);

/** wasi:io/streams `output-stream`. */
export class OutputStream {
  constructor(sink) {
    this.sink = sink;
    this.closed = false;
  }
  #check() {
    if (this.closed) throw CLOSED;
  }
  #write(bytes) {
    this.#check();
    if (!(bytes instanceof Uint8Array)) throw new TypeError('output-stream.write: expected a Uint8Array');
    try {
      this.sink.write(bytes);
    } catch (e) {
      throw failed(e);
    }
  }
  #flush() {
    this.#check();
    try {
      this.sink.flush?.();
    } catch (e) {
      throw failed(e);
    }
  }
  checkWrite() {
    this.#check();
    const n = this.sink.capacity ? this.sink.capacity() : MAX_CHUNK;
    return BigInt(n);
  }
  write(contents) {
    this.#write(contents);
  }
  blockingWriteAndFlush(contents) {
    this.#write(contents);
    this.#flush();
  }
  flush() {
    this.#flush();
  }
  blockingFlush() {
    this.#flush();
  }
  subscribe() {
    const sink = this.sink;
    return new Pollable(() => this.closed || !sink.ready || sink.ready(), waitOptions(sink));
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
  }
  splice(src, len) {
    this.#check();
    const bytes = src.read(len);
    this.#write(bytes);
    return BigInt(bytes.length);
  }
  blockingSplice(src, len) {
    this.#check();
    const bytes = src.blockingRead(len);
    this.#write(bytes);
    return BigInt(bytes.length);
  }
  [Symbol.dispose]() {
    if (this.closed) return;
    this.closed = true;
    try {
      this.sink.flush?.();
    } finally {
      this.sink.close?.();
    }
  }
}

// ---- ready-made sources and sinks

/** A source over fixed bytes (a string is UTF-8 encoded); ends after them. */
export function bytesSource(data) {
  let buf = typeof data === 'string' ? new TextEncoder().encode(data) : data ?? new Uint8Array(0);
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
 * A source from a synchronous function `(maxLen) => Uint8Array | string | null`
 * (null or undefined: end of input; an empty array: nothing yet).
 */
export function functionSource(fn) {
  let pending = new Uint8Array(0);
  let ended = false;
  const enc = new TextEncoder();
  return {
    read(len, blocking) {
      for (;;) {
        if (pending.length > 0) {
          const out = pending.slice(0, len);
          pending = pending.subarray(out.length);
          return out;
        }
        if (ended) return null;
        const got = fn(len);
        if (got == null) ended = true;
        else pending = typeof got === 'string' ? enc.encode(got) : got;
        if (!blocking && pending.length === 0 && !ended) return new Uint8Array(0);
        if (blocking && pending.length === 0 && !ended) {
          throw new IoError('stdin function returned no data for a blocking read');
        }
      }
    },
  };
}

/** A sink that hands each write (a copy) to `fn(bytes)`. */
export function functionSink(fn) {
  return { write: (bytes) => void fn(bytes.slice()) };
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
      for (const c of chunks) { out.set(c, o); o += c.length; }
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
