// Unit tests for the 64-bit memory helpers (js-runtime/intrinsics/memory64.js,
// string64.js): the same range checks and realloc protocol as the 32-bit
// helpers, at addresses above 4 GiB. Those need a memory64 memory (Node 24:
// node_modules/node/bin/node; .ci/run runs this file there); on an engine
// without memory64 the cases above 4 GiB skip and the rest run on an i32 memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryState } from '../intrinsics/memory.js';
import { checkRange64, alloc64 } from '../intrinsics/memory64.js';
import * as string64 from '../intrinsics/string64.js';
import { utf8Encode } from '../intrinsics/utf8.js';
import * as utf8 from '../intrinsics/utf8.js';
import { utf16Encode } from '../intrinsics/utf16.js';
import * as latin1 from '../intrinsics/latin1.js';
import * as transcode from '../intrinsics/transcode.js';

const { loadString64, lowerString64, storeString64 } = string64;
// (module (memory i64 0))
const PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 3, 1, 4, 0]);
const HAS_MEMORY64 = WebAssembly.validate(PROBE);
const above4G = !HAS_MEMORY64 && `addresses above 4 GiB need memory64 (Node ${process.versions.node} lacks it)`;
const PAGE = 65536;
const G4 = 2 ** 32;
const isTrap = (re) => (e) => e instanceof WebAssembly.RuntimeError && re.test(e.message);

// A memory whose bump realloc hands out addresses from `heap` on (growing the
// memory as needed) and records its calls, like a guest's cabi_realloc; the
// calls are recorded relative to `heap`'s start, to compare across addresses.
function guest(heap) {
  const m = memoryState();
  const wide = heap >= G4;
  const pages = Math.ceil((heap + PAGE) / PAGE);
  m.mem = wide
    ? new WebAssembly.Memory({ address: 'i64', initial: BigInt(pages) })
    : new WebAssembly.Memory({ initial: pages });
  const start = heap;
  const calls = [];
  const realloc = (old, oldSize, align, size) => {
    calls.push([old === 0 ? 0 : old - start, oldSize, align, size]);
    const p = Math.ceil(heap / align) * align;
    heap = p + size;
    const have = m.mem.buffer.byteLength;
    if (heap > have) {
      const more = Math.ceil((heap - have) / PAGE);
      m.mem.grow(wide ? BigInt(more) : more);
    }
    new Uint8Array(m.mem.buffer).copyWithin(p, old, old + Math.min(oldSize, size));
    return p;
  };
  return { m, realloc, calls };
}

const STRINGS = ['', 'abc', 'héllo', 'ÿ', '中文', 'a😀b', '\uD800x', 'x'.repeat(5000), 'é'.repeat(3000)];
const ENCODINGS = [
  [0, 'utf8', (s, m, r) => [utf8Encode(s, m, r), utf8.utf8EncodedLen]],
  [1, 'utf16', (s, m, r) => [utf16Encode(s, m, r), s.length]],
  [2, 'latin1+utf16', (s, m, r) => [latin1.latin1Encode(s, m, r), latin1.latin1EncodedLen]],
];

test('checkRange64/alloc64: exact alignment and bounds checks above 4 GiB', { skip: above4G }, () => {
  const { m, realloc } = guest(G4 + 8);
  const size = m.mem.buffer.byteLength;
  assert.ok(size > G4);
  checkRange64(m, G4 + 8, 8, 8, 'x');
  checkRange64(m, size - 4, 4, 4, 'x');
  checkRange64(m, size, 0, 1, 'x');
  assert.throws(() => checkRange64(m, G4 + 2, 4, 4, 'x'), isTrap(/^x: pointer 4294967298 is not aligned to 4$/));
  assert.throws(() => checkRange64(m, size - 2, 4, 1, 'x'), isTrap(/^x: range \d+\+4 is out of bounds of memory$/));
  assert.throws(() => checkRange64(m, size + 1, 0, 1, 'x'), isTrap(/out of bounds/));
  assert.throws(() => checkRange64(m, G4 * 2, 1, 1, 'x'), isTrap(/range 8589934592\+1 is out of bounds/), 'no wrap');
  const p = alloc64(m, realloc, 8, 24, 'list');
  assert.equal(p, G4 + 8);
  assert.throws(() => alloc64(m, () => G4 + 1, 2, 2, 'list'), isTrap(/list: pointer 4294967297 is not aligned to 2/));
  assert.throws(() => alloc64(m, () => size - 1, 1, 2, 'list'), isTrap(/out of bounds/));
});

for (const [heap, name, skip] of [
  [64, 'below 4 GiB', false],
  [G4 + 64, 'above 4 GiB', above4G],
]) {
  test(`lowerString64: the 32-bit helpers' realloc calls and bytes, ${name}`, { skip }, () => {
    for (const [enc, encName, encode32] of ENCODINGS) {
      for (const s of STRINGS) {
        const low = guest(64);
        const [p32, l32] = encode32(s, low.m, low.realloc);
        const high = guest(heap);
        const p = lowerString64(s, high.m, high.realloc, enc);
        const l = string64.stringLen64;
        const what = `${encName} ${JSON.stringify(s.slice(0, 8))}`;
        assert.equal(l, l32, `length: ${what}`);
        assert.deepEqual(high.calls, low.calls, `realloc calls: ${what}`);
        assert.equal(p - heap, p32 - 64, `pointer: ${what}`);
        const bytes = (enc === 0 ? 1 : 2) * (l & 0x7fffffff);
        assert.deepEqual(high.m.u8.slice(p, p + bytes), low.m.u8.slice(p32, p32 + bytes), `bytes: ${what}`);
        assert.equal(loadString64(high.m, p, l, enc), s.toWellFormed(), `round trip: ${what}`);
      }
    }
  });

  test(`storeString64: transcode.js's realloc calls for every encoding pair, ${name}`, { skip }, () => {
    for (const [src] of ENCODINGS) {
      for (const [dst] of ENCODINGS) {
        for (const s of STRINGS.map((x) => x.toWellFormed())) {
          // The source string as another component lifted it (its encoding, its units).
          const from = guest(64);
          const [sp, sl] = ENCODINGS[src][2](s, from.m, from.realloc);
          const t = transcode.taggedString(s, src, sl);
          assert.equal(loadString64(from.m, sp, sl, src), s);
          const low = guest(64);
          const p32 = transcode.storeString(t, low.m, low.realloc, dst);
          const high = guest(heap);
          const p = storeString64(t, high.m, high.realloc, dst);
          const l = string64.stringLen64;
          const what = `${src} -> ${dst} ${JSON.stringify(s.slice(0, 8))}`;
          assert.equal(l, transcode.transcodedLen, `length: ${what}`);
          assert.deepEqual(high.calls, low.calls, `realloc calls: ${what}`);
          assert.equal(p - heap, p32 - 64, `pointer: ${what}`);
          assert.equal(loadString64(high.m, p, l, dst), s, `round trip: ${what}`);
        }
      }
    }
  });
}

test('loadString64: the spec traps, above 4 GiB', { skip: above4G }, () => {
  const { m, realloc } = guest(G4 + 16);
  const size = m.mem.buffer.byteLength;
  const p = lowerString64('héllo', m, realloc, 0);
  m.u8[p + 1] = 0xff;
  assert.throws(() => loadString64(m, p, 6, 0), isTrap(/^string: invalid UTF-8$/));
  const q = lowerString64('ab', m, realloc, 1);
  m.dv.setUint16(q, 0xdc00, true);
  assert.throws(() => loadString64(m, q, 2, 1), isTrap(/^string: invalid UTF-16$/));
  assert.throws(() => loadString64(m, q + 1, 1, 1), isTrap(/^string: pointer 4294967\d+ is not aligned to 2$/));
  assert.throws(() => loadString64(m, G4 + 1, 1, 2), isTrap(/not aligned to 2/), 'latin1+utf16 aligns to 2');
  assert.throws(() => loadString64(m, size - 1, 2, 0), isTrap(/^string: range \d+\+2 is out of bounds of memory$/));
  assert.throws(() => loadString64(m, size - 2, (2 | 0x80000000) >>> 0, 2), isTrap(/range \d+\+4 is out of/));
  // MAX_STRING_BYTE_LENGTH (2^28 - 1), before alignment and bounds; at the limit the bounds check fires.
  assert.throws(
    () => loadString64(m, G4 + 1, 0x8000000, 1),
    isTrap(/^string: byte length 268435456 is above 2\^28 - 1$/),
  );
  assert.throws(
    () => loadString64(m, G4, 0x40000000, 1),
    isTrap(/^string: byte length 2147483648 is above 2\^28 - 1$/),
  );
  assert.throws(() => loadString64(m, G4, 0x10000000, 0), isTrap(/^string: byte length 268435456 is above/));
  assert.throws(() => loadString64(m, G4, 0x10000000, 2), isTrap(/^string: byte length 268435456 is above/));
  assert.throws(
    () => loadString64(m, G4, 0x8000000 | 0x80000000, 2),
    isTrap(/^string: byte length 268435456 is above/),
  );
  assert.throws(() => loadString64(m, size, 0xfffffff, 0), isTrap(/^string: range \d+\+268435455 is out of bounds/));
  assert.equal(loadString64(m, size, 0, 0), '', 'an empty string at the end of memory');
});

test('string64: a realloc result out of bounds or misaligned traps', () => {
  const { m } = guest(64);
  const size = m.mem.buffer.byteLength;
  assert.throws(() => lowerString64('abc', m, () => size - 2, 0), isTrap(/^string: range \d+\+3 is out of bounds/));
  assert.throws(() => lowerString64('abc', m, () => 65, 1), isTrap(/^string: pointer 65 is not aligned to 2$/));
  let n = 0;
  const shrinkFails = () => (n++ === 0 ? 64 : size);
  assert.throws(() => lowerString64('aé', m, shrinkFails, 0), isTrap(/out of bounds/), 'the grown range is checked');
});
