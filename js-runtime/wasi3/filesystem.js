// wasi:filesystem@0.3.x on top of the 0.2 backends (../wasi/filesystem-node.js,
// filesystem-memory.js, filesystem-opfs.js): a `Descriptor3` wraps a 0.2
// descriptor, so path resolution, escape checks, read-only grants and errno
// mapping are the same code for both versions. What 0.3 changes is the
// shape: file contents and directory listings are streams with a future for
// the outcome, most methods are `async func`, and `error-code` and
// `descriptor-type` are variants (`{ tag }`) where 0.2 has enum strings.
//
// The 0.3 descriptor's methods share names with 0.2's but not their shapes,
// so these live under their own import keys, `wasi:filesystem/types@0.3` and
// `wasi:filesystem/preopens@0.3`, which the glue asks for (see README.md).

const CHUNK = 65536;

/** A 0.2 error (an error-code string thrown by the backend) as the 0.3 variant. */
export function errorCode3(e) {
  if (typeof e === 'string') return e === 'would-block' ? { tag: 'io' } : { tag: e };
  throw e; // a host bug or a TypeError from bad input: not a filesystem error
}

/** Calls `f`; a thrown 0.2 error-code is rethrown as the 0.3 variant (the glue's `err`). */
function call(f) {
  try {
    return f();
  } catch (e) {
    throw errorCode3(e);
  }
}

/** `result<_, error-code>` of a stream's future. */
const outcome = (e) => (e === undefined ? { tag: 'ok' } : { tag: 'err', val: errorCode3(e) });

/** 0.2 descriptor-type (enum) -> 0.3 (variant; `unknown` is `other(none)`). */
export function type3(t) {
  return t === 'unknown' ? { tag: 'other', val: undefined } : { tag: t };
}

const stat3 = (st) => ({ ...st, type: type3(st.type) });

/**
 * A producer stream (async iterable) whose values come from `produce(emit)`
 * and a future (Promise) of its outcome. The future settles when production
 * ends, fails, or the guest drops the stream.
 */
function producer(produce) {
  let settle;
  const done = new Promise((resolve) => (settle = resolve));
  const stream = {
    async *[Symbol.asyncIterator]() {
      let failure;
      try {
        yield* produce();
      } catch (e) {
        failure = e;
      } finally {
        settle(outcome(failure));
      }
    },
  };
  return [stream, done];
}

/** Writes every chunk of the guest's `data` stream with `put(bytes)`; resolves to the result. */
async function consume(data, put) {
  const it = (data[Symbol.asyncIterator] ?? data[Symbol.iterator]).call(data);
  try {
    for (;;) {
      const { done, value } = await it.next();
      if (done) return { tag: 'ok' };
      put(value);
    }
  } catch (e) {
    await Promise.resolve(it.return?.()).catch(() => {});
    return { tag: 'err', val: errorCode3(e) };
  }
}

const wrappers = new WeakMap();

/** The 0.3 descriptor for a 0.2 one (one wrapper per descriptor). */
export function descriptor3(d) {
  let w = wrappers.get(d);
  if (w === undefined) wrappers.set(d, (w = new Descriptor3(d)));
  return w;
}

/** The 0.2 descriptor inside a 0.3 one handed back by the guest (a borrow). */
function inner(other) {
  if (!(other instanceof Descriptor3)) throw { tag: 'bad-descriptor' };
  return other.d;
}

export class Descriptor3 {
  constructor(d) {
    this.d = d;
  }

  // ---- streams
  readViaStream(offset) {
    const d = this.d;
    return producer(async function* () {
      let pos = BigInt(offset);
      for (;;) {
        const [bytes, end] = d.read(BigInt(CHUNK), pos);
        if (bytes.length > 0) yield bytes;
        pos += BigInt(bytes.length);
        if (end || bytes.length === 0) return;
      }
    });
  }
  writeViaStream(data, offset) {
    let pos = BigInt(offset);
    return consume(data, (bytes) => {
      for (let k = 0; k < bytes.length; ) {
        const n = Number(this.d.write(bytes.subarray(k), pos));
        k += n;
        pos += BigInt(n);
      }
    });
  }
  appendViaStream(data) {
    return consume(data, (bytes) => {
      for (let k = 0; k < bytes.length; ) k += Number(this.d.write(bytes.subarray(k), this.d.stat().size));
    });
  }
  readDirectory() {
    const d = this.d;
    return producer(async function* () {
      const entries = d.readDirectory();
      for (let e; (e = entries.readDirectoryEntry()) !== undefined; ) yield { type: type3(e.type), name: e.name };
    });
  }

  // ---- the descriptor itself (async in the WIT; the backends answer at once)
  advise(offset, length, advice) {
    call(() => this.d.advise(offset, length, advice));
  }
  syncData() {
    call(() => this.d.syncData());
  }
  sync() {
    call(() => this.d.sync());
  }
  getFlags() {
    return call(() => this.d.getFlags());
  }
  getType() {
    return type3(call(() => this.d.getType()));
  }
  setSize(size) {
    call(() => this.d.setSize(size));
  }
  setTimes(atime, mtime) {
    call(() => this.d.setTimes(atime, mtime));
  }
  stat() {
    return stat3(call(() => this.d.stat()));
  }
  isSameObject(other) {
    return other instanceof Descriptor3 && this.d.isSameObject(other.d);
  }
  metadataHash() {
    return call(() => this.d.metadataHash());
  }

  // ---- paths relative to this directory
  statAt(pathFlags, path) {
    return stat3(call(() => this.d.statAt(pathFlags, path)));
  }
  metadataHashAt(pathFlags, path) {
    return call(() => this.d.metadataHashAt(pathFlags, path));
  }
  setTimesAt(pathFlags, path, atime, mtime) {
    call(() => this.d.setTimesAt(pathFlags, path, atime, mtime));
  }
  createDirectoryAt(path) {
    call(() => this.d.createDirectoryAt(path));
  }
  openAt(pathFlags, path, openFlags, flags) {
    return descriptor3(call(() => this.d.openAt(pathFlags, path, openFlags, flags)));
  }
  readlinkAt(path) {
    return call(() => this.d.readlinkAt(path));
  }
  removeDirectoryAt(path) {
    call(() => this.d.removeDirectoryAt(path));
  }
  unlinkFileAt(path) {
    call(() => this.d.unlinkFileAt(path));
  }
  renameAt(oldPath, newDescriptor, newPath) {
    call(() => this.d.renameAt(oldPath, inner(newDescriptor), newPath));
  }
  linkAt(oldPathFlags, oldPath, newDescriptor, newPath) {
    call(() => this.d.linkAt(oldPathFlags, oldPath, inner(newDescriptor), newPath));
  }
  symlinkAt(oldPath, newPath) {
    call(() => this.d.symlinkAt(oldPath, newPath));
  }
}

/** The import entries (under their `@0.3` keys) for the 0.2 preopens `[[descriptor, guestPath], ...]`. */
export function filesystem3Imports(preopens) {
  return {
    'wasi:filesystem/types@0.3': { Descriptor: Descriptor3 },
    'wasi:filesystem/preopens@0.3': { getDirectories: () => preopens.map(([d, p]) => [descriptor3(d), p]) },
  };
}
