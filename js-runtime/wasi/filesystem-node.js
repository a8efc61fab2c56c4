// wasi:filesystem on Node's file system: real files under the host
// directories granted as preopens. All calls are synchronous (`fs.*Sync`).
//
// Each descriptor is a capability for its own directory: guest paths are
// resolved component by component (filesystem-common.js `resolvePath`) with
// `lstat`/`readlink`, so `..`, absolute paths and symlinks that lead out of
// it are refused with `not-permitted` before the host path is touched.
// (A concurrent host process that swaps a checked component for a symlink
// between the check and the use could still race it: no openat2/RESOLVE_BENEATH in Node.)
import fs from 'node:fs';
import { join } from 'node:path';
import { IoError, InputStream, OutputStream, MAX_CHUNK } from './io.js';
import { DirectoryEntryStream, datetime, descFlags, newTimestamp, resolvePath } from './filesystem-common.js';
import { wallNow } from './time.js';

const C = fs.constants;
const ERRNO = {
  EACCES: 'access',
  EAGAIN: 'would-block',
  EWOULDBLOCK: 'would-block',
  EALREADY: 'already',
  EBADF: 'bad-descriptor',
  EBUSY: 'busy',
  EDEADLK: 'deadlock',
  EDQUOT: 'quota',
  EEXIST: 'exist',
  EFBIG: 'file-too-large',
  EILSEQ: 'illegal-byte-sequence',
  EINPROGRESS: 'in-progress',
  EINTR: 'interrupted',
  EINVAL: 'invalid',
  EIO: 'io',
  EISDIR: 'is-directory',
  ELOOP: 'loop',
  EMLINK: 'too-many-links',
  EMSGSIZE: 'message-size',
  ENAMETOOLONG: 'name-too-long',
  ENODEV: 'no-device',
  ENOENT: 'no-entry',
  ENOLCK: 'no-lock',
  ENOMEM: 'insufficient-memory',
  ENOSPC: 'insufficient-space',
  ENOTDIR: 'not-directory',
  ENOTEMPTY: 'not-empty',
  ENOTRECOVERABLE: 'not-recoverable',
  ENOTSUP: 'unsupported',
  EOPNOTSUPP: 'unsupported',
  ENOTTY: 'no-tty',
  ENXIO: 'no-such-device',
  EOVERFLOW: 'overflow',
  EPERM: 'not-permitted',
  EPIPE: 'pipe',
  EROFS: 'read-only',
  ESPIPE: 'invalid-seek',
  ETXTBSY: 'text-file-busy',
  EXDEV: 'cross-device',
  EMFILE: 'insufficient-memory',
  ENFILE: 'insufficient-memory',
};

/** Node fs error -> wasi:filesystem error-code (strings pass through). */
export function errorCode(e) {
  if (typeof e === 'string') return e;
  if (e && typeof e.code === 'string' && e.code.startsWith('E')) return ERRNO[e.code] ?? 'io';
  throw e;
}

function guard(fn) {
  try {
    return fn();
  } catch (e) {
    throw errorCode(e);
  }
}

function ioError(e) {
  const code = errorCode(e);
  return new IoError(`${e.message ?? code}`, code);
}

function typeOf(st) {
  if (st.isFile()) return 'regular-file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symbolic-link';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'character-device';
  if (st.isBlockDevice()) return 'block-device';
  return 'unknown';
}

function statOf(st) {
  return {
    type: typeOf(st),
    linkCount: st.nlink,
    size: st.size,
    dataAccessTimestamp: datetime(st.atimeNs),
    dataModificationTimestamp: datetime(st.mtimeNs),
    statusChangeTimestamp: datetime(st.ctimeNs),
  };
}

const nowNs = () => {
  const t = wallNow();
  return t.seconds * 1_000_000_000n + BigInt(t.nanoseconds);
};
const secs = (ns) => Number(ns) / 1e9;

/** wasi:filesystem/types `descriptor` for a host file or directory. */
export class NodeDescriptor {
  /** hostPath: absolute host path; type: descriptor-type; fd: open fd for files, null for directories. */
  constructor(hostPath, type, flags, fd = null) {
    this.hostPath = hostPath;
    this.type = type;
    this.flags = descFlags(flags);
    this.fd = fd;
  }

  // ---- helpers
  #dir() {
    if (this.type !== 'directory') throw 'not-directory';
  }
  #mutable() {
    this.#dir();
    if (!this.flags.mutateDirectory) throw 'read-only';
  }
  #fd(need) {
    if (this.fd === null) throw this.type === 'directory' ? 'is-directory' : 'bad-descriptor';
    if (need && !this.flags[need]) throw 'bad-descriptor';
    return this.fd;
  }
  /** Guest path relative to this directory -> host path, refusing escapes. */
  resolve(path, follow) {
    this.#dir();
    const base = this.hostPath;
    const parts = resolvePath(path, follow, (p) => {
      const host = join(base, ...p);
      let st;
      try {
        st = fs.lstatSync(host);
      } catch {
        return null;
      }
      return st.isSymbolicLink() ? fs.readlinkSync(host) : null;
    });
    return parts.length === 0 ? base : join(base, ...parts);
  }
  #stat() {
    return this.fd !== null ? fs.fstatSync(this.fd, { bigint: true }) : fs.statSync(this.hostPath, { bigint: true });
  }

  // ---- streams
  readViaStream(offset) {
    const fd = this.#fd('read');
    let pos = Number(offset);
    return new InputStream({
      read(len) {
        const buf = new Uint8Array(len);
        let n;
        try {
          n = fs.readSync(fd, buf, 0, len, pos);
        } catch (e) {
          throw ioError(e);
        }
        if (n === 0 && len > 0) return null;
        pos += n;
        return buf.subarray(0, n);
      },
    });
  }
  writeViaStream(offset) {
    const fd = this.#fd('write');
    let pos = Number(offset);
    return new OutputStream({
      write(bytes) {
        try {
          for (let o = 0; o < bytes.length; ) o += fs.writeSync(fd, bytes, o, bytes.length - o, pos + o);
        } catch (e) {
          throw ioError(e);
        }
        pos += bytes.length;
      },
    });
  }
  appendViaStream() {
    const fd = this.#fd('write');
    return new OutputStream({
      write(bytes) {
        try {
          const pos = fs.fstatSync(fd).size;
          for (let o = 0; o < bytes.length; ) o += fs.writeSync(fd, bytes, o, bytes.length - o, pos + o);
        } catch (e) {
          throw ioError(e);
        }
      },
    });
  }

  // ---- the descriptor itself
  advise() {
    this.#fd();
  }
  syncData() {
    if (this.fd !== null) guard(() => fs.fdatasyncSync(this.fd));
  }
  sync() {
    if (this.fd !== null) guard(() => fs.fsyncSync(this.fd));
  }
  getFlags() {
    return { ...this.flags };
  }
  getType() {
    return this.type;
  }
  setSize(size) {
    const fd = this.#fd('write');
    guard(() => fs.ftruncateSync(fd, Number(size)));
  }
  setTimes(atime, mtime) {
    guard(() => {
      const st = this.#stat();
      const now = nowNs();
      const a = newTimestamp(atime, now) ?? st.atimeNs;
      const m = newTimestamp(mtime, now) ?? st.mtimeNs;
      if (this.fd !== null) fs.futimesSync(this.fd, secs(a), secs(m));
      else fs.utimesSync(this.hostPath, secs(a), secs(m));
    });
  }
  read(length, offset) {
    const fd = this.#fd('read');
    const len = Math.min(Number(length), MAX_CHUNK);
    const buf = new Uint8Array(len);
    const n = guard(() => fs.readSync(fd, buf, 0, len, Number(offset)));
    return [buf.subarray(0, n), n < len];
  }
  write(buffer, offset) {
    const fd = this.#fd('write');
    return BigInt(guard(() => fs.writeSync(fd, buffer, 0, buffer.length, Number(offset))));
  }
  readDirectory() {
    this.#dir();
    const entries = guard(() => fs.readdirSync(this.hostPath, { withFileTypes: true }));
    return new DirectoryEntryStream(entries.map((d) => ({ type: typeOf(d), name: d.name })));
  }
  stat() {
    return statOf(guard(() => this.#stat()));
  }
  isSameObject(other) {
    if (!(other instanceof NodeDescriptor)) return false;
    try {
      const a = this.#stat();
      const b = other.#stat();
      return a.dev === b.dev && a.ino === b.ino;
    } catch {
      return false;
    }
  }
  metadataHash() {
    const st = guard(() => this.#stat());
    return { lower: st.ino, upper: st.dev };
  }

  // ---- paths relative to this directory
  statAt(pathFlags, path) {
    return guard(() => {
      const follow = !!pathFlags?.symlinkFollow;
      const p = this.resolve(path, follow);
      return statOf(follow ? fs.statSync(p, { bigint: true }) : fs.lstatSync(p, { bigint: true }));
    });
  }
  metadataHashAt(pathFlags, path) {
    const st = this.statAtRaw(pathFlags, path);
    return { lower: st.ino, upper: st.dev };
  }
  statAtRaw(pathFlags, path) {
    return guard(() => {
      const follow = !!pathFlags?.symlinkFollow;
      const p = this.resolve(path, follow);
      return follow ? fs.statSync(p, { bigint: true }) : fs.lstatSync(p, { bigint: true });
    });
  }
  setTimesAt(pathFlags, path, atime, mtime) {
    this.#mutable();
    guard(() => {
      const follow = !!pathFlags?.symlinkFollow;
      const p = this.resolve(path, follow);
      const st = follow ? fs.statSync(p, { bigint: true }) : fs.lstatSync(p, { bigint: true });
      const now = nowNs();
      const a = secs(newTimestamp(atime, now) ?? st.atimeNs);
      const m = secs(newTimestamp(mtime, now) ?? st.mtimeNs);
      if (follow) fs.utimesSync(p, a, m);
      else fs.lutimesSync(p, a, m);
    });
  }
  createDirectoryAt(path) {
    this.#mutable();
    guard(() => fs.mkdirSync(this.resolve(path, false)));
  }
  openAt(pathFlags, path, openFlags = {}, flags = {}) {
    this.#dir();
    const want = descFlags(flags);
    if ((want.write || want.mutateDirectory || openFlags.create || openFlags.truncate) && !this.flags.mutateDirectory) {
      throw 'read-only';
    }
    return guard(() => {
      const follow = !!pathFlags?.symlinkFollow;
      const p = this.resolve(path, follow);
      let f = want.read && want.write ? C.O_RDWR : want.write ? C.O_WRONLY : C.O_RDONLY;
      if (openFlags.create) f |= C.O_CREAT;
      if (openFlags.exclusive) f |= C.O_EXCL;
      if (openFlags.truncate) f |= C.O_TRUNC;
      if (openFlags.directory) f |= C.O_DIRECTORY;
      if (!follow) f |= C.O_NOFOLLOW;
      const fd = fs.openSync(p, f);
      let st;
      try {
        st = fs.fstatSync(fd);
      } catch (e) {
        fs.closeSync(fd);
        throw e;
      }
      if (st.isDirectory()) {
        fs.closeSync(fd);
        if (want.write) throw 'is-directory';
        return new NodeDescriptor(p, 'directory', { ...want, mutateDirectory: this.flags.mutateDirectory });
      }
      return new NodeDescriptor(p, typeOf(st), { ...want, mutateDirectory: false }, fd);
    });
  }
  readlinkAt(path) {
    return guard(() => fs.readlinkSync(this.resolve(path, false)));
  }
  removeDirectoryAt(path) {
    this.#mutable();
    guard(() => fs.rmdirSync(this.resolve(path, false)));
  }
  unlinkFileAt(path) {
    this.#mutable();
    guard(() => {
      const p = this.resolve(path, false);
      if (fs.lstatSync(p).isDirectory()) throw 'is-directory';
      fs.unlinkSync(p);
    });
  }
  renameAt(oldPath, newDescriptor, newPath) {
    this.#mutable();
    if (!(newDescriptor instanceof NodeDescriptor)) throw 'cross-device';
    newDescriptor.#mutable();
    guard(() => fs.renameSync(this.resolve(oldPath, false), newDescriptor.resolve(newPath, false)));
  }
  linkAt(oldPathFlags, oldPath, newDescriptor, newPath) {
    this.#mutable();
    if (!(newDescriptor instanceof NodeDescriptor)) throw 'cross-device';
    newDescriptor.#mutable();
    guard(() =>
      fs.linkSync(this.resolve(oldPath, !!oldPathFlags?.symlinkFollow), newDescriptor.resolve(newPath, false)),
    );
  }
  symlinkAt(oldPath, newPath) {
    this.#mutable();
    if (oldPath.startsWith('/')) throw 'not-permitted';
    guard(() => fs.symlinkSync(oldPath, this.resolve(newPath, false)));
  }
  [Symbol.dispose]() {
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* already closed */
      }
      this.fd = null;
    }
  }
}

/** A preopened host directory: `hostPath` must exist and be a directory. */
export function nodePreopen(hostPath, { readonly = false } = {}) {
  let real;
  try {
    real = fs.realpathSync(hostPath);
  } catch (e) {
    throw new TypeError(`createWasi: preopen ${hostPath}: ${e.message}`);
  }
  if (!fs.statSync(real).isDirectory()) throw new TypeError(`createWasi: preopen ${hostPath} is not a directory`);
  return new NodeDescriptor(real, 'directory', { read: true, mutateDirectory: !readonly });
}
