// wasi:filesystem over an in-memory tree (browser, tests, sandboxes). No
// `node:` imports. The host seeds a tree and reads results back:
//
//   const root = memoryDirectory({ 'input.txt': 'hello', sub: { 'b.bin': new Uint8Array([1]) },
//                                  link: memorySymlink('input.txt') });
//   createWasi({ preopens: { '/data': root } });
//   root.readFile('out.txt')   // Uint8Array, or throws the error-code
//
// The same capability rules as on Node apply (filesystem-common.js).
//
// A tree can be the in-memory copy of persistent storage (filesystem-opfs.js):
// its root then has `changed()` (called after every change the guest makes),
// `guestSync()` (write back now; a Promise) and `storesLinks === false`
// (symbolic and hard links are refused with `not-supported`). Every
// descriptor carries its *grant* `{ root, jspi }` (the preopen it came from)
// to find them.
import { InputStream, OutputStream, MAX_CHUNK } from './io.js';
import { DirectoryEntryStream, datetime, descFlags, newTimestamp, resolvePath } from './filesystem-common.js';
import { wallNow } from './time.js';

const nowNs = () => {
  const t = wallNow();
  return t.seconds * 1_000_000_000n + BigInt(t.nanoseconds);
};
let nextIno = 1n;

class Node {
  constructor(type) {
    this.type = type;
    this.ino = nextIno++;
    this.nlink = 1n;
    this.atime = this.mtime = this.ctime = nowNs();
    /** Bumped on every change of content or entries (persistence diffs on it). */
    this.version = 0;
  }
  touch() {
    this.mtime = this.ctime = nowNs();
    this.version++;
  }
}

export class MemFile extends Node {
  constructor(data = new Uint8Array(0)) {
    super('regular-file');
    this.data = typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data);
    this.size = this.data.length;
  }
  bytes() {
    return this.data.slice(0, this.size);
  }
  readAt(pos, len) {
    if (pos >= this.size) return new Uint8Array(0);
    return this.data.slice(pos, Math.min(this.size, pos + len));
  }
  writeAt(pos, bytes) {
    const end = pos + bytes.length;
    if (end > this.data.length) {
      const grown = new Uint8Array(Math.max(end, this.data.length * 2));
      grown.set(this.data.subarray(0, this.size));
      this.data = grown;
    }
    if (pos > this.size) this.data.fill(0, this.size, pos);
    this.data.set(bytes, pos);
    this.size = Math.max(this.size, end);
    this.touch();
  }
  truncate(size) {
    if (size > this.data.length) {
      const grown = new Uint8Array(size);
      grown.set(this.data.subarray(0, this.size));
      this.data = grown;
    } else if (size > this.size) {
      this.data.fill(0, this.size, size);
    }
    this.size = size;
    this.touch();
  }
}

export class MemSymlink extends Node {
  constructor(target) {
    super('symbolic-link');
    this.target = target;
  }
}

export class MemDirectory extends Node {
  constructor() {
    super('directory');
    this.entries = new Map();
  }
  /** The node at `path` (relative, `/`-separated; symlinks followed, escapes refused). */
  lookup(path) {
    return walk(
      this,
      resolvePath(path, true, (p) => readlinkIn(this, p)),
    );
  }
  readFile(path) {
    const n = this.lookup(path);
    if (n.type !== 'regular-file') throw 'is-directory';
    return n.bytes();
  }
  readText(path) {
    return new TextDecoder().decode(this.readFile(path));
  }
  /** Creates or replaces a file (parents must exist). */
  writeFile(path, data) {
    const parts = resolvePath(path, false, (p) => readlinkIn(this, p));
    const [dir, name] = parentOf(this, parts);
    dir.entries.set(name, new MemFile(data));
    dir.touch();
  }
  /** Names in the directory at `path` ('' or '.': this one), sorted. */
  list(path = '.') {
    const d = path === '.' || path === '' ? this : this.lookup(path);
    if (d.type !== 'directory') throw 'not-directory';
    return [...d.entries.keys()].sort();
  }
}

/** A directory from a spec: string/Uint8Array = file, plain object = directory, Mem* node = itself. */
export function memoryDirectory(spec = {}) {
  const dir = new MemDirectory();
  for (const [name, v] of Object.entries(spec)) {
    if (name === '' || name === '.' || name === '..' || name.includes('/'))
      throw new TypeError(`memoryDirectory: bad entry name ${JSON.stringify(name)}`);
    dir.entries.set(name, toNode(v));
  }
  return dir;
}
export const memoryFile = (data) => new MemFile(data);
export const memorySymlink = (target) => new MemSymlink(target);

function toNode(v) {
  if (v instanceof Node) return v;
  if (typeof v === 'string' || v instanceof Uint8Array || v instanceof ArrayBuffer) return new MemFile(v);
  if (v && typeof v === 'object') return memoryDirectory(v);
  throw new TypeError(`memoryDirectory: cannot make a file system entry of ${typeof v}`);
}

function walk(dir, parts) {
  let n = dir;
  for (const p of parts) {
    if (n.type !== 'directory') throw 'not-directory';
    n = n.entries.get(p);
    if (n === undefined) throw 'no-entry';
  }
  return n;
}
function readlinkIn(dir, parts) {
  let n = dir;
  for (const p of parts) {
    if (n.type !== 'directory') return null;
    n = n.entries.get(p);
    if (n === undefined) return null;
  }
  return n.type === 'symbolic-link' ? n.target : null;
}
function parentOf(dir, parts) {
  if (parts.length === 0) throw 'exist';
  const parent = walk(dir, parts.slice(0, -1));
  if (parent.type !== 'directory') throw 'not-directory';
  return [parent, parts[parts.length - 1]];
}

function statOf(n) {
  return {
    type: n.type,
    linkCount: n.nlink,
    size: BigInt(n.type === 'regular-file' ? n.size : n.type === 'symbolic-link' ? n.target.length : 0),
    dataAccessTimestamp: datetime(n.atime),
    dataModificationTimestamp: datetime(n.mtime),
    statusChangeTimestamp: datetime(n.ctime),
  };
}

/** wasi:filesystem/types `descriptor` for an in-memory file or directory. */
export class MemoryDescriptor {
  /** grant: `{ root, jspi }` of the preopen this descriptor was opened from. */
  constructor(node, flags, grant = { root: node, jspi: false }) {
    this.node = node;
    this.flags = descFlags(flags);
    this.grant = grant;
  }
  #changed() {
    this.grant.root.changed?.();
  }
  #links() {
    if (this.grant.root.storesLinks === false) throw 'not-supported';
  }
  #dir() {
    if (this.node.type !== 'directory') throw 'not-directory';
    return this.node;
  }
  #mutable() {
    this.#dir();
    if (!this.flags.mutateDirectory) throw 'read-only';
    return this.node;
  }
  #file(need) {
    if (this.node.type === 'directory') throw 'is-directory';
    if (need && !this.flags[need]) throw 'bad-descriptor';
    return this.node;
  }
  #parts(path, follow) {
    const dir = this.#dir();
    return resolvePath(path, follow, (p) => readlinkIn(dir, p));
  }
  #at(pathFlags, path) {
    return walk(this.node, this.#parts(path, !!pathFlags?.symlinkFollow));
  }

  readViaStream(offset) {
    const f = this.#file('read');
    let pos = Number(offset);
    return new InputStream({
      read(len) {
        if (pos >= f.size && len > 0) return null;
        const out = f.readAt(pos, len);
        pos += out.length;
        return out;
      },
    });
  }
  writeViaStream(offset) {
    const f = this.#file('write');
    let pos = Number(offset);
    const changed = () => this.#changed();
    return new OutputStream({
      write(bytes) {
        f.writeAt(pos, bytes);
        pos += bytes.length;
        changed();
      },
    });
  }
  appendViaStream() {
    const f = this.#file('write');
    return new OutputStream({
      write: (bytes) => {
        f.writeAt(f.size, bytes);
        this.#changed();
      },
    });
  }
  advise() {}
  syncData() {
    return this.sync();
  }
  /**
   * Persistent trees: in JSPI mode a Promise that settles once everything is
   * written back (rejecting with an error-code); otherwise the write-back is
   * only scheduled. Plain memory: nothing to do.
   */
  sync() {
    const { root, jspi } = this.grant;
    if (typeof root.guestSync !== 'function') return undefined;
    if (!jspi) return void root.changed();
    return root.guestSync();
  }
  getFlags() {
    return { ...this.flags };
  }
  getType() {
    return this.node.type;
  }
  setSize(size) {
    this.#file('write').truncate(Number(size));
    this.#changed();
  }
  setTimes(atime, mtime) {
    setTimes(this.node, atime, mtime);
  }
  read(length, offset) {
    const f = this.#file('read');
    const len = Math.min(Number(length), MAX_CHUNK);
    const out = f.readAt(Number(offset), len);
    return [out, Number(offset) + out.length >= f.size];
  }
  write(buffer, offset) {
    this.#file('write').writeAt(Number(offset), buffer);
    this.#changed();
    return BigInt(buffer.length);
  }
  readDirectory() {
    const d = this.#dir();
    return new DirectoryEntryStream([...d.entries].map(([name, n]) => ({ type: n.type, name })));
  }
  stat() {
    return statOf(this.node);
  }
  isSameObject(other) {
    return other instanceof MemoryDescriptor && other.node === this.node;
  }
  metadataHash() {
    return { lower: this.node.ino, upper: 0n };
  }
  statAt(pathFlags, path) {
    return statOf(this.#at(pathFlags, path));
  }
  metadataHashAt(pathFlags, path) {
    return { lower: this.#at(pathFlags, path).ino, upper: 0n };
  }
  setTimesAt(pathFlags, path, atime, mtime) {
    this.#mutable();
    setTimes(this.#at(pathFlags, path), atime, mtime);
  }
  createDirectoryAt(path) {
    this.#mutable();
    const [dir, name] = parentOf(this.node, this.#parts(path, false));
    if (dir.entries.has(name)) throw 'exist';
    dir.entries.set(name, new MemDirectory());
    dir.touch();
    this.#changed();
  }
  openAt(pathFlags, path, openFlags = {}, flags = {}) {
    this.#dir();
    const want = descFlags(flags);
    if ((want.write || want.mutateDirectory || openFlags.create || openFlags.truncate) && !this.flags.mutateDirectory) {
      throw 'read-only';
    }
    const parts = this.#parts(path, !!pathFlags?.symlinkFollow);
    let node;
    if (parts.length === 0) {
      node = this.node;
      if (openFlags.create && openFlags.exclusive) throw 'exist';
    } else {
      const [dir, name] = parentOf(this.node, parts);
      node = dir.entries.get(name);
      if (node === undefined) {
        if (!openFlags.create) throw 'no-entry';
        if (openFlags.directory) throw 'invalid';
        node = new MemFile();
        dir.entries.set(name, node);
        dir.touch();
        this.#changed();
      } else if (openFlags.create && openFlags.exclusive) {
        throw 'exist';
      }
    }
    if (node.type === 'symbolic-link') throw 'loop';
    if (openFlags.directory && node.type !== 'directory') throw 'not-directory';
    if (node.type === 'directory') {
      if (want.write || openFlags.truncate) throw 'is-directory';
      return new MemoryDescriptor(node, { ...want, mutateDirectory: this.flags.mutateDirectory }, this.grant);
    }
    if (openFlags.truncate) {
      if (!want.write) throw 'bad-descriptor';
      node.truncate(0);
      this.#changed();
    }
    return new MemoryDescriptor(node, { ...want, mutateDirectory: false }, this.grant);
  }
  readlinkAt(path) {
    const n = walk(this.node, this.#parts(path, false));
    if (n.type !== 'symbolic-link') throw 'invalid';
    return n.target;
  }
  removeDirectoryAt(path) {
    this.#mutable();
    const [dir, name] = parentOf(this.node, this.#parts(path, false));
    const n = dir.entries.get(name);
    if (n === undefined) throw 'no-entry';
    if (n.type !== 'directory') throw 'not-directory';
    if (n.entries.size > 0) throw 'not-empty';
    dir.entries.delete(name);
    dir.touch();
    this.#changed();
  }
  unlinkFileAt(path) {
    this.#mutable();
    const [dir, name] = parentOf(this.node, this.#parts(path, false));
    const n = dir.entries.get(name);
    if (n === undefined) throw 'no-entry';
    if (n.type === 'directory') throw 'is-directory';
    dir.entries.delete(name);
    n.nlink--;
    dir.touch();
    this.#changed();
  }
  renameAt(oldPath, newDescriptor, newPath) {
    this.#mutable();
    if (!(newDescriptor instanceof MemoryDescriptor)) throw 'cross-device';
    newDescriptor.#mutable();
    const [from, oldName] = parentOf(this.node, this.#parts(oldPath, false));
    const n = from.entries.get(oldName);
    if (n === undefined) throw 'no-entry';
    const [to, newName] = parentOf(newDescriptor.node, newDescriptor.#parts(newPath, false));
    const existing = to.entries.get(newName);
    if (existing === n) return;
    if (existing !== undefined) {
      if (existing.type === 'directory' && n.type !== 'directory') throw 'is-directory';
      if (existing.type !== 'directory' && n.type === 'directory') throw 'not-directory';
      if (existing.type === 'directory' && existing.entries.size > 0) throw 'not-empty';
    }
    if (n.type === 'directory' && isInside(n, to)) throw 'invalid';
    from.entries.delete(oldName);
    to.entries.set(newName, n);
    from.touch();
    to.touch();
    this.#changed();
    newDescriptor.#changed();
  }
  linkAt(oldPathFlags, oldPath, newDescriptor, newPath) {
    this.#mutable();
    if (!(newDescriptor instanceof MemoryDescriptor)) throw 'cross-device';
    newDescriptor.#mutable();
    this.#links();
    newDescriptor.#links();
    const n = this.#at(oldPathFlags, oldPath);
    if (n.type === 'directory') throw 'not-permitted';
    const [to, name] = parentOf(newDescriptor.node, newDescriptor.#parts(newPath, false));
    if (to.entries.has(name)) throw 'exist';
    to.entries.set(name, n);
    n.nlink++;
    to.touch();
    this.#changed();
  }
  symlinkAt(oldPath, newPath) {
    this.#mutable();
    if (oldPath.startsWith('/')) throw 'not-permitted';
    this.#links();
    const [dir, name] = parentOf(this.node, this.#parts(newPath, false));
    if (dir.entries.has(name)) throw 'exist';
    dir.entries.set(name, new MemSymlink(oldPath));
    dir.touch();
    this.#changed();
  }
}

function isInside(dir, target) {
  if (dir === target) return true;
  for (const n of dir.entries.values()) if (n.type === 'directory' && isInside(n, target)) return true;
  return false;
}

function setTimes(n, atime, mtime) {
  const now = nowNs();
  n.atime = newTimestamp(atime, now) ?? n.atime;
  n.mtime = newTimestamp(mtime, now) ?? n.mtime;
}

/**
 * A preopen over an in-memory directory (a spec object is turned into one).
 * `jspi`: the host runs under JSPI glue, so `sync` may return a Promise.
 */
export function memoryPreopen(dir, { readonly = false, jspi = false } = {}) {
  const node = dir instanceof MemDirectory ? dir : memoryDirectory(dir);
  return new MemoryDescriptor(node, { read: true, mutateDirectory: !readonly }, { root: node, jspi: !!jspi });
}
