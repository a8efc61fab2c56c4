// Unit tests for the runtime helpers the glue inlines (js-runtime/intrinsics/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryState, memView, checkRange, checkList, alloc } from '../intrinsics/memory.js';
import { utf8Encode, utf8Decode } from '../intrinsics/utf8.js';
import * as utf8 from '../intrinsics/utf8.js';
import { utf16Encode, utf16Decode } from '../intrinsics/utf16.js';
import * as latin1 from '../intrinsics/latin1.js';
import { liftChar, lowerChar } from '../intrinsics/char.js';
import { badValue } from '../intrinsics/badValue.js';
import { toInt64 } from '../intrinsics/toInt64.js';
import { f32ToI32, i32ToF32, f64ToI64, i64ToF64 } from '../intrinsics/bitcast.js';
import { base64Bytes } from '../intrinsics/base64.js';
import { ComponentError, errPayload } from '../intrinsics/ComponentError.js';
import { fusedAdapters } from '../intrinsics/fused.js';
import { utf8View, listView, copyView } from '../intrinsics/views.js';
import { addr64, len64, untag64, tag64, needsMemory64 } from '../intrinsics/addr64.js';

// A memory with a bump realloc that records its calls, like a guest's cabi_realloc.
function guest(pages = 1) {
  const m = memoryState();
  m.mem = new WebAssembly.Memory({ initial: pages });
  let heap = 16;
  const calls = [];
  const realloc = (old, oldSize, align, size) => {
    calls.push([old, oldSize, align, size]);
    const p = Math.ceil(heap / align) * align;
    heap = p + size;
    if (heap > m.mem.buffer.byteLength) m.mem.grow(Math.ceil((heap - m.mem.buffer.byteLength) / 65536));
    new Uint8Array(m.mem.buffer).copyWithin(p, old, old + Math.min(oldSize, size));
    return p;
  };
  return { m, realloc, calls };
}

test('memory views refresh after grow', () => {
  const { m } = guest();
  const dv1 = memView(m);
  assert.equal(memView(m), dv1, 'cached while the buffer is unchanged');
  m.mem.grow(1);
  assert.notEqual(memView(m), dv1);
  assert.equal(m.u8.byteLength, 2 * 65536);
  assert.throws(() => checkRange(m, 3, 4, 4, 'x'), WebAssembly.RuntimeError);
  assert.throws(() => checkRange(m, 2 * 65536 - 2, 4, 1, 'x'), WebAssembly.RuntimeError);
  checkRange(m, 8, 4, 4, 'x');
  assert.throws(() => alloc(m, () => 1, 4, 4, 'x'), /not aligned/);
});

test('the Canonical ABI length limits come before alignment and bounds; at the limit they do not trap', () => {
  const { m } = guest();
  const limit = (n) => new RegExp(`byte length ${n} is above 2\\^28 - 1$`);
  assert.throws(() => checkList(m, 1, 2 ** 26, 4, 4), limit(2 ** 28));
  assert.throws(() => checkList(m, 1, 2 ** 26 - 1, 4, 4), /not aligned/);
  assert.throws(() => checkList(m, 0, 2 ** 28 - 1, 1, 1), /out of bounds/);
  checkList(m, 8, 2, 4, 4);
  assert.throws(() => utf8Decode(m, 0, 2 ** 28), limit(2 ** 28));
  assert.throws(() => utf8Decode(m, 0, -1), limit(2 ** 32 - 1), 'an i32 length is unsigned');
  assert.throws(() => utf8Decode(m, 0, 2 ** 28 - 1), /out of bounds/);
  assert.throws(() => utf16Decode(m, 1, 2 ** 27), limit(2 ** 28));
  assert.throws(() => utf16Decode(m, 1, 2 ** 27 - 1), /not aligned/);
  assert.throws(() => latin1.latin1Decode(m, 1, 2 ** 28), limit(2 ** 28));
  assert.throws(() => latin1.latin1Decode(m, 1, 2 ** 28 - 1), /not aligned/);
  assert.throws(() => latin1.latin1Decode(m, 1, (2 ** 27) | 0x80000000), limit(2 ** 28));
});

test('utf8 follows the spec realloc protocol', () => {
  const { m, realloc, calls } = guest();
  const p = utf8Encode('abc', m, realloc);
  assert.equal(utf8.utf8EncodedLen, 3);
  assert.deepEqual(calls, [[0, 0, 1, 3]], 'ASCII: one exact allocation');
  assert.equal(utf8Decode(m, p, 3), 'abc');
  calls.length = 0;
  const q = utf8Encode('aé🎉', m, realloc);
  const len = utf8.utf8EncodedLen;
  assert.equal(len, 1 + 2 + 4);
  assert.deepEqual(
    calls.map((c) => c.slice(1)),
    [
      [0, 1, 4],
      [4, 1, 12],
      [12, 1, 7],
    ],
  );
  assert.equal(utf8Decode(m, q, len), 'aé🎉');
  const r = utf8Encode('\uD800', m, realloc);
  assert.equal(utf8Decode(m, r, utf8.utf8EncodedLen), '\uFFFD');
  const bad = utf8Encode('xx', m, realloc);
  m.u8[bad] = 0xff;
  assert.throws(() => utf8Decode(m, bad, 2), WebAssembly.RuntimeError);
  assert.throws(() => utf8Decode(m, 65530, 100), WebAssembly.RuntimeError);
});

test('views: the source checks when made, one checked realloc and a byte copy when stored', () => {
  const src = guest();
  const dst = guest();
  const u8 = () => new Uint8Array(src.m.mem.buffer);
  u8().set([0x68, 0xc3, 0xa9, 0x21], 100); // "hé!"
  const v = utf8View(src.m, 100, 4);
  assert.deepEqual([v.ptr, v.len], [100, 4]);
  const p = copyView(v, dst.m, dst.realloc, 1, 1, 'param s');
  assert.deepEqual(dst.calls, [[0, 0, 1, 4]], 'realloc(0, 0, 1, bytes): store_string_copy');
  assert.equal(utf8Decode(dst.m, p, 4), 'hé!');
  // The source's checks: UTF-8 validity, bounds, then the length limit before them.
  u8().set([0x61, 0xc3], 200);
  assert.throws(() => utf8View(src.m, 200, 2), /invalid UTF-8/);
  u8().fill(0x61, 300, 340);
  assert.equal(utf8View(src.m, 300, 40).len, 40, 'long ASCII: the engine decoder validates');
  u8()[339] = 0xff;
  assert.throws(() => utf8View(src.m, 300, 40), /invalid UTF-8/, 'long and invalid');
  assert.throws(() => utf8View(src.m, 65535, 2), /out of bounds/);
  assert.throws(() => utf8View(src.m, 65535, 2 ** 28), /above 2\^28 - 1/);
  // Lists of plain numbers: checkList's checks, then the same copy.
  new DataView(src.m.mem.buffer).setBigUint64(64, 2n ** 64n - 1n, true);
  const lv = listView(src.m, 64, 2, 8, 8);
  const lp = copyView(lv, dst.m, dst.realloc, 8, 8, 'param l');
  assert.deepEqual(dst.calls.at(-1), [0, 0, 8, 16]);
  assert.equal(new DataView(dst.m.mem.buffer).getBigUint64(lp, true), 2n ** 64n - 1n);
  assert.throws(() => listView(src.m, 4, 2, 8, 8), /not aligned/);
  assert.throws(() => listView(src.m, 0, 2 ** 25, 8, 8), /above 2\^28 - 1/);
  // A destination that grows during its realloc still receives the bytes.
  const big = guest();
  const g = copyView(listView(src.m, 0, 65536, 1, 1), big.m, big.realloc, 1, 1, 'grow');
  assert.ok(big.m.mem.buffer.byteLength > 65536, 'the realloc grew the memory');
  assert.equal(new Uint8Array(big.m.mem.buffer)[g + 101], 0xc3);
});

test('utf16 and latin1+utf16', () => {
  const { m, realloc } = guest();
  const s = 'héllo 🎉';
  const p = utf16Encode(s, m, realloc);
  assert.equal(utf16Decode(m, p, s.length), s);
  m.dv.setUint16(p, 0xd800, true);
  m.dv.setUint16(p + 2, 0x41, true);
  assert.throws(() => utf16Decode(m, p, 2), WebAssembly.RuntimeError, 'lone surrogate traps');
  const l = latin1.latin1Encode('héllo', m, realloc);
  assert.equal(latin1.latin1EncodedLen, 5, 'latin1 stays untagged');
  assert.equal(latin1.latin1Decode(m, l, latin1.latin1EncodedLen), 'héllo');
  const u = latin1.latin1Encode('hé€', m, realloc);
  assert.equal(latin1.latin1EncodedLen, (3 | 0x80000000) >>> 0, 'tagged utf16');
  assert.equal(latin1.latin1Decode(m, u, latin1.latin1EncodedLen), 'hé€');
});

test('char validation', () => {
  assert.equal(liftChar(0x1f389), '🎉');
  assert.throws(() => liftChar(0xd800), WebAssembly.RuntimeError);
  assert.throws(() => liftChar(0x110000), WebAssembly.RuntimeError);
  assert.equal(lowerChar('🎉', 'x'), 0x1f389);
  for (const bad of ['', 'ab', '\uD800', 5, null]) assert.throws(() => lowerChar(bad, 'x'), TypeError);
});

test('value errors name the place and pick TypeError or RangeError', () => {
  assert.throws(() => badValue(256, 'u8 (integer in 0..255)', 'f: param x'), {
    name: 'RangeError',
    message: 'f: param x: expected u8 (integer in 0..255), got 256',
  });
  assert.throws(() => badValue('1', 'u8', 'f'), TypeError);
  assert.throws(() => badValue(1, 'string', 'f'), TypeError);
  assert.throws(() => badValue(5, 'record', 'f'), TypeError, 'a number is not out of range of a record');
  assert.throws(() => badValue(5n, 'variant { a, b }', 'f'), TypeError);
  assert.throws(() => badValue(1.5, 's32 (integer in -2^31..2^31-1)', 'f'), RangeError);
  assert.throws(() => badValue(-1n, 'u64 (BigInt in 0..2^64-1)', 'f'), RangeError);
  assert.throws(() => badValue(1n, 'number', 'f'), TypeError);
  assert.throws(() => badValue(2n ** 9n, 'flags as a bigint below 2n ** 8n', 'f'), TypeError);
  assert.equal(toInt64(5, true, 'f'), 5n);
  assert.equal(toInt64(2n ** 64n - 1n, false, 'f'), 2n ** 64n - 1n);
  assert.throws(() => toInt64(2 ** 60, true, 'f'), RangeError, 'unsafe numbers are refused');
  assert.throws(() => toInt64(-1n, false, 'f'), RangeError);
  assert.throws(() => toInt64('1', false, 'f'), TypeError);
});

test('bitcasts, base64 and errors', () => {
  assert.equal(f32ToI32(1), 0x3f800000);
  assert.equal(i32ToF32(0x3f800000), 1);
  assert.equal(f64ToI64(1), 0x3ff0000000000000n);
  assert.equal(i64ToF64(0x3ff0000000000000n), 1);
  assert.deepEqual([...base64Bytes('AGFzbQ==')], [0, 0x61, 0x73, 0x6d]);
  const e = new ComponentError({ code: 1 });
  assert.deepEqual(e.payload, { code: 1 });
  assert.ok(e instanceof Error);
  assert.equal(errPayload(e), e.payload);
  const plain = new Error('x');
  assert.throws(() => errPayload(plain), plain, 'a plain Error propagates');
  assert.equal(errPayload('code-7'), 'code-7');
});

test('a leading byte order mark is part of the string (as the spec decodes it)', () => {
  const { m, realloc } = guest();
  const p = utf8Encode('\uFEFFhi', m, realloc);
  assert.equal(utf8Decode(m, p, utf8.utf8EncodedLen), '\uFEFFhi');
  const q = utf16Encode('\uFEFFhi', m, realloc);
  assert.equal(utf16Decode(m, q, 3), '\uFEFFhi');
});

test('traced: logs the call, the result, a throw and a settled Promise', async () => {
  const { traced } = await import('../intrinsics/traced.js');
  const lines = [];
  const orig = console.error;
  console.error = (l) => lines.push(l);
  try {
    assert.equal(traced('a:b/c', 'f', ['x', 'y'], (x, y) => x + y)(1n, 2n), 3n);
    assert.throws(() =>
      traced('w', 'g', [], () => {
        throw Object.assign(new Error('no'), { payload: 'why' });
      })(),
    );
    assert.equal(await traced('w', 'h', ['s'], async (s) => s.length)('abc'), 3);
  } finally {
    console.error = orig;
  }
  assert.deepEqual(lines, [
    '[iface="a:b/c", function="f"] call x=1n, y=2n',
    '[iface="a:b/c", function="f"] return result=3n',
    '[iface="w", function="g"] call ',
    '[iface="w", function="g"] throw error="why"',
    '[iface="w", function="h"] call s="abc"',
    '[iface="w", function="h"] return result=3',
  ]);
});

test('compileSync: reads a core module next to the glue in Node', async () => {
  const { compileSync } = await import('../intrinsics/compileSync.js');
  const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { pathToFileURL } = await import('node:url');
  const d = mkdtempSync(join(tmpdir(), 'weft-compile-'));
  try {
    writeFileSync(join(d, 'm.wasm'), new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    assert.ok(compileSync(pathToFileURL(join(d, 'm.wasm'))) instanceof WebAssembly.Module);
  } finally {
    rmSync(d, { recursive: true });
  }
});

test('fusedAdapters: true exactly when the engine has multi-memory and exception handling', () => {
  // Two memories alone: the part of the probe engines differ on.
  const twoMemories = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 5, 2, 0, 0, 0, 0]);
  const multiMemory = WebAssembly.validate(twoMemories);
  assert.equal(fusedAdapters, multiMemory);
});

test('addr64/len64: i64 pointers are exact numbers below 2^53, lengths below 2^32, else trap', () => {
  assert.equal(addr64(0n), 0);
  assert.equal(addr64((1n << 32n) + 5n), 2 ** 32 + 5);
  assert.equal(addr64((1n << 53n) - 1n), Number.MAX_SAFE_INTEGER);
  for (const v of [1n << 53n, -1n, -(1n << 63n)]) {
    assert.throws(
      () => addr64(v),
      (e) => e instanceof WebAssembly.RuntimeError && /64-bit address \d+ is out of bounds of memory/.test(e.message),
      String(v),
    );
  }
  assert.equal(len64(0xffffffffn), 0xffffffff);
  for (const v of [1n << 32n, -1n]) {
    assert.throws(
      () => len64(v),
      (e) => e instanceof WebAssembly.RuntimeError && /above the Canonical ABI's limits \(2\^28 - 1\)/.test(e.message),
      String(v),
    );
  }
});

test('untag64/tag64: the latin1+utf16 tag moves between bit 63 and bit 31', () => {
  assert.equal(untag64(5n), 5);
  assert.equal(untag64((1n << 63n) | 7n), (0x80000000 | 7) >>> 0);
  assert.equal(untag64(-(1n << 63n) + 7n), (0x80000000 | 7) >>> 0, 'a signed i64 from wasm');
  assert.throws(() => untag64((1n << 63n) | (1n << 31n)), WebAssembly.RuntimeError);
  assert.throws(
    () => untag64(1n << 31n),
    /above the Canonical ABI's limit/,
    'an untagged length never reaches the 32-bit tag',
  );
  assert.throws(() => untag64(1n << 32n), /above the Canonical ABI's limit/);
  assert.equal(tag64(5), 5n);
  assert.equal(tag64((0x80000000 | 7) >>> 0), (1n << 63n) | 7n);
  for (const l of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff]) assert.equal(untag64(tag64(l)), l);
});

test('needsMemory64 throws one clear error exactly when the engine lacks memory64', () => {
  const has = WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 3, 1, 4, 0]));
  if (has) needsMemory64();
  else assert.throws(() => needsMemory64(), /does not support/);
});
