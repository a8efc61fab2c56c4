// OPFS-backed preopens (filesystem-opfs.js) against a fake OPFS
// (testing/fake-opfs.js): loading, write-back of every kind of change,
// automatic write-back, capability rules, error codes, and failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWasi, opfsDirectory, OpfsDirectory } from './browser.js';
import { opfsErrorCode } from './filesystem-opfs.js';
import { FakeDirectoryHandle } from './testing/fake-opfs.js';

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const code = (c) => (e) => e === c;
const RW = { read: true, write: true };
const CREATE = { create: true };

/** The OPFS root holds secret.txt and data/ (the preopen): data/input.txt, data/sub/deep.txt. */
async function setup(grant = {}, wasiOptions = {}) {
  const opfs = new FakeDirectoryHandle();
  opfs.put('secret.txt', 'outside the grant');
  opfs.put('data/input.txt', 'hello opfs');
  opfs.put('data/sub/deep.txt', 'deep');
  const tree = await opfsDirectory(opfs.at('data'));
  const wasi = createWasi({ preopens: { '/data': { opfs: tree, ...grant } }, ...wasiOptions });
  const [[dir]] = wasi['wasi:filesystem/preopens'].getDirectories();
  return { opfs, tree, dir };
}

async function until(cond, what) {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), `timed out waiting for ${what}`);
}

test('opfs: the tree is loaded before the program runs and read synchronously', async () => {
  const { tree, dir } = await setup();
  assert.ok(tree instanceof OpfsDirectory);
  assert.deepEqual(tree.list(), ['input.txt', 'sub']);
  const f = dir.openAt({}, 'input.txt', {}, { read: true });
  assert.equal(dec(f.read(100n, 0n)[0]), 'hello opfs');
  assert.equal(dir.statAt({}, 'sub/deep.txt').size, 4n);
  assert.ok(dir.statAt({}, 'input.txt').dataModificationTimestamp.seconds > 1_600_000_000n);
});

test('opfs: every kind of change reaches OPFS on flush(), and a new load sees it', async () => {
  const { opfs, tree, dir } = await setup();
  dir.createDirectoryAt('out');
  dir.createDirectoryAt('out/nested');
  const f = dir.openAt({}, 'out/hello.txt', CREATE, RW);
  f.write(enc('hello from wasi\n'), 0n);
  const s = dir.openAt({}, 'out/hello.txt', {}, { write: true }).appendViaStream();
  s.blockingWriteAndFlush(enc('second line\n'));
  dir.openAt({}, 'out/tmp.txt', CREATE, RW).write(enc('temporary'), 0n);
  dir.renameAt('out/tmp.txt', dir, 'out/renamed.txt');
  dir.unlinkFileAt('input.txt');
  dir.removeDirectoryAt('out/nested');
  dir.openAt({}, 'sub/deep.txt', { truncate: true }, RW);
  await tree.flush();
  assert.deepEqual(opfs.paths(), [
    'data/',
    'data/out/',
    'data/out/hello.txt',
    'data/out/renamed.txt',
    'data/sub/',
    'data/sub/deep.txt',
    'secret.txt',
  ]);
  assert.equal(opfs.text('data/out/hello.txt'), 'hello from wasi\nsecond line\n');
  assert.equal(opfs.text('data/out/renamed.txt'), 'temporary');
  assert.equal(opfs.text('data/sub/deep.txt'), '');
  assert.equal(opfs.text('secret.txt'), 'outside the grant');
  const again = await opfsDirectory(opfs.at('data'));
  assert.equal(again.readText('out/hello.txt'), 'hello from wasi\nsecond line\n');
  assert.deepEqual(again.list('out'), ['hello.txt', 'renamed.txt']);
});

test('opfs: changes are written back automatically, only what changed', async () => {
  const { opfs, dir } = await setup();
  const before = opfs.writes;
  dir.openAt({}, 'auto.txt', CREATE, RW).write(enc('no flush needed'), 0n);
  await until(() => opfs.at('data/auto.txt')?.data.length === 15, 'the automatic write-back');
  assert.equal(opfs.text('data/auto.txt'), 'no flush needed');
  assert.equal(opfs.writes - before, 1, 'input.txt and deep.txt were not rewritten');
  dir.unlinkFileAt('auto.txt');
  await until(() => opfs.at('data/auto.txt') === undefined, 'the removal');
});

test('opfs: a path that changes kind (file <-> directory) is replaced', async () => {
  const { opfs, tree, dir } = await setup();
  dir.unlinkFileAt('input.txt');
  dir.createDirectoryAt('input.txt');
  dir.openAt({}, 'input.txt/inner', CREATE, RW).write(enc('x'), 0n);
  dir.unlinkFileAt('sub/deep.txt');
  dir.removeDirectoryAt('sub');
  dir.openAt({}, 'sub', CREATE, RW).write(enc('now a file'), 0n);
  await tree.flush();
  assert.equal(opfs.at('data/input.txt').kind, 'directory');
  assert.equal(opfs.text('data/input.txt/inner'), 'x');
  assert.equal(opfs.text('data/sub'), 'now a file');
});

test('opfs: the guest changing files during a write-back is caught by the next one', async () => {
  const { opfs, tree, dir } = await setup();
  const f = dir.openAt({}, 'input.txt', {}, RW);
  f.write(enc('first'), 0n);
  const flushing = tree.flush();
  f.write(enc('SECOND!!!!'), 0n);
  await flushing;
  await tree.flush();
  assert.equal(opfs.text('data/input.txt'), 'SECOND!!!!');
});

test('opfs: capability rules hold: no escapes, no links, read-only grants refuse writes', async () => {
  const { opfs, tree, dir } = await setup();
  assert.throws(() => dir.openAt({}, '../secret.txt', {}, { read: true }), code('not-permitted'));
  assert.throws(() => dir.openAt({}, 'sub/../../secret.txt', {}, { read: true }), code('not-permitted'));
  assert.throws(() => dir.openAt({}, '/secret.txt', {}, { read: true }), code('not-permitted'));
  assert.throws(() => dir.openAt({}, '../created-outside.txt', CREATE, RW), code('not-permitted'));
  assert.throws(() => dir.symlinkAt('input.txt', 'link'), code('not-supported'));
  assert.throws(() => dir.symlinkAt('../secret.txt', 'link'), code('not-supported'));
  assert.throws(() => dir.linkAt({}, 'input.txt', dir, 'hard'), code('not-supported'));
  await tree.flush();
  assert.deepEqual(opfs.paths(), ['data/', 'data/input.txt', 'data/sub/', 'data/sub/deep.txt', 'secret.txt']);

  const ro = await setup({ readonly: true });
  assert.throws(() => ro.dir.openAt({}, 'new.txt', CREATE, RW), code('read-only'));
  assert.throws(() => ro.dir.openAt({}, 'input.txt', {}, RW), code('read-only'));
  assert.throws(() => ro.dir.createDirectoryAt('d'), code('read-only'));
  assert.throws(() => ro.dir.unlinkFileAt('input.txt'), code('read-only'));
  assert.throws(() => ro.dir.openAt({}, 'input.txt', {}, { read: true }).write(enc('x'), 0n), code('bad-descriptor'));
  assert.equal(dec(ro.dir.openAt({}, 'input.txt', {}, { read: true }).read(5n, 0n)[0]), 'hello');
});

test('opfs: a failed write-back rejects flush() with the DOMException, sync with an error-code, and is retried', async () => {
  const errors = [];
  const opfs = new FakeDirectoryHandle();
  opfs.put('a.txt', 'a');
  const tree = await opfsDirectory(opfs, { onError: (e) => errors.push(e.name) });
  const wasi = createWasi({ preopens: { '/': { opfs: tree } }, jspi: true });
  const [[dir]] = wasi['wasi:filesystem/preopens'].getDirectories();
  opfs.failWrites('QuotaExceededError');
  const f = dir.openAt({}, 'a.txt', {}, RW);
  f.write(enc('changed'), 0n);
  await assert.rejects(tree.flush(), (e) => e.name === 'QuotaExceededError');
  const sync = f.sync();
  assert.ok(sync instanceof Promise, 'sync waits for the write-back under JSPI');
  await assert.rejects(sync, code('insufficient-space'));
  await until(() => errors.length > 0, 'the automatic write-back to report');
  assert.equal(errors[0], 'QuotaExceededError');
  opfs.failWrites(null);
  await f.syncData();
  assert.equal(opfs.text('a.txt'), 'changed');
});

test('opfs: without JSPI, sync schedules the write-back and returns at once', async () => {
  const { opfs, dir } = await setup();
  const f = dir.openAt({}, 'input.txt', {}, RW);
  f.write(enc('HELLO'), 0n);
  assert.equal(f.sync(), undefined);
  await until(() => opfs.text('data/input.txt') === 'HELLO opfs', 'the write-back');
});

test('opfs: the page seeds files with writeFile and they are written back too', async () => {
  const { opfs, tree } = await setup();
  tree.writeFile('seeded.txt', 'from the page');
  await tree.flush();
  assert.equal(opfs.text('data/seeded.txt'), 'from the page');
});

test('opfs: option shapes and errors', async () => {
  const opfs = new FakeDirectoryHandle();
  assert.throws(() => createWasi({ preopens: { '/d': { opfs } } }), /await opfsDirectory/);
  await assert.rejects(opfsDirectory({ kind: 'file' }), TypeError);
  await assert.rejects(opfsDirectory(), TypeError, 'no navigator.storage in Node');
  const tree = await opfsDirectory(opfs);
  assert.equal(tree.handle, opfs);
  const [[d1], [d2]] = createWasi({ preopens: { '/a': tree, '/b': { memory: tree, readonly: true } } })[
    'wasi:filesystem/preopens'
  ].getDirectories();
  assert.equal(d1.getFlags().mutateDirectory, true);
  assert.equal(d2.getFlags().mutateDirectory, false);
  assert.equal(opfsErrorCode({ name: 'NotAllowedError' }), 'access');
  assert.equal(opfsErrorCode(new TypeError('x')), 'io');
});
