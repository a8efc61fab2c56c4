import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Descriptor3, descriptor3, errorCode3, filesystem3Imports, type3 } from './filesystem.js';
import { memoryDirectory, memorySymlink } from '../wasi/filesystem-memory.js';
import { createWasi } from '../wasi/index.js';

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);

function root(tree, readonly = false) {
  const w = createWasi({ preopens: { '/d': { memory: tree, readonly } }, stdout: null, stderr: null });
  const [[d, p]] = w['wasi:filesystem/preopens@0.3'].getDirectories();
  assert.equal(p, '/d');
  assert.ok(d instanceof Descriptor3);
  return d;
}

async function drain([stream, done]) {
  const items = [];
  for await (const v of stream) items.push(v);
  return [items, await done];
}

const R = { read: true };
const RW = { read: true, write: true };

test('read-via-stream yields the file from an offset; its future is ok at the end', async () => {
  const d = root(memoryDirectory({ 'a.txt': 'hello world' }));
  const f = d.openAt({}, 'a.txt', {}, R);
  const [chunks, res] = await drain(f.readViaStream(6n));
  assert.equal(chunks.map(dec).join(''), 'world');
  assert.deepEqual(res, { tag: 'ok' });
  const [none] = await drain(f.readViaStream(100n));
  assert.deepEqual(none, []);
});

test('a large file streams in chunks', async () => {
  const big = new Uint8Array(200_000).map((_, i) => i % 7);
  const d = root(memoryDirectory({ big }));
  const [chunks] = await drain(d.openAt({}, 'big', {}, R).readViaStream(0n));
  assert.ok(chunks.length > 1);
  assert.deepEqual(Buffer.concat(chunks), Buffer.from(big));
});

test('write-via-stream and append-via-stream; errors are 0.3 variants', async () => {
  const tree = memoryDirectory({});
  const d = root(tree);
  const f = d.openAt({}, 'n.txt', { create: true }, RW);
  assert.deepEqual(await f.writeViaStream([enc('abc'), enc('def')].values(), 0n), { tag: 'ok' });
  assert.deepEqual(await f.appendViaStream([enc('!')].values()), { tag: 'ok' });
  assert.deepEqual(await f.writeViaStream([enc('X')].values(), 1n), { tag: 'ok' });
  assert.equal(tree.readText('n.txt'), 'aXcdef!');
  const ro = d.openAt({}, 'n.txt', {}, R);
  assert.deepEqual(await ro.writeViaStream([enc('x')].values(), 0n), { tag: 'err', val: { tag: 'bad-descriptor' } });
  const [, res] = await drain(d.readViaStream(0n));
  assert.deepEqual(res, { tag: 'err', val: { tag: 'is-directory' } }, 'reading a directory fails through the future');
});

test('read-directory streams directory-entry records with variant types', async () => {
  const d = root(memoryDirectory({ f: 'x', sub: {}, l: memorySymlink('f') }));
  const [entries, res] = await drain(d.readDirectory());
  assert.deepEqual(res, { tag: 'ok' });
  assert.deepEqual(
    entries.sort((a, b) => a.name.localeCompare(b.name)),
    [
      { type: { tag: 'regular-file' }, name: 'f' },
      { type: { tag: 'symbolic-link' }, name: 'l' },
      { type: { tag: 'directory' }, name: 'sub' },
    ],
  );
});

test('path methods: the 0.2 escape checks and read-only grants, with 0.3 error variants', () => {
  const d = root(memoryDirectory({ f: 'x', out: memorySymlink('../secret') }));
  assert.throws(
    () => d.openAt({}, '../f', {}, R),
    (e) => e.tag === 'not-permitted',
  );
  assert.throws(
    () => d.openAt({}, '/etc/passwd', {}, R),
    (e) => e.tag === 'not-permitted',
  );
  assert.throws(
    () => d.openAt({ symlinkFollow: true }, 'out', {}, R),
    (e) => e.tag === 'not-permitted',
  );
  assert.throws(
    () => d.statAt({}, 'missing'),
    (e) => e.tag === 'no-entry',
  );
  const ro = root(memoryDirectory({ f: 'x' }), true);
  assert.throws(
    () => ro.createDirectoryAt('x'),
    (e) => e.tag === 'read-only',
  );
  assert.deepEqual(d.stat().type, { tag: 'directory' });
  assert.deepEqual(d.statAt({}, 'f').type, { tag: 'regular-file' });
  assert.deepEqual(d.getType(), { tag: 'directory' });
  d.createDirectoryAt('n');
  d.renameAt('n', d, 'm');
  assert.throws(
    () => d.renameAt('m', {}, 'k'),
    (e) => e.tag === 'bad-descriptor',
    'a foreign object is not a descriptor',
  );
  assert.equal(d.isSameObject(d), true);
  assert.equal(d.isSameObject(d.openAt({}, 'f', {}, R)), false);
});

test('helpers: one wrapper per descriptor; type and error conversions', () => {
  const inner = {};
  assert.equal(descriptor3(inner), descriptor3(inner));
  assert.deepEqual(type3('unknown'), { tag: 'other', val: undefined });
  assert.deepEqual(errorCode3('would-block'), { tag: 'io' });
  assert.throws(() => errorCode3(new TypeError('bug')), TypeError);
  assert.deepEqual(Object.keys(filesystem3Imports([])), ['wasi:filesystem/types@0.3', 'wasi:filesystem/preopens@0.3']);
});

// Every 0.3 descriptor method on both backends (an in-memory tree and a
// Node directory), besides the stream and path methods above: the 0.2
// host's operations, same answers.
for (const backend of ['memory', 'node']) {
  test(`${backend}: advise, sync, sync-data, get-flags, set-times(-at), metadata-hash(-at), link-at, set-size, readlink-at, unlink, remove`, async (t) => {
    let d;
    if (backend === 'memory') d = root(memoryDirectory({ f: 'hello', sub: {} }));
    else {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-wasi3-fs-'));
      t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
      fs.writeFileSync(path.join(dir, 'f'), 'hello');
      fs.mkdirSync(path.join(dir, 'sub'));
      const w = createWasi({ preopens: { '/d': dir }, stdout: null, stderr: null });
      [[d]] = w['wasi:filesystem/preopens@0.3'].getDirectories();
    }
    const f = d.openAt({}, 'f', {}, RW);
    f.advise(0n, 5n, 'sequential');
    f.syncData();
    f.sync();
    d.sync();
    assert.deepEqual(f.getFlags(), {
      read: true,
      write: true,
      fileIntegritySync: false,
      dataIntegritySync: false,
      requestedWriteSync: false,
      mutateDirectory: false,
    });
    assert.equal(d.getFlags().mutateDirectory, true);

    const at = { seconds: 1_000_000n, nanoseconds: 0 };
    f.setTimes({ tag: 'no-change' }, { tag: 'timestamp', val: at });
    assert.equal(f.stat().dataModificationTimestamp.seconds, 1_000_000n);
    d.setTimesAt({}, 'f', { tag: 'timestamp', val: at }, { tag: 'now' });
    assert.equal(d.statAt({}, 'f').dataAccessTimestamp.seconds, 1_000_000n);
    assert.ok(d.statAt({}, 'f').dataModificationTimestamp.seconds > 1_000_000n, 'now');

    assert.deepEqual(d.metadataHashAt({}, 'f'), f.metadataHash());
    assert.notDeepEqual(d.metadataHashAt({}, 'sub'), f.metadataHash());

    d.linkAt({}, 'f', d, 'g');
    assert.equal(d.statAt({}, 'g').linkCount, 2n);
    assert.deepEqual(d.metadataHashAt({}, 'g'), f.metadataHash(), 'a hard link is the same file');
    assert.throws(
      () => d.linkAt({}, 'sub', d, 'sub2'),
      (e) => e.tag === 'not-permitted' || e.tag === 'access',
    );
    assert.throws(
      () => d.linkAt({}, '../f', d, 'h'),
      (e) => e.tag === 'not-permitted',
    );

    f.setSize(2n);
    assert.equal(d.statAt({}, 'g').size, 2n);
    d.symlinkAt('g', 'l');
    assert.equal(d.readlinkAt('l'), 'g');
    assert.throws(
      () => d.readlinkAt('f'),
      (e) => e.tag === 'invalid',
    );
    d.unlinkFileAt('l');
    d.unlinkFileAt('g');
    assert.throws(
      () => d.statAt({}, 'g'),
      (e) => e.tag === 'no-entry',
    );
    assert.throws(
      () => d.removeDirectoryAt('f'),
      (e) => e.tag === 'not-directory',
    );
    d.removeDirectoryAt('sub');
    const [entries] = await drain(d.readDirectory());
    assert.deepEqual(
      entries.map((e) => e.name),
      ['f'],
    );
  });
}
