import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clocksImports } from './clocks.js';

const {
  'wasi:clocks/monotonic-clock': mono,
  'wasi:clocks/wall-clock': wall,
  'wasi:clocks/timezone': tz,
} = clocksImports();

test('monotonic-clock: u64 nanoseconds, never going back', () => {
  const a = mono.now();
  const b = mono.now();
  assert.equal(typeof a, 'bigint');
  assert.ok(b >= a);
  assert.ok(mono.resolution() > 0n);
});

test('monotonic-clock: subscribe-instant in the past is ready; in the future is not', () => {
  assert.equal(mono.subscribeInstant(0n).ready(), true);
  assert.equal(mono.subscribeInstant(mono.now() + 10_000_000_000n).ready(), false);
  assert.equal(mono.subscribeDuration(0n).ready(), true);
});

test('monotonic-clock: subscribe-duration + block sleeps that long', () => {
  const t0 = mono.now();
  const p = mono.subscribeDuration(25_000_000n);
  assert.equal(p.ready(), false);
  p.block();
  assert.ok(mono.now() - t0 >= 25_000_000n);
  assert.equal(p.ready(), true);
});

test('wall-clock: close to Date.now()', () => {
  const { seconds, nanoseconds } = wall.now();
  assert.equal(typeof seconds, 'bigint');
  assert.ok(nanoseconds >= 0 && nanoseconds < 1e9);
  assert.ok(Math.abs(Number(seconds) - Date.now() / 1000) < 2);
  assert.deepEqual(wall.resolution(), { seconds: 0n, nanoseconds: 1000 });
});

test('timezone: UTC unless the local zone is granted', () => {
  assert.equal(tz.utcOffset({ seconds: 0n, nanoseconds: 0 }), 0);
  assert.deepEqual(tz.display({ seconds: 0n, nanoseconds: 0 }), {
    utcOffset: 0,
    name: 'UTC',
    inDaylightSavingTime: false,
  });
  const local = clocksImports({ timezone: 'local' })['wasi:clocks/timezone'];
  assert.equal(typeof local.display({ seconds: 0n, nanoseconds: 0 }).name, 'string');
});
