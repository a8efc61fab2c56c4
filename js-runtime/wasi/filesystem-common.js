// Shared by both wasi:filesystem backends (filesystem-node.js,
// filesystem-memory.js): capability-safe path resolution, the directory
// entry stream, and the interface functions that do not depend on storage.
//
// Errors are thrown as wasi:filesystem `error-code` strings (the glue turns a
// thrown non-Error value into the `err` of the import's result).

const MAX_SYMLINKS = 40;

/**
 * Resolves `path` relative to a directory capability without ever leaving it.
 * `readlink(parts)` returns the target of the entry at `parts` (relative to the
 * capability's directory) if it is a symbolic link, else null.
 * Returns the resolved components (no `.`, `..` or symlinks left, except a
 * final symlink when `follow` is false). Refuses, with `not-permitted`:
 * absolute paths, `..` above the capability, and symlinks whose target is
 * absolute or leads above it.
 */
export function resolvePath(path, follow, readlink) {
  if (typeof path !== 'string') throw new TypeError('path must be a string');
  if (path === '') throw 'no-entry';
  if (path.startsWith('/')) throw 'not-permitted';
  if (path.includes('\0')) throw 'illegal-byte-sequence';
  // A trailing slash means "a directory": its final symlink is followed.
  if (path.endsWith('/')) follow = true;
  let pending = path.split('/');
  const out = [];
  let links = 0;
  while (pending.length > 0) {
    const c = pending.shift();
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (out.length === 0) throw 'not-permitted';
      out.pop();
      continue;
    }
    out.push(c);
    const last = pending.every((p) => p === '' || p === '.');
    if (!last || follow) {
      const target = readlink(out);
      if (target !== null) {
        if (++links > MAX_SYMLINKS) throw 'loop';
        if (target.startsWith('/')) throw 'not-permitted';
        out.pop();
        pending = [...target.split('/'), ...pending];
      }
    }
  }
  return out;
}

/** Normalized descriptor-flags / open-flags / path-flags objects. */
export const descFlags = (f = {}) => ({
  read: !!f.read,
  write: !!f.write,
  fileIntegritySync: !!f.fileIntegritySync,
  dataIntegritySync: !!f.dataIntegritySync,
  requestedWriteSync: !!f.requestedWriteSync,
  mutateDirectory: !!f.mutateDirectory,
});

/** wasi:filesystem `directory-entry-stream` over a prepared list of entries. */
export class DirectoryEntryStream {
  constructor(entries) {
    this.entries = entries;
    this.i = 0;
  }
  readDirectoryEntry() {
    return this.i < this.entries.length ? this.entries[this.i++] : undefined;
  }
}

/** ns BigInt -> wall-clock datetime. */
export function datetime(ns) {
  return { seconds: ns / 1_000_000_000n, nanoseconds: Number(ns % 1_000_000_000n) };
}

/** new-timestamp variant -> ns BigInt, or undefined for no-change. */
export function newTimestamp(t, nowNs) {
  switch (t?.tag) {
    case 'no-change':
      return undefined;
    case 'now':
      return nowNs;
    case 'timestamp':
      return BigInt(t.val.seconds) * 1_000_000_000n + BigInt(t.val.nanoseconds);
    default:
      throw 'invalid';
  }
}

/** wasi:filesystem/types `filesystem-error-code` for a stream's io error. */
export function filesystemErrorCode(err) {
  return err && typeof err.code === 'string' ? err.code : undefined;
}

/**
 * The wasi:filesystem import entries for a list of preopens
 * `[[descriptor, guestPath], ...]` and the backend's Descriptor class.
 */
export function filesystemImports(preopens, Descriptor) {
  return {
    'wasi:filesystem/types': { Descriptor, DirectoryEntryStream, filesystemErrorCode },
    'wasi:filesystem/preopens': { getDirectories: () => preopens.map(([d, p]) => [d, p]) },
  };
}
