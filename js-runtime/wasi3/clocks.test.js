import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clocks3Imports, sleepUntilAsync } from './clocks.js';
import { monotonicNow } from '../wasi/time.js';

const MS = 1_000_000n;

test('wait-for waits at least its duration without blocking the thread', async () => {
  const { waitFor } = clocks3Imports()['wasi:clocks/monotonic-clock'];
  const t0 = monotonicNow();
  // One macrotask that runs before the wait ends shows the thread was free
  // (counting interval ticks is flaky on a loaded machine: timers coalesce).
  let ran = false;
  setImmediate(() => {
    ran = true;
  });
  await waitFor(40n * MS);
  const took = (monotonicNow() - t0) / MS;
  assert.ok(took >= 40n && took < 1000n, `took ${took}ms`);
  assert.ok(ran, 'the event loop ran meanwhile');
});

test('wait-until: a past mark resolves at once; bad input is refused', async () => {
  const { waitUntil, waitFor } = clocks3Imports()['wasi:clocks/monotonic-clock'];
  const t0 = monotonicNow();
  await waitUntil(0n);
  assert.ok(monotonicNow() - t0 < 20n * MS);
  await waitUntil(monotonicNow() + 10n * MS);
  assert.ok(monotonicNow() - t0 >= 10n * MS);
  assert.throws(() => waitFor(-1n), /u64/);
  assert.throws(() => waitUntil('soon'), /u64/);
});

test('a cancelled wait (its AbortSignal) settles at once and clears its timer', async () => {
  const ac = new AbortController();
  const t0 = monotonicNow();
  const p = sleepUntilAsync(monotonicNow() + 10_000n * MS, ac.signal);
  setTimeout(() => ac.abort(), 5);
  await p;
  assert.ok(monotonicNow() - t0 < 1000n * MS);
});

test('system-clock, resolutions and time zones', () => {
  const c = clocks3Imports();
  const now = c['wasi:clocks/system-clock'].now();
  assert.ok(Math.abs(Number(now.seconds) - Date.now() / 1000) < 2);
  assert.ok(now.nanoseconds >= 0 && now.nanoseconds < 1e9);
  assert.equal(typeof c['wasi:clocks/system-clock'].getResolution(), 'bigint');
  assert.ok(c['wasi:clocks/monotonic-clock'].getResolution() > 0n);
  const utc = c['wasi:clocks/timezone@0.3'];
  assert.equal(utc.ianaId(), 'UTC', 'UTC unless the zone is granted');
  assert.equal(utc.utcOffset({ seconds: 0n, nanoseconds: 0 }), 0n);
  const local = clocks3Imports({ timezone: 'local' })['wasi:clocks/timezone@0.3'];
  assert.equal(local.ianaId(), Intl.DateTimeFormat().resolvedOptions().timeZone);
  const when = { seconds: 1_700_000_000n, nanoseconds: 0 };
  assert.equal(local.utcOffset(when), BigInt(-new Date(1_700_000_000_000).getTimezoneOffset()) * 60_000_000_000n);
  assert.equal(typeof local.toDebugString(), 'string');
});
