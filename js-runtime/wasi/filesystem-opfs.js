// wasi:filesystem preopens backed by the browser's Origin Private File System.
//
// WASI calls are synchronous; the OPFS directory API is asynchronous (its
// synchronous `createSyncAccessHandle` exists only in dedicated workers, and
// only per file). So an OPFS directory is *loaded* into an in-memory tree
// (filesystem-memory.js, which keeps every capability rule) before the
// program runs, and the guest's changes are *written back* asynchronously:
//
//   const data = await opfsDirectory();           // or opfsDirectory(dirHandle)
//   const wasi = createWasi({ preopens: { '/data': { opfs: data } } });
//   ... run the program ...
//   await data.flush();                           // everything is in OPFS now
//
// Every change schedules a write-back (a macrotask later, so it runs as soon
// as a synchronous guest returns, or while a JSPI guest is suspended); a
// guest's `sync`/`sync-data` waits for it in JSPI mode. A write-back diffs the
// tree against what OPFS is known to hold and only touches what changed.
import { MemDirectory, MemFile } from './filesystem-memory.js';

/**
 * Loads the OPFS directory `handle` (default: the origin's root,
 * `navigator.storage.getDirectory()`) into an `OpfsDirectory` tree.
 * options.onError(e): called when an automatic write-back fails (default:
 * console.error); `flush()` rejects with the same error.
 */
export async function opfsDirectory(handle, options = {}) {
  handle ??= await globalThis.navigator?.storage?.getDirectory?.();
  if (handle?.kind !== 'directory' || typeof handle.entries !== 'function') {
    throw new TypeError('opfsDirectory: expected a FileSystemDirectoryHandle (or none, for the OPFS root)');
  }
  const tree = new OpfsDirectory(handle, options);
  await tree.reload();
  return tree;
}

/** An in-memory tree that mirrors an OPFS directory (`handle`). */
export class OpfsDirectory extends MemDirectory {
  /** OPFS has no symbolic or hard links: creating one is `not-supported`. */
  storesLinks = false;
  #handle;
  #saved = new Map(); // path -> { kind: 'file' | 'directory', node?, version? } as OPFS holds it
  #queue = Promise.resolve();
  #scheduled = false;
  #onError;

  constructor(handle, { onError } = {}) {
    super();
    this.#handle = handle;
    this.#onError = onError ?? ((e) => console.error('weft wasi: writing back to OPFS failed:', e));
  }

  get handle() {
    return this.#handle;
  }

  /** Replaces the tree with what OPFS holds now (unsaved changes are lost). */
  async reload() {
    const saved = new Map();
    this.entries = await loadEntries(this.#handle, '', saved);
    this.#saved = saved;
  }

  /** Creates or replaces a file (the page seeding data); written back like the guest's changes. */
  writeFile(path, data) {
    super.writeFile(path, data);
    this.changed();
  }

  /** Called by descriptors after every change: schedules a write-back. */
  changed() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setTimeout(() => {
      this.#scheduled = false;
      this.flush().catch((e) => this.#onError(e));
    }, 0);
  }

  /** Writes every change back to OPFS; resolves when OPFS has it all (rejects with the DOMException). */
  flush() {
    const run = this.#queue.then(() => this.#writeBack());
    this.#queue = run.catch(() => {});
    return run;
  }

  /** `flush()` for a guest's `sync`: rejects with a wasi:filesystem error-code. */
  guestSync() {
    return this.flush().catch((e) => {
      throw opfsErrorCode(e);
    });
  }

  async #writeBack() {
    // Everything the write-back needs is captured synchronously, so the guest
    // may keep changing the tree meanwhile (the next write-back catches up).
    const now = snapshot(this);
    const saved = this.#saved;
    const removed = [...saved.keys()]
      .filter((p) => now.get(p)?.kind !== saved.get(p).kind)
      .sort()
      .filter((p, i, all) => !all.slice(0, i).some((q) => p.startsWith(`${q}/`)));
    const dirs = [...now]
      .filter(([p, e]) => e.kind === 'directory' && saved.get(p)?.kind !== 'directory')
      .map(([p]) => p)
      .sort();
    const files = [...now]
      .filter(([p, e]) => {
        const was = saved.get(p);
        return e.kind === 'file' && (was?.node !== e.node || was.version !== e.version);
      })
      .map(([p, e]) => [p, e, e.node.bytes()]);

    const handles = new Map([['', this.#handle]]);
    const dirHandle = async (path) => {
      let h = handles.get(path);
      if (h === undefined) {
        const [parent, name] = split(path);
        h = await (await dirHandle(parent)).getDirectoryHandle(name, { create: true });
        handles.set(path, h);
      }
      return h;
    };
    for (const path of removed) {
      const [parent, name] = split(path);
      try {
        await (await dirHandle(parent)).removeEntry(name, { recursive: true });
      } catch (e) {
        if (e?.name !== 'NotFoundError') throw e;
      }
      for (const p of [...saved.keys()]) if (p === path || p.startsWith(`${path}/`)) saved.delete(p);
    }
    for (const path of dirs) {
      await dirHandle(path);
      saved.set(path, { kind: 'directory' });
    }
    for (const [path, e, bytes] of files) {
      const [parent, name] = split(path);
      await writeFile(await (await dirHandle(parent)).getFileHandle(name, { create: true }), bytes);
      saved.set(path, { kind: 'file', node: e.node, version: e.version });
    }
  }
}

/** OPFS DOMException -> wasi:filesystem error-code. */
export function opfsErrorCode(e) {
  switch (e?.name) {
    case 'QuotaExceededError':
      return 'insufficient-space';
    case 'NotAllowedError':
    case 'SecurityError':
      return 'access';
    case 'NoModificationAllowedError':
      return 'busy';
    case 'NotFoundError':
      return 'no-entry';
    case 'TypeMismatchError':
      return 'not-directory';
    case 'InvalidModificationError':
      return 'not-empty';
    default:
      return 'io';
  }
}

const split = (path) => {
  const i = path.lastIndexOf('/');
  return i < 0 ? ['', path] : [path.slice(0, i), path.slice(i + 1)];
};

async function loadEntries(handle, prefix, saved) {
  const entries = new Map();
  for await (const [name, h] of handle.entries()) {
    const path = prefix + name;
    if (h.kind === 'directory') {
      const dir = new MemDirectory();
      dir.entries = await loadEntries(h, `${path}/`, saved);
      entries.set(name, dir);
      saved.set(path, { kind: 'directory' });
    } else {
      const file = await h.getFile();
      const node = new MemFile(new Uint8Array(await file.arrayBuffer()));
      node.atime = node.mtime = node.ctime = BigInt(Math.round(file.lastModified)) * 1_000_000n;
      entries.set(name, node);
      saved.set(path, { kind: 'file', node, version: node.version });
    }
  }
  return entries;
}

/** path -> { kind, node, version } for every file and directory below `dir` (links are not stored). */
function snapshot(dir, prefix = '', out = new Map()) {
  for (const [name, n] of dir.entries) {
    const path = prefix + name;
    if (n.type === 'directory') {
      out.set(path, { kind: 'directory' });
      snapshot(n, `${path}/`, out);
    } else if (n.type === 'regular-file') {
      out.set(path, { kind: 'file', node: n, version: n.version });
    }
  }
  return out;
}

/** Replaces a file's contents: a writable stream, or (a worker without one) a sync access handle. */
async function writeFile(fileHandle, bytes) {
  if (typeof fileHandle.createWritable === 'function') {
    const w = await fileHandle.createWritable();
    try {
      await w.write(bytes);
      await w.close();
    } catch (e) {
      await w.abort?.().catch(() => {});
      throw e;
    }
    return;
  }
  if (typeof fileHandle.createSyncAccessHandle === 'function') {
    const h = await fileHandle.createSyncAccessHandle();
    try {
      h.truncate(0);
      h.write(bytes, { at: 0 });
      h.flush();
    } finally {
      h.close();
    }
    return;
  }
  throw new DOMException('this browser cannot write OPFS files here', 'NotSupportedError');
}
