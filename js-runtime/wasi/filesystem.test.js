// wasi:filesystem on both backends: the same cases run against real files
// (filesystem-node.js) and the in-memory tree (filesystem-memory.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createWasi } from './index.js';
import { createWasi as createBrowserWasi, memoryDirectory, memorySymlink } from './browser.js';
import { resolvePath } from './filesystem-common.js';

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const code = (c) => (e) => e === c;
const NOFOLLOW = {};
const FOLLOW = { symlinkFollow: true };
const R = { read: true };
const RW = { read: true, write: true };

// The same layout on both backends:
//   outside/secret.txt
//   data/                 (the preopen)
//     input.txt  sub/deep.txt  link-in -> input.txt  link-out -> ../outside/secret.txt
//     abs-link -> /etc/passwd  dir-out -> ../outside  loop -> loop
function nodeSetup() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-wasi-fs-'));
  fs.mkdirSync(path.join(root, 'outside'));
  fs.writeFileSync(path.join(root, 'outside/secret.txt'), 'secret');
  const data = path.join(root, 'data');
  fs.mkdirSync(path.join(data, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(data, 'input.txt'), 'hello file');
  fs.writeFileSync(path.join(data, 'sub/deep.txt'), 'deep');
  fs.symlinkSync('input.txt', path.join(data, 'link-in'));
  fs.symlinkSync('../outside/secret.txt', path.join(data, 'link-out'));
  fs.symlinkSync('/etc/passwd', path.join(data, 'abs-link'));
  fs.symlinkSync('../outside', path.join(data, 'dir-out'));
  fs.symlinkSync('loop', path.join(data, 'loop'));
  return {
    wasi: (opts = {}) => createWasi({ preopens: { '/data': opts.readonly ? { path: data, readonly: true } : data } }),
    read: (p) => fs.readFileSync(path.join(data, p), 'utf8'),
    exists: (p) => fs.existsSync(path.join(root, p)),
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
function memorySetup() {
  const tree = memoryDirectory({
    outside: { 'secret.txt': 'secret' },
    data: {
      'input.txt': 'hello file',
      sub: { 'deep.txt': 'deep' },
      'link-in': memorySymlink('input.txt'),
      'link-out': memorySymlink('../outside/secret.txt'),
      'abs-link': memorySymlink('/etc/passwd'),
      'dir-out': memorySymlink('../outside'),
      loop: memorySymlink('loop'),
    },
  });
  const data = tree.lookup('data');
  return {
    wasi: (opts = {}) =>
      createBrowserWasi({ preopens: { '/data': opts.readonly ? { memory: data, readonly: true } : data } }),
    read: (p) => data.readText(p),
    exists: (p) => {
      try {
        tree.lookup(p);
        return true;
      } catch {
        return false;
      }
    },
    cleanup() {},
  };
}

for (const [backend, setup] of [
  ['node', nodeSetup],
  ['memory', memorySetup],
]) {
  const suite = (name, fn) =>
    test(`filesystem (${backend}): ${name}`, () => {
      const env = setup();
      try {
        const w = env.wasi();
        const [[dir, guest]] = w['wasi:filesystem/preopens'].getDirectories();
        assert.equal(guest, '/data');
        fn(dir, env, w);
      } finally {
        env.cleanup();
      }
    });

  suite('read a file through a stream and with read()', (dir) => {
    const f = dir.openAt(NOFOLLOW, 'input.txt', {}, R);
    assert.equal(f.getType(), 'regular-file');
    assert.equal(f.stat().size, 10n);
    const s = f.readViaStream(6n);
    assert.equal(dec(s.blockingRead(100n)), 'file');
    assert.throws(
      () => s.blockingRead(100n),
      (e) => e.tag === 'closed',
    );
    const [bytes, eof] = f.read(5n, 0n);
    assert.equal(dec(bytes), 'hello');
    assert.equal(eof, false);
    assert.deepEqual(f.read(100n, 6n)[1], true);
    assert.deepEqual(f.getFlags(), {
      read: true,
      write: false,
      fileIntegritySync: false,
      dataIntegritySync: false,
      requestedWriteSync: false,
      mutateDirectory: false,
    });
    assert.throws(() => f.write(enc('x'), 0n), code('bad-descriptor'));
  });

  suite('create, write, append, truncate, stat', (dir, env) => {
    const f = dir.openAt(NOFOLLOW, 'new.txt', { create: true, exclusive: true }, RW);
    f.writeViaStream(0n).blockingWriteAndFlush(enc('abc'));
    f.appendViaStream().blockingWriteAndFlush(enc('def'));
    assert.equal(f.write(enc('XY'), 1n), 2n);
    assert.equal(env.read('new.txt'), 'aXYdef');
    f.setSize(2n);
    assert.equal(env.read('new.txt'), 'aX');
    assert.throws(() => dir.openAt(NOFOLLOW, 'new.txt', { create: true, exclusive: true }, RW), code('exist'));
    dir.openAt(NOFOLLOW, 'new.txt', { truncate: true }, RW);
    assert.equal(env.read('new.txt'), '');
    const st = dir.statAt(NOFOLLOW, 'new.txt');
    assert.equal(st.type, 'regular-file');
    assert.equal(st.size, 0n);
    assert.equal(typeof st.dataModificationTimestamp.seconds, 'bigint');
    f.setTimes(
      { tag: 'timestamp', val: { seconds: 1000n, nanoseconds: 0 } },
      { tag: 'timestamp', val: { seconds: 2000n, nanoseconds: 0 } },
    );
    assert.equal(f.stat().dataModificationTimestamp.seconds, 2000n);
  });

  suite('directories: create, list, rename, unlink, remove', (dir, env) => {
    dir.createDirectoryAt('made');
    assert.throws(() => dir.createDirectoryAt('made'), code('exist'));
    const made = dir.openAt(NOFOLLOW, 'made', { directory: true }, R);
    assert.equal(made.getType(), 'directory');
    made.openAt(NOFOLLOW, 'a.txt', { create: true }, RW).write(enc('A'), 0n);
    dir.renameAt('made/a.txt', made, 'b.txt');
    assert.equal(env.read('made/b.txt'), 'A');
    const names = [];
    const it = dir.readDirectory();
    for (let e; (e = it.readDirectoryEntry()) !== undefined; ) names.push(`${e.name}:${e.type}`);
    assert.deepEqual(names.sort(), [
      'abs-link:symbolic-link',
      'dir-out:symbolic-link',
      'input.txt:regular-file',
      'link-in:symbolic-link',
      'link-out:symbolic-link',
      'loop:symbolic-link',
      'made:directory',
      'sub:directory',
    ]);
    assert.throws(() => dir.removeDirectoryAt('made'), code('not-empty'));
    assert.throws(() => dir.unlinkFileAt('made'), code('is-directory'));
    dir.unlinkFileAt('made/b.txt');
    dir.removeDirectoryAt('made');
    assert.equal(env.exists('data/made'), false);
    assert.throws(() => dir.openAt(NOFOLLOW, 'nope.txt', {}, R), code('no-entry'));
    assert.throws(() => dir.openAt(NOFOLLOW, 'input.txt', { directory: true }, R), code('not-directory'));
    assert.throws(() => dir.openAt(NOFOLLOW, 'sub', {}, RW), code('is-directory'));
  });

  suite('symlinks inside the preopen work', (dir) => {
    assert.equal(dir.readlinkAt('link-in'), 'input.txt');
    assert.equal(dir.statAt(NOFOLLOW, 'link-in').type, 'symbolic-link');
    assert.equal(dir.statAt(FOLLOW, 'link-in').type, 'regular-file');
    const f = dir.openAt(FOLLOW, 'link-in', {}, R);
    assert.equal(dec(f.read(100n, 0n)[0]), 'hello file');
    assert.throws(() => dir.openAt(NOFOLLOW, 'link-in', {}, R), code('loop'));
    dir.symlinkAt('sub/deep.txt', 'made-link');
    assert.equal(dec(dir.openAt(FOLLOW, 'made-link', {}, R).read(10n, 0n)[0]), 'deep');
    assert.equal(dec(dir.openAt(FOLLOW, 'sub/../input.txt', {}, R).read(5n, 0n)[0]), 'hello');
    assert.throws(() => dir.statAt(FOLLOW, 'loop'), code('loop'));
  });

  suite('escapes are refused: ../, nested ../, absolute paths', (dir, env) => {
    assert.throws(() => dir.openAt(NOFOLLOW, '../outside/secret.txt', {}, R), code('not-permitted'));
    assert.throws(() => dir.openAt(NOFOLLOW, 'sub/../../outside/secret.txt', {}, R), code('not-permitted'));
    assert.throws(() => dir.openAt(NOFOLLOW, '..', {}, R), code('not-permitted'));
    assert.throws(() => dir.openAt(NOFOLLOW, '/etc/passwd', {}, R), code('not-permitted'));
    assert.throws(() => dir.statAt(NOFOLLOW, '../outside'), code('not-permitted'));
    assert.throws(() => dir.createDirectoryAt('../evil'), code('not-permitted'));
    assert.throws(() => dir.openAt(NOFOLLOW, '../evil.txt', { create: true }, RW), code('not-permitted'));
    assert.throws(() => dir.renameAt('input.txt', dir, '../moved.txt'), code('not-permitted'));
    assert.throws(() => dir.unlinkFileAt('../outside/secret.txt'), code('not-permitted'));
    assert.equal(env.exists('evil'), false);
    assert.equal(env.exists('evil.txt'), false);
    assert.equal(env.exists('outside/secret.txt'), true);
    // A sub-directory descriptor is a capability for that directory only.
    const sub = dir.openAt(NOFOLLOW, 'sub', { directory: true }, R);
    assert.throws(() => sub.openAt(NOFOLLOW, '../input.txt', {}, R), code('not-permitted'));
  });

  suite('escapes are refused: symlinks pointing out of the preopen', (dir) => {
    assert.throws(() => dir.openAt(FOLLOW, 'link-out', {}, R), code('not-permitted'));
    assert.throws(() => dir.openAt(FOLLOW, 'abs-link', {}, R), code('not-permitted'));
    assert.throws(() => dir.openAt(NOFOLLOW, 'dir-out/secret.txt', {}, R), code('not-permitted'));
    assert.throws(() => dir.statAt(FOLLOW, 'link-out'), code('not-permitted'));
    assert.throws(() => dir.openAt(NOFOLLOW, 'dir-out/new.txt', { create: true }, RW), code('not-permitted'));
    assert.throws(() => dir.symlinkAt('/etc/passwd', 'new-abs-link'), code('not-permitted'));
    // Not following the final link is fine: it is the link itself, inside.
    assert.equal(dir.statAt(NOFOLLOW, 'link-out').type, 'symbolic-link');
    assert.equal(dir.readlinkAt('link-out'), '../outside/secret.txt');
  });

  test(`filesystem (${backend}): a read-only preopen refuses changes`, () => {
    const env = setup();
    try {
      const [[dir]] = env.wasi({ readonly: true })['wasi:filesystem/preopens'].getDirectories();
      assert.equal(dir.getFlags().mutateDirectory, false);
      assert.equal(dec(dir.openAt(NOFOLLOW, 'input.txt', {}, R).read(5n, 0n)[0]), 'hello');
      assert.throws(() => dir.openAt(NOFOLLOW, 'input.txt', {}, RW), code('read-only'));
      assert.throws(() => dir.openAt(NOFOLLOW, 'x.txt', { create: true }, R), code('read-only'));
      assert.throws(() => dir.createDirectoryAt('d'), code('read-only'));
      assert.throws(() => dir.unlinkFileAt('input.txt'), code('read-only'));
      const sub = dir.openAt(NOFOLLOW, 'sub', {}, R);
      assert.throws(() => sub.createDirectoryAt('d'), code('read-only'));
    } finally {
      env.cleanup();
    }
  });

  suite('metadata hashes and is-same-object', (dir) => {
    const a = dir.openAt(NOFOLLOW, 'input.txt', {}, R);
    const b = dir.openAt(FOLLOW, 'link-in', {}, R);
    assert.ok(a.isSameObject(b));
    assert.ok(!a.isSameObject(dir));
    assert.deepEqual(a.metadataHash(), dir.metadataHashAt(FOLLOW, 'link-in'));
    assert.notDeepEqual(a.metadataHash(), dir.metadataHash());
  });

  suite('filesystem-error-code is undefined for non-filesystem errors', (_dir, _env, w) => {
    assert.equal(w['wasi:filesystem/types'].filesystemErrorCode({}), undefined);
  });
}

test('filesystem (node): no preopens unless granted; bad preopens are rejected', () => {
  assert.deepEqual(createWasi()['wasi:filesystem/preopens'].getDirectories(), []);
  assert.throws(() => createWasi({ preopens: { '/x': '/definitely/not/here' } }), TypeError);
  assert.throws(() => createWasi({ preopens: { '/x': 42 } }), TypeError);
});

test('filesystem (node): a stream error carries its filesystem error-code', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-wasi-fs-'));
  try {
    fs.mkdirSync(path.join(root, 'd'));
    const w = createWasi({ preopens: { '/': root } });
    const [[dir]] = w['wasi:filesystem/preopens'].getDirectories();
    const f = dir.openAt(NOFOLLOW, 'f', { create: true }, RW);
    const s = f.readViaStream(0n);
    f[Symbol.dispose](); // closes the fd under the stream
    assert.throws(
      () => s.blockingRead(1n),
      (e) =>
        e.tag === 'last-operation-failed' && w['wasi:filesystem/types'].filesystemErrorCode(e.val) === 'bad-descriptor',
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('resolvePath: lexical and symlink rules', () => {
  const none = () => null;
  assert.deepEqual(resolvePath('a/./b//c/', false, none), ['a', 'b', 'c']);
  assert.deepEqual(resolvePath('a/../b', false, none), ['b']);
  assert.deepEqual(resolvePath('.', false, none), []);
  assert.throws(() => resolvePath('', false, none), code('no-entry'));
  assert.throws(() => resolvePath('a/../..', false, none), code('not-permitted'));
  assert.throws(() => resolvePath('/a', false, none), code('not-permitted'));
  const links = { l: 'x/y', up: '..' };
  const rl = (p) => links[p.join('/')] ?? null;
  assert.deepEqual(resolvePath('l/z', false, rl), ['x', 'y', 'z']);
  assert.deepEqual(resolvePath('l', false, rl), ['l']);
  assert.deepEqual(resolvePath('l', true, rl), ['x', 'y']);
  assert.throws(() => resolvePath('up/x', false, rl), code('not-permitted'));
});
