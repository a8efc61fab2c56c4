// Hand-written components (fixtures/components/*.wat) for what a Rust guest
// can't easily produce: other string encodings, hand-made flat signatures,
// post-return, fixed-length lists, and invalid values coming out of a guest.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { VALIDATES, instantiate, isJco, jcoSkip } from './harness.js';

const once = (f) => {
  let p;
  return () => (p ??= f());
};
const load = (name) => {
  const get = once(() => instantiate(name, {}));
  get.fresh = () => instantiate(name, {});
  return get;
};
const utf16 = load('utf16');
const compact = load('latin1-utf16');
const flat = load('flat-limits');
const fixed = load('fixed-lists');
const lift = load('lift-traps');

/** A trap: an Error, but not a result's err (which carries a .payload). */
const isTrap = (e) => e instanceof Error && !('payload' in e);
// A trap poisons the component instance (every later call traps, as the spec
// requires), so each trap is provoked on a fresh instance.
async function trapsFresh(loader, call, pred, msg) {
  const e = await loader.fresh();
  assert.throws(() => call(e), pred, msg);
}
const utf16le = (s) => new Uint8Array(Buffer.from(s, 'utf16le'));

const STRINGS = [
  '',
  'abc',
  'héllo',
  'ÿ',
  'Ā',
  '中文',
  '😀',
  'mixed a é 中 😀 \u{10FFFF}',
  'x'.repeat(100_000),
  'é'.repeat(70_000),
];

// Spec deviations of jco 1.35 (skipped under WEFT_IMPL=jco).
const JCO_LATIN1 = jcoSkip('jco does not support string-encoding=latin1+utf16 (transpile panics)');
const JCO_LONE_UTF16 = jcoSkip('jco passes lone surrogates into UTF-16 guest memory');
const JCO_DECODE = jcoSkip('jco replaces invalid code units with U+FFFD instead of trapping');
const JCO_WRAP = jcoSkip('jco traps instead of wrapping integers narrower than i32');
const JCO_BOOL = jcoSkip('jco traps on bool values other than 0 and 1');
const JCO_FLAGS = jcoSkip('jco traps on flags bits above the flag count');
const JCO_BOUNDS = jcoSkip('jco does not bounds-check lifted lists');
const JCO_ALIGN = jcoSkip('jco does not check the alignment of return areas');

describe('string-encoding=utf16', () => {
  test('round trip', async () => {
    const { utf16Echo } = await utf16();
    for (const s of STRINGS) assert.equal(utf16Echo(s), s, s.slice(0, 20));
  });
  test('the guest receives UTF-16LE code units', async () => {
    const { utf16Units, utf16Bytes } = await utf16();
    for (const s of STRINGS) assert.equal(utf16Units(s), s.length, s.slice(0, 20));
    assert.deepEqual(utf16Bytes('aé😀'), utf16le('aé😀'));
    assert.deepEqual(utf16Bytes(''), new Uint8Array());
  });
  test('strings the guest wrote', async () => {
    const { utf16At } = await utf16();
    assert.equal(utf16At(64, 8), 'héllo 😀');
    assert.equal(utf16At(128, 2), '中文');
    assert.equal(utf16At(0, 0), '');
  });
  test('misaligned or out-of-bounds strings trap', async () => {
    await trapsFresh(utf16, (x) => x.utf16At(65, 1), isTrap);
    await trapsFresh(utf16, (x) => x.utf16At(0x7ffffffe, 2), isTrap);
    await trapsFresh(utf16, (x) => x.utf16At(0xffffff00, 2), isTrap);
  });
  test('a lone surrogate from the guest traps', JCO_DECODE, async () => {
    await trapsFresh(utf16, (x) => x.utf16At(160, 2), isTrap);
  });
  test('lone surrogates from JS become U+FFFD', JCO_LONE_UTF16, async () => {
    const { utf16Bytes, utf16Echo } = await utf16();
    assert.deepEqual(utf16Bytes('a\uD800'), utf16le('a\uFFFD'));
    assert.equal(utf16Echo('\uDC00b'), '\uFFFDb');
  });
});

describe('string-encoding=latin1+utf16', JCO_LATIN1, () => {
  test('round trip', async () => {
    const { compactEcho } = await compact();
    for (const s of STRINGS) assert.equal(compactEcho(s), s, s.slice(0, 20));
  });
  test('latin1 when every code point is below 256, else tagged UTF-16', async () => {
    const { compactLen } = await compact();
    const TAG = 2 ** 31;
    for (const [s, len] of [
      ['', 0],
      ['abc', 3],
      ['café', 4],
      ['ÿ', 1],
      ['Ā', TAG + 1],
      ['a中', TAG + 2],
      ['😀', TAG + 2],
      ['é'.repeat(70_000), 70_000],
    ]) {
      assert.equal(compactLen(s), len, s.slice(0, 20));
    }
  });
  test('the bytes the guest receives', async () => {
    const { compactBytes } = await compact();
    assert.deepEqual(compactBytes('aé\u00ff'), new Uint8Array([0x61, 0xe9, 0xff]));
    assert.deepEqual(compactBytes('é中'), utf16le('é中'));
    assert.deepEqual(compactBytes(''), new Uint8Array());
  });
  test('strings the guest wrote', async () => {
    const { compactAt } = await compact();
    assert.equal(compactAt(96, 4), 'café');
    assert.equal(compactAt(128, 2 ** 31 + 2), '中文');
  });
  test('misaligned or out-of-bounds strings trap (alignment 2, even for latin1)', async () => {
    await trapsFresh(compact, (x) => x.compactAt(97, 1), isTrap);
    await trapsFresh(compact, (x) => x.compactAt(129, 2 ** 31 + 1), isTrap);
    await trapsFresh(compact, (x) => x.compactAt(65534, 2 ** 31 + 2), isTrap);
  });
});

// ---------------------------------------------------------------------------
// The Canonical ABI memory layout of a tuple, computed independently here.
const SCALARS = {
  u8: [1, (v, d, o) => d.setUint8(o, v)],
  s8: [1, (v, d, o) => d.setInt8(o, v)],
  bool: [1, (v, d, o) => d.setUint8(o, v ? 1 : 0)],
  u16: [2, (v, d, o) => d.setUint16(o, v, true)],
  s16: [2, (v, d, o) => d.setInt16(o, v, true)],
  u32: [4, (v, d, o) => d.setUint32(o, v, true)],
  s32: [4, (v, d, o) => d.setInt32(o, v, true)],
  char: [4, (v, d, o) => d.setUint32(o, v.codePointAt(0), true)],
  f32: [4, (v, d, o) => d.setFloat32(o, v, true)],
  u64: [8, (v, d, o) => d.setBigUint64(o, v, true)],
  s64: [8, (v, d, o) => d.setBigInt64(o, v, true)],
  f64: [8, (v, d, o) => d.setFloat64(o, v, true)],
};
const alignTo = (n, a) => Math.ceil(n / a) * a;
/** -> { bytes, mask } where mask marks the bytes that are not padding. */
function tupleLayout(types, values) {
  let size = 0;
  const fields = types.map((t) => {
    const [n] = SCALARS[t];
    const offset = alignTo(size, n);
    size = offset + n;
    return offset;
  });
  size = alignTo(size, Math.max(...types.map((t) => SCALARS[t][0])));
  const bytes = new Uint8Array(size);
  const mask = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  types.forEach((t, i) => {
    const [n, write] = SCALARS[t];
    write(values[i], view, fields[i]);
    mask.fill(1, fields[i], fields[i] + n);
  });
  return { bytes, mask };
}
function assertLayout(actual, types, values) {
  const { bytes, mask } = tupleLayout(types, values);
  assert.equal(actual.length, bytes.length, 'tuple size');
  for (let i = 0; i < bytes.length; i++) {
    if (mask[i]) assert.equal(actual[i], bytes[i], `byte ${i}`);
  }
}

describe('flattening limits and post-return', () => {
  const TYPES = [
    'u8',
    'u64',
    'f32',
    'u8',
    'f64',
    'u16',
    's8',
    'u32',
    's64',
    'bool',
    'char',
    'u8',
    'u16',
    'u8',
    'u32',
    'u8',
    'f32',
  ];
  const ARGS = [
    [255, 2n ** 64n - 1n, 1.5, 1, 0.1, 65535, -1, 2 ** 32 - 1, -2n, true, '😀', 2, 3, 4, 5, 6, -0.5],
    [0, 0n, -0, 255, -Infinity, 0, -128, 0, -(2n ** 63n), false, '\0', 0, 0, 0, 0, 255, NaN],
  ];
  test('16 flat params of mixed types arrive in their core params', async () => {
    const { flat16 } = await flat();
    for (const args of ARGS) assertLayout(flat16(...args.slice(0, 16)), TYPES.slice(0, 16), args.slice(0, 16));
  });
  test('17 params are spilled into memory from realloc(0, 0, 8, 80) in tuple layout', async () => {
    const { spill17, lastRealloc } = await flat();
    for (const args of ARGS) {
      assertLayout(spill17(...args), TYPES, args);
      assert.deepEqual(lastRealloc(), [0, 0, 8, 80]);
    }
  });
  test('post-return runs once per call, after the result was lifted', async () => {
    const { greeting, postReturnLog, answer, flat16 } = await flat();
    const [before] = postReturnLog();
    assert.equal(greeting(), 'hello, post-return');
    assert.deepEqual(postReturnLog(), [before + 1, 48], 'post-return got the return area pointer');
    assert.equal(greeting(), 'hello, post-return');
    assert.equal(answer(), 42);
    assert.deepEqual(postReturnLog(), [before + 3, 42], 'post-return got the flat result');
    flat16(...ARGS[0].slice(0, 16));
    assert.deepEqual(postReturnLog(), [before + 3, 42], 'no post-return for functions without one');
  });
});

describe('fixed-length lists', () => {
  test('(list u8 4) is an array of 4, flat in params and results', async () => {
    const { u8x4Echo } = await fixed();
    assert.deepEqual(u8x4Echo([1, 2, 3, 255]), [1, 2, 3, 255]);
    assert.deepEqual(u8x4Echo([0, 0, 0, 0]), [0, 0, 0, 0]);
  });
  test('(list u32 3) as flat params', async () => {
    const { u32x3Sum } = await fixed();
    assert.equal(u32x3Sum([2 ** 32 - 1, 2 ** 32 - 1, 1]), 2n ** 33n - 1n);
  });
  test('nested and string elements', async () => {
    const { s16x2x2Echo, stringX2Echo } = await fixed();
    assert.deepEqual(
      s16x2x2Echo([
        [-1, 2],
        [-32768, 32767],
      ]),
      [
        [-1, 2],
        [-32768, 32767],
      ],
    );
    assert.deepEqual(stringX2Echo(['a', '😀中']), ['a', '😀中']);
    assert.deepEqual(stringX2Echo(['', '']), ['', '']);
  });
  test('(list u8 17) spills to memory as 17 inline bytes', async () => {
    const { u8x17Bytes } = await fixed();
    const v = Array.from({ length: 17 }, (_, i) => 255 - i);
    assert.deepEqual(u8x17Bytes(v), new Uint8Array(v));
  });
  test('list of fixed-length lists', async () => {
    const { listOfU8x2Echo } = await fixed();
    assert.deepEqual(
      listOfU8x2Echo([
        [1, 2],
        [3, 4],
        [255, 0],
      ]),
      [
        [1, 2],
        [3, 4],
        [255, 0],
      ],
    );
    assert.deepEqual(listOfU8x2Echo([]), []);
  });
  test('a list of the wrong length throws', VALIDATES, async () => {
    const { u8x4Echo } = await fixed();
    assert.throws(
      () => u8x4Echo([1, 2, 3]),
      (e) => e instanceof TypeError || e instanceof RangeError,
    );
    assert.throws(
      () => u8x4Echo([1, 2, 3, 4, 5]),
      (e) => e instanceof TypeError || e instanceof RangeError,
    );
  });
});

// ---------------------------------------------------------------------------
describe('lifting guest values (Canonical ABI rules)', () => {
  test('integers narrower than i32 wrap', JCO_WRAP, async () => {
    const { u8Of, s8Of, u16Of, s16Of } = await lift();
    assert.equal(u8Of(0x1ff), 0xff);
    assert.equal(u8Of(0x100), 0);
    assert.equal(s8Of(0x180), -128);
    assert.equal(s8Of(0xff), -1);
    assert.equal(s8Of(0xffffffff), -1);
    assert.equal(u16Of(0x1ffff), 0xffff);
    assert.equal(s16Of(0x18000), -32768);
  });
  test('in-range narrow integers', async () => {
    const { u8Of, s8Of, u16Of, s16Of } = await lift();
    assert.equal(u8Of(255), 255);
    assert.equal(s8Of(0xffffff80), -128);
    assert.equal(u16Of(65535), 65535);
    assert.equal(s16Of(0xffff8000), -32768);
  });
  test('bool is any non-zero value', JCO_BOOL, async () => {
    const { boolOf } = await lift();
    assert.equal(boolOf(2), true);
    assert.equal(boolOf(0xffffffff), true);
  });
  test('bool 0 and 1', async () => {
    const { boolOf } = await lift();
    assert.equal(boolOf(0), false);
    assert.equal(boolOf(1), true);
  });
  test('flags ignore bits above their count', JCO_FLAGS, async () => {
    const { flagsOf } = await lift();
    assert.deepEqual(flagsOf(0xff), { a: true, b: true, c: true });
    assert.deepEqual(flagsOf(0x8), { a: false, b: false, c: false });
  });
  test('flags', async () => {
    const { flagsOf } = await lift();
    assert.deepEqual(flagsOf(0b101), { a: true, b: false, c: true });
  });
  test('char: surrogates and values past U+10FFFF trap', async () => {
    const { charOf } = await lift();
    assert.equal(charOf(0x1f600), '😀');
    assert.equal(charOf(0x10ffff), '\u{10FFFF}');
    for (const bad of [0xd800, 0xdfff, 0x110000, 0xffffffff])
      await trapsFresh(lift, (x) => x.charOf(bad), isTrap, bad.toString(16));
  });
  test('out-of-range discriminants trap', async () => {
    const { enumOf, optionOf, resultOf, variantOf } = await lift();
    assert.equal(enumOf(2), 'c');
    await trapsFresh(lift, (x) => x.enumOf(3), isTrap);
    assert.equal(optionOf(0, 5), undefined);
    assert.equal(optionOf(1, 5), 5);
    await trapsFresh(lift, (x) => x.optionOf(2, 5), isTrap);
    assert.equal(resultOf(0, 5), 5);
    assert.throws(
      () => resultOf(1, 5),
      (e) => e instanceof Error && e.payload === 5,
    );
    await trapsFresh(lift, (x) => x.resultOf(2, 5), isTrap);
    assert.deepEqual(variantOf(0, 5), { tag: 'num', val: 5 });
    assert.deepEqual(variantOf(1, 5), { tag: 'empty' });
    await trapsFresh(lift, (x) => x.variantOf(2, 5), isTrap);
  });
  test('strings out of bounds trap', async () => {
    const { stringAt } = await lift();
    assert.equal(stringAt(64, 1), '\x01');
    await trapsFresh(lift, (x) => x.stringAt(65530, 10), isTrap);
    await trapsFresh(lift, (x) => x.stringAt(0xffffff00, 4), isTrap);
  });
  test('invalid UTF-8 traps', JCO_DECODE, async () => {
    for (const bytes of [[0xff], [0xed, 0xa0, 0x80], [0xc0, 0x80], [0xe4, 0xb8], [0x61, 0x80]]) {
      await trapsFresh(lift, (x) => x.utf8Of(new Uint8Array(bytes)), isTrap, bytes.join(','));
    }
  });
  test('valid UTF-8 from the guest', async () => {
    const { utf8Of } = await lift();
    assert.equal(utf8Of(new TextEncoder().encode('é中😀')), 'é中😀');
    assert.equal(utf8Of(new Uint8Array()), '');
  });
  test('lists: in bounds, misaligned', async () => {
    const { u32sAt } = await lift();
    assert.deepEqual(u32sAt(64, 3), new Uint32Array([1, 2, 3]));
    assert.deepEqual(u32sAt(65536, 0), new Uint32Array());
    await trapsFresh(lift, (x) => x.u32sAt(65, 3), isTrap);
  });
  test('lists out of bounds trap', JCO_BOUNDS, async () => {
    await trapsFresh(lift, (x) => x.u32sAt(65532, 2), isTrap);
    await trapsFresh(lift, (x) => x.u32sAt(65540, 0), isTrap);
    await trapsFresh(lift, (x) => x.u32sAt(64, 0x10000000), isTrap);
  });
  test('return area: in bounds', async () => {
    const { tupleAt } = await lift();
    assert.deepEqual(tupleAt(64), [1, 2]);
    await trapsFresh(lift, (x) => x.tupleAt(65532), isTrap);
  });
  test('return area: misaligned traps', JCO_ALIGN, async () => {
    await trapsFresh(lift, (x) => x.tupleAt(66), isTrap);
  });
});

if (isJco) {
  test('jco: latin1+utf16 still fails to transpile (remove JCO_LATIN1 when this fails)', async () => {
    await assert.rejects(compact(), /StringEncoding::UTF8 \| StringEncoding::UTF16/);
  });
}

describe('traps poison the instance', () => {
  test('after a trap every call traps; other instances are unaffected', async () => {
    const e = await lift.fresh();
    assert.equal(e.enumOf(2), 'c');
    assert.throws(() => e.enumOf(3), isTrap);
    assert.throws(() => e.enumOf(2), /poisoned/);
    const other = await lift.fresh();
    assert.equal(other.enumOf(2), 'c');
  });
  test('bad JS input is not a trap and does not poison', async () => {
    const e = await lift.fresh();
    assert.throws(() => e.enumOf('x'), TypeError);
    assert.equal(e.enumOf(2), 'c');
  });
});
