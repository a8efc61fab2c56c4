import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomImports } from './random.js';

const w = randomImports();

test('random: bytes of the asked length (also past getRandomValues limit), u64 BigInts', () => {
  const r = w['wasi:random/random'];
  assert.equal(r.getRandomBytes(0n).length, 0);
  const a = r.getRandomBytes(32n);
  assert.ok(a instanceof Uint8Array && a.length === 32);
  assert.notDeepEqual(a, r.getRandomBytes(32n));
  assert.equal(r.getRandomBytes(100_000n).length, 100_000);
  const u = r.getRandomU64();
  assert.equal(typeof u, 'bigint');
  assert.ok(u >= 0n && u < 2n ** 64n);
  assert.throws(() => r.getRandomBytes(2n ** 40n), RangeError);
});

test('insecure: bytes and u64', () => {
  const r = w['wasi:random/insecure'];
  assert.equal(r.getInsecureRandomBytes(5n).length, 5);
  assert.equal(typeof r.getInsecureRandomU64(), 'bigint');
});

test('insecure-seed: the same pair for the instance, different across instances', () => {
  const s = w['wasi:random/insecure-seed'].insecureSeed();
  assert.equal(s.length, 2);
  assert.deepEqual(w['wasi:random/insecure-seed'].insecureSeed(), s);
  assert.notDeepEqual(randomImports()['wasi:random/insecure-seed'].insecureSeed(), s);
});
