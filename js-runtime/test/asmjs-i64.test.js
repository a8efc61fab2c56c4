// Unit tests for js-runtime/asmjs/i64.js (the i64 legalization of `--js`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { legalExport, legalImport, tempRet0Env } from '../asmjs/i64.js';

const EDGES = [0n, 1n, -1n, 2n ** 31n, -(2n ** 31n), 2n ** 32n, 2n ** 63n - 1n, -(2n ** 63n), 0x123456789abcdefn];

test('an export: i64 params become (low, high) pairs, the result joins the high word', () => {
  for (const v of EDGES) {
    const seen = [];
    // As wasm2js's legal stub: returns the low word, the high one through setTempRet0.
    const stub = (a, lo, hi, b) => {
      seen.push([a, lo, hi, b]);
      tempRet0Env.setTempRet0(hi);
      return lo;
    };
    assert.equal(legalExport(stub, '.I.', 'I')(7, v, 9), v);
    assert.deepEqual(seen, [[7, Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)), 9]]);
  }
  // Unsigned values arrive as the same bits; a Number is refused as by wasm.
  assert.equal(
    legalExport(
      (lo, hi) => {
        tempRet0Env.setTempRet0(hi);
        return lo;
      },
      'I',
      'I',
    )(2n ** 64n - 1n),
    -1n,
  );
  assert.throws(() => legalExport(() => 0, 'I', '.')(1), TypeError);
  assert.equal(legalExport((x) => x * 2, '.', '.')(21), 42);
});

test('an import: pairs join into BigInts, an i64 result is split', () => {
  for (const v of EDGES) {
    const host = (a, b) => {
      assert.equal(a, v);
      assert.equal(b, 3);
      return v;
    };
    const lo = legalImport(host, 'I.', 'I')(Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)), 3);
    assert.equal(lo, Number(BigInt.asIntN(32, v)));
    assert.equal(tempRet0Env.getTempRet0(), Number(BigInt.asIntN(32, v >> 32n)));
  }
  assert.throws(() => legalImport(() => 1, '', 'I')(), TypeError);
});
