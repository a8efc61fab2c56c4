import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  InputStream,
  OutputStream,
  IoError,
  Pollable,
  poll,
  bytesSource,
  collectSink,
  functionSource,
  lineSink,
} from './io.js';
import { clocksImports } from './clocks.js';

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const throwsTag = (fn, tag) => assert.throws(fn, (e) => e?.tag === tag);

test('input-stream: read, blocking-read, skip, then closed at the end', () => {
  const s = new InputStream(bytesSource('hello world'));
  assert.equal(dec(s.read(5n)), 'hello');
  assert.equal(s.skip(1n), 1n);
  assert.equal(dec(s.blockingRead(100n)), 'world');
  throwsTag(() => s.read(1n), 'closed');
  throwsTag(() => s.blockingRead(1n), 'closed');
  assert.equal(s.subscribe().ready(), true);
});

test('input-stream: zero-length read returns empty bytes; huge lengths are clamped', () => {
  const s = new InputStream(bytesSource(new Uint8Array([1, 2, 3])));
  assert.deepEqual(s.read(0n), new Uint8Array(0));
  assert.deepEqual(s.read(2n ** 64n - 1n), new Uint8Array([1, 2, 3]));
});

test('input-stream: a failing source reports last-operation-failed with an io error', () => {
  const s = new InputStream({
    read() {
      throw new IoError('disk on fire');
    },
  });
  assert.throws(
    () => s.read(1n),
    (e) => e.tag === 'last-operation-failed' && e.val instanceof IoError && e.val.toDebugString() === 'disk on fire',
  );
});

test('input-stream: function source', () => {
  const chunks = ['ab', 'c', null];
  const s = new InputStream(functionSource(() => chunks.shift()));
  assert.equal(dec(s.blockingRead(10n)), 'ab');
  assert.equal(dec(s.blockingRead(10n)), 'c');
  throwsTag(() => s.blockingRead(10n), 'closed');
});

test('output-stream: check-write, write, flush, write-zeroes, blocking-write-and-flush', () => {
  const sink = collectSink();
  const s = new OutputStream(sink);
  assert.ok(s.checkWrite() > 0n);
  s.write(enc('ab'));
  s.flush();
  s.blockingWriteAndFlush(enc('cd'));
  s.writeZeroes(2n);
  s.blockingWriteZeroesAndFlush(1n);
  s.blockingFlush();
  assert.deepEqual(sink.bytes(), new Uint8Array([97, 98, 99, 100, 0, 0, 0]));
  assert.equal(s.subscribe().ready(), true);
});

test('output-stream: splice and blocking-splice move bytes from an input stream', () => {
  const sink = collectSink();
  const out = new OutputStream(sink);
  const src = new InputStream(bytesSource('0123456789'));
  assert.equal(out.splice(src, 4n), 4n);
  assert.equal(out.blockingSplice(src, 100n), 6n);
  assert.equal(sink.text(), '0123456789');
  throwsTag(() => out.splice(src, 1n), 'closed');
});

test('output-stream: failing sink -> last-operation-failed; dropped stream -> closed', () => {
  const bad = new OutputStream({
    write() {
      throw new IoError('no space');
    },
  });
  assert.throws(
    () => bad.write(enc('x')),
    (e) => e.tag === 'last-operation-failed' && e.val.message === 'no space',
  );
  const s = new OutputStream(collectSink());
  s[Symbol.dispose]();
  throwsTag(() => s.write(enc('x')), 'closed');
  throwsTag(() => s.checkWrite(), 'closed');
});

test('output-stream: non-IoError exceptions from a sink propagate (host bug, not a stream error)', () => {
  const s = new OutputStream({
    write() {
      throw new TypeError('bug');
    },
  });
  assert.throws(() => s.write(enc('x')), TypeError);
});

test('line sink emits whole lines, keeps multi-byte characters intact, flushes the rest on close', () => {
  const lines = [];
  const sink = lineSink((l) => lines.push(l));
  const bytes = enc('a€\nb');
  sink.write(bytes.subarray(0, 2));
  sink.write(bytes.subarray(2));
  assert.deepEqual(lines, ['a€']);
  sink.close();
  assert.deepEqual(lines, ['a€', 'b']);
});

test('poll returns the indices of ready pollables without blocking', () => {
  const never = new Pollable(() => false, { deadline: 2n ** 62n });
  const now = new Pollable();
  assert.deepEqual([...poll([never, now, now])], [1, 2]);
  assert.ok(poll([now]) instanceof Uint32Array);
});

test('poll sleeps until the earliest timer', () => {
  const mc = clocksImports()['wasi:clocks/monotonic-clock'];
  const slow = mc.subscribeDuration(5_000_000_000n);
  const fast = mc.subscribeDuration(30_000_000n);
  const t0 = performance.now();
  assert.deepEqual([...poll([slow, fast])], [1]);
  const ms = performance.now() - t0;
  assert.ok(ms >= 29 && ms < 2000, `waited ${ms}ms`);
});

test('pollable.block waits on a timer; a pollable with wait() is waited on', () => {
  const mc = clocksImports()['wasi:clocks/monotonic-clock'];
  const t0 = mc.now();
  mc.subscribeDuration(20_000_000n).block();
  assert.ok(mc.now() - t0 >= 20_000_000n);
  let ready = false;
  const p = new Pollable(() => ready, {
    wait: () => {
      ready = true;
    },
  });
  p.block();
  assert.equal(p.ready(), true);
});

test('poll never hangs: nothing that can become ready synchronously -> error; empty list -> error', () => {
  assert.throws(() => poll([new Pollable(() => false)]), /no pollable can become ready synchronously/);
  assert.throws(() => poll([]), /empty/);
});
