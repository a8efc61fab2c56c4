// Test support (not part of the host): a small in-memory stand-in for the
// browser's OPFS handles (`FileSystemDirectoryHandle`, `FileSystemFileHandle`,
// `FileSystemWritableFileStream`) with their asynchronous API and DOMException
// names, for testing filesystem-opfs.js in Node. `failWrites(name)` makes
// every later write fail with that DOMException name (e.g. a full quota).
const fail = (name, message = name) => {
  const e = new Error(message);
  e.name = name;
  return e;
};
const tick = () => new Promise((r) => setTimeout(r, 0));

export class FakeFileHandle {
  kind = 'file';
  constructor(name, data = new Uint8Array(0), root) {
    this.name = name;
    this.data = data;
    this.lastModified = Date.now();
    this.root = root;
  }
  async getFile() {
    await tick();
    const data = this.data.slice();
    return { size: data.length, lastModified: this.lastModified, arrayBuffer: async () => data.buffer };
  }
  async createWritable() {
    await tick();
    const chunks = [];
    return {
      write: async (bytes) => {
        await tick();
        if (this.root.writeFailure) throw fail(this.root.writeFailure);
        chunks.push(new Uint8Array(bytes));
      },
      close: async () => {
        const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
        let o = 0;
        for (const c of chunks) {
          out.set(c, o);
          o += c.length;
        }
        this.data = out;
        this.lastModified = Date.now();
        this.root.writes++;
      },
      abort: async () => {},
    };
  }
}

export class FakeDirectoryHandle {
  kind = 'directory';
  constructor(name = '', root) {
    this.name = name;
    this.children = new Map();
    this.root = root ?? this;
    this.writes = 0;
    this.writeFailure = null;
  }
  failWrites(name) {
    this.writeFailure = name;
  }
  async *entries() {
    for (const [name, h] of [...this.children]) {
      await tick();
      yield [name, h];
    }
  }
  #check(name) {
    if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || name.includes('/')) {
      throw new TypeError(`bad name ${JSON.stringify(name)}`);
    }
  }
  async #child(name, kind, create, make) {
    await tick();
    this.#check(name);
    const h = this.children.get(name);
    if (h?.kind === kind) return h;
    if (h) throw fail('TypeMismatchError');
    if (!create) throw fail('NotFoundError');
    const made = make();
    this.children.set(name, made);
    return made;
  }
  getDirectoryHandle(name, { create = false } = {}) {
    return this.#child(name, 'directory', create, () => new FakeDirectoryHandle(name, this.root));
  }
  getFileHandle(name, { create = false } = {}) {
    return this.#child(name, 'file', create, () => new FakeFileHandle(name, new Uint8Array(0), this.root));
  }
  async removeEntry(name, { recursive = false } = {}) {
    await tick();
    const h = this.children.get(name);
    if (!h) throw fail('NotFoundError');
    if (h.kind === 'directory' && h.children.size > 0 && !recursive) throw fail('InvalidModificationError');
    this.children.delete(name);
  }

  // ---- for the tests: seed and inspect synchronously
  /** Creates `path`'s file (and parent directories) with `data` (string or bytes). */
  put(path, data) {
    const parts = path.split('/');
    let d = this;
    for (const p of parts.slice(0, -1)) {
      if (!d.children.has(p)) d.children.set(p, new FakeDirectoryHandle(p, this.root));
      d = d.children.get(p);
    }
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    d.children.set(parts.at(-1), new FakeFileHandle(parts.at(-1), bytes, this.root));
  }
  /** The handle at `path`, or undefined. */
  at(path) {
    let h = this;
    for (const p of path.split('/').filter(Boolean)) h = h?.children?.get(p);
    return h;
  }
  text(path) {
    return new TextDecoder().decode(this.at(path).data);
  }
  /** Every path below, directories with a trailing '/', sorted. */
  paths(prefix = '') {
    const out = [];
    for (const [name, h] of this.children) {
      if (h.kind === 'directory') out.push(`${prefix}${name}/`, ...h.paths(`${prefix}${name}/`));
      else out.push(prefix + name);
    }
    return out.sort();
  }
}
