// Every WIT value type across the host boundary, both directions, against the
// `values` fixture (fixtures/wit/values.wit, fixtures/guests/values).
// Run: bash fixtures/build.sh && node --test tests/node/   (WEFT_IMPL=jco for jco)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { REPO, VALIDATES, importEsm, instantiate, instantiateSync } from './harness.js';

// ---------------------------------------------------------------------------
// The WIT, scraped for function names: the generated bindings must expose
// all of these (lowerCamelCase) and the host must provide all imports.
const WIT = readFileSync(join(REPO, 'fixtures/wit/values.wit'), 'utf8');
const camel = (kebab) => kebab.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
function witBlock(header) {
  const start = WIT.indexOf(`${header} {`);
  assert.notEqual(start, -1, header);
  let depth = 0;
  for (let i = WIT.indexOf('{', start); i < WIT.length; i++) {
    if (WIT[i] === '{') depth++;
    else if (WIT[i] === '}' && --depth === 0) return WIT.slice(start, i);
  }
  throw new Error(`unterminated ${header}`);
}
const kebabFuncNames = (block, prefix = '') =>
  [...block.matchAll(new RegExp(`^\\s*${prefix}([a-z][a-z0-9-]*): func`, 'gm'))].map((m) => m[1]);
const EXPORT_IFACE_KEBAB = kebabFuncNames(witBlock('interface exports'));
const WORLD_KEBAB = kebabFuncNames(witBlock('world values'), 'export ');
const HOST_FUNCS = kebabFuncNames(witBlock('interface host')).map(camel);

// ---------------------------------------------------------------------------
// Host side of `test:values/host`: every import records its arguments and
// answers with the reply the running test installed.
const received = new Map();
const replies = new Map();
const host = Object.fromEntries(
  HOST_FUNCS.map((name) => [
    name,
    (...args) => {
      received.set(name, args);
      const reply = replies.get(name);
      if (!reply) throw new Error(`test installed no reply for host.${name}`);
      return reply(...args);
    },
  ]),
);
/** Calls `fn` while host import `name` answers with `reply(...args)`. */
function withHost(name, reply, fn) {
  assert.ok(HOST_FUNCS.includes(name), `no host import ${name}`);
  received.delete(name);
  replies.set(name, reply);
  try {
    return fn();
  } finally {
    replies.delete(name);
  }
}

const root = await instantiate('values', { 'test:values/host': host });
const ex = root.exports;

// ---------------------------------------------------------------------------
// Helpers.
const f32 = Math.fround;
/** Deep equality; numbers (also inside typed arrays) compare with Object.is, typed array classes must match. */
function same(actual, expected, msg) {
  if (ArrayBuffer.isView(expected)) {
    assert.equal(actual?.constructor, expected.constructor, msg ?? `expected a ${expected.constructor.name}`);
    assert.equal(actual.length, expected.length, msg);
    for (let i = 0; i < expected.length; i++) same(actual[i], expected[i], msg ?? `index ${i}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), msg ?? `expected an array, got ${actual}`);
    assert.equal(actual.length, expected.length, msg);
    expected.forEach((e, i) => {
      same(actual[i], e, msg ?? `index ${i}`);
    });
  } else if (expected !== null && typeof expected === 'object') {
    assert.equal(typeof actual, 'object', msg);
    assert.notEqual(actual, null, msg);
    // Key presence counts, as in assert.deepStrictEqual: jco returns
    // `{ tag: 'no-shape' }` for a variant case without payload but
    // `{ tag: 'ok', val: undefined }` for a result's case without a type.
    const keys = Object.keys(expected);
    assert.deepEqual(Object.keys(actual).sort(), [...keys].sort(), msg ?? 'object keys');
    for (const k of keys) same(actual[k], expected[k], msg ? `${msg} .${k}` : `.${k}`);
  } else {
    assert.equal(actual, expected, msg); // strict: Object.is, so NaN == NaN and -0 != 0
  }
}
/** Asserts `fn` throws an Error (jco: ComponentError) carrying `payload`. */
function throwsPayload(fn, payload) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, `expected an Error, got ${e}`);
    assert.ok('payload' in e, 'the error has a .payload');
    same(e.payload, payload);
    return true;
  });
}
/** Short readable rendering of a JS value for test names and messages. */
function show(v) {
  let s;
  if (typeof v === 'bigint') s = `${v}n`;
  else if (Object.is(v, -0)) s = '-0';
  else if (v === undefined || typeof v === 'number' || typeof v === 'boolean') s = String(v);
  else if (typeof v === 'string') s = JSON.stringify(v);
  else if (ArrayBuffer.isView(v)) s = `${v.constructor.name}(${v.length})`;
  else if (Array.isArray(v)) s = `[${v.map(show).join(', ')}]`;
  else if (v === null) s = 'null';
  else
    s = `{${Object.entries(v)
      .map(([k, x]) => `${k}: ${show(x)}`)
      .join(', ')}}`;
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
const ALL32 = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`f${i}`, true]));
const NONE32 = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`f${i}`, false]));
const flags32 = (...set) => ({ ...NONE32, ...Object.fromEntries(set.map((i) => [`f${i}`, true])) });

const SHAPES = [
  [{ tag: 'circle', val: 1.5 }, 'circle 1.5'],
  [{ tag: 'circle', val: -0 }, 'circle -0'],
  [{ tag: 'circle', val: Infinity }, 'circle inf'],
  [{ tag: 'big', val: 2n ** 64n - 1n }, 'big 18446744073709551615'],
  [{ tag: 'big', val: 0n }, 'big 0'],
  [{ tag: 'named', val: 'héllo 😀' }, 'named héllo 😀'],
  [{ tag: 'named', val: '' }, 'named '],
  [{ tag: 'no-shape' }, 'no-shape'],
  [{ tag: 'precise', val: 0.1 }, 'precise 0.1'],
  [{ tag: 'precise', val: -Number.MAX_VALUE }, null], // (Rust prints all 309 digits)
  [{ tag: 'pair', val: [7, -(2n ** 63n)] }, 'pair 7 -9223372036854775808'],
];
const SMALL_NUMS = [
  { tag: 'float', val: 2.5 },
  { tag: 'float', val: -0 },
  { tag: 'float', val: -Infinity },
  { tag: 'int', val: -(2 ** 31) },
  { tag: 'int', val: 2 ** 31 - 1 },
  { tag: 'nothing' },
];
const POINT = { x: -(2 ** 31), y: 2 ** 31 - 1 };
const LINE = { start: { x: 1, y: 2 }, end: { x: -3, y: -4 }, label: 'diagonal ↘' };
const BAG = {
  itemId: 2n ** 64n - 1n,
  displayName: '名前',
  tags: ['a', '', '😀'],
  parent: { x: 5, y: -5 },
  shape: { tag: 'pair', val: [255, 1n] },
  color: 'dark-blue',
  perms: { read: true, write: false, exec: true, setUid: true },
  rawBytes: new Uint8Array([0, 128, 255]),
};
const BAG2 = {
  itemId: 0n,
  displayName: '',
  tags: [],
  parent: undefined,
  shape: { tag: 'no-shape' },
  color: 'red',
  perms: { read: false, write: false, exec: false, setUid: false },
  rawBytes: new Uint8Array(),
};
const MANY_ARGS = [
  255,
  -128,
  65535,
  -32768,
  2 ** 32 - 1,
  -(2 ** 31),
  2n ** 64n - 1n,
  -(2n ** 63n),
  1.5,
  0.1,
  '😀',
  true,
  'héllo',
  new Uint8Array([1, 2, 3]),
  2 ** 32 - 1,
  'dark-blue',
  { x: 1, y: -1 },
];
const MANY_ARGS2 = [
  0,
  127,
  0,
  32767,
  0,
  2 ** 31 - 1,
  0n,
  2n ** 63n - 1n,
  -0,
  -Infinity,
  '\0',
  false,
  '',
  new Uint8Array(),
  undefined,
  'red',
  { x: 0, y: 0 },
];

const STRINGS = [
  '',
  'hello',
  'héllo wörld',
  '中文字符',
  '😀🎉 4-byte UTF-8',
  'nul\0inside',
  'mixed: a é 中 😀 \u{10FFFF}',
  'é'.repeat(100_000),
];

// ---------------------------------------------------------------------------
describe('export names', () => {
  // jco exposes exactly the lowerCamelCase names; the original kebab-case
  // names are tolerated as extra aliases, anything else is not.
  function assertNames(obj, kebab, others = []) {
    for (const name of kebab) assert.equal(typeof obj[camel(name)], 'function', camel(name));
    const allowed = new Set([...kebab, ...kebab.map(camel), ...others]);
    assert.deepEqual(
      Object.keys(obj).filter((k) => !allowed.has(k)),
      [],
      'unexpected keys',
    );
  }
  test('the exported interface has every function, lowerCamelCase, under both names', () => {
    assertNames(ex, EXPORT_IFACE_KEBAB);
    assert.equal(root['test:values/exports@0.1.0'], ex);
  });
  test('top-level exports are lowerCamelCase functions next to the interface', () => {
    assertNames(root, WORLD_KEBAB, ['exports', 'test:values/exports@0.1.0']);
  });
  test('top-level functions work', () => {
    assert.equal(root.topAdd(2, 3), 5);
    assert.equal(root.topAdd(2 ** 32 - 1, 1), 0);
    assert.equal(root.topGreet('世界'), 'Hello, 世界!');
  });
  test('a function with no params and no result returns undefined', () => {
    assert.equal(ex.noop(), undefined);
  });
});

describe('scalars round-trip', () => {
  const CASES = {
    Bool: [true, false],
    S8: [-128, -1, 0, 127],
    U8: [0, 1, 255],
    S16: [-32768, 32767],
    U16: [0, 65535],
    S32: [-(2 ** 31), -1, 0, 2 ** 31 - 1],
    U32: [0, 2 ** 31, 2 ** 32 - 1],
    S64: [-(2n ** 63n), -1n, 0n, 2n ** 63n - 1n],
    U64: [0n, 2n ** 63n, 2n ** 64n - 1n],
    F32: [0, -0, 1.5, -2.75, f32(3.4028234663852886e38), 1.401298464324817e-45, Infinity, -Infinity, NaN],
    F64: [0, -0, 0.1, Number.MAX_VALUE, Number.MIN_VALUE, -Number.EPSILON, Infinity, -Infinity, NaN],
    Char: ['a', '\0', 'é', '中', '😀', '\u{10FFFF}', '\uFFFF', '\uD7FF', '\uE000'],
    String: STRINGS,
  };
  for (const [type, values] of Object.entries(CASES)) {
    test(type, () => {
      for (const v of values) same(ex[`roundtrip${type}`](v), v, `${type} ${show(v)}`);
    });
  }
  test('f32 arguments are rounded to single precision', () => {
    for (const v of [0.1, 1 / 3, 16777217, 1e-40]) assert.equal(ex.roundtripF32(v), f32(v), show(v));
    assert.equal(ex.roundtripF32(3.5e38), Infinity);
    assert.equal(ex.roundtripF32(1e-46), 0);
  });
  test('u64/s64 accept safe-integer numbers and return BigInt', () => {
    assert.equal(ex.roundtripU64(5), 5n);
    assert.equal(ex.roundtripU64(Number.MAX_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER));
    assert.equal(ex.roundtripS64(-5), -5n);
    assert.equal(ex.roundtripS64(Number.MIN_SAFE_INTEGER), BigInt(Number.MIN_SAFE_INTEGER));
  });
});

describe('scalars as the guest sees them', () => {
  test('float bits', () => {
    assert.equal(ex.f32Bits(1), 0x3f800000);
    assert.equal(ex.f32Bits(-0), 0x80000000);
    assert.equal(ex.f32Bits(-Infinity), 0xff800000);
    assert.equal(ex.f32Bits(1.401298464324817e-45), 1);
    assert.equal(ex.f64Bits(-0), 0x8000000000000000n);
    assert.equal(ex.f64Bits(0.1), 0x3fb999999999999an);
    assert.equal(ex.f64Bits(Infinity), 0x7ff0000000000000n);
  });
  test('NaN arrives as some NaN', () => {
    const b32 = ex.f32Bits(NaN);
    assert.ok((b32 & 0x7f800000) === 0x7f800000 && (b32 & 0x7fffff) !== 0, b32.toString(16));
    const b64 = ex.f64Bits(NaN);
    assert.ok((b64 & 0x7ff0000000000000n) === 0x7ff0000000000000n && (b64 & 0xfffffffffffffn) !== 0n);
  });
  test('char code points', () => {
    for (const c of ['\0', 'a', 'é', '中', '😀', '\u{10FFFF}']) assert.equal(ex.charCode(c), c.codePointAt(0));
  });
  test('u64 halves (multi-value result)', () => {
    same(ex.splitU64(0x0123456789abcdefn), [0x01234567, 0x89abcdef]);
    same(ex.splitU64(2n ** 64n - 1n), [2 ** 32 - 1, 2 ** 32 - 1]);
  });
});

describe('strings', () => {
  test('length in UTF-8 bytes', () => {
    for (const [s, n] of [
      ['', 0],
      ['abc', 3],
      ['é', 2],
      ['中', 3],
      ['😀', 4],
      ['a😀中é', 10],
    ]) {
      assert.equal(ex.stringLen(s), n, s);
    }
    assert.equal(ex.stringLen('😀'.repeat(300_000)), 1_200_000);
  });
  test('concat and to-upper', () => {
    assert.equal(ex.stringConcat('', ''), '');
    assert.equal(ex.stringConcat('héllo ', '世界 😀'), 'héllo 世界 😀');
    assert.equal(ex.toUpper('straße ǆ äbc'), 'STRASSE Ǆ ÄBC');
  });
  test('code points as received by the guest', () => {
    same(ex.stringCodePoints('a😀中'), new Uint32Array([0x61, 0x1f600, 0x4e2d]));
    same(ex.stringCodePoints(''), new Uint32Array());
  });
  test('lone surrogates are replaced by U+FFFD', () => {
    same(ex.stringCodePoints('a\uD800b'), new Uint32Array([0x61, 0xfffd, 0x62]));
    assert.equal(ex.roundtripString('\uDC00x\uD83D'), '\uFFFDx\uFFFD');
    assert.equal(ex.stringLen('\uD800'), 3);
  });
});

describe('lists', () => {
  const TYPED = [
    ['U8', Uint8Array, [0, 1, 255]],
    ['S8', Int8Array, [-128, 0, 127]],
    ['U16', Uint16Array, [0, 65535]],
    ['S16', Int16Array, [-32768, 32767]],
    ['U32', Uint32Array, [0, 2 ** 32 - 1]],
    ['S32', Int32Array, [-(2 ** 31), 2 ** 31 - 1]],
    ['U64', BigUint64Array, [0n, 2n ** 64n - 1n]],
    ['S64', BigInt64Array, [-(2n ** 63n), 2n ** 63n - 1n]],
    ['F32', Float32Array, [-0, 1.5, NaN, Infinity, -Infinity]],
    ['F64', Float64Array, [-0, 0.1, NaN, Number.MAX_VALUE, -Infinity]],
  ];
  for (const [type, Ctor, values] of TYPED) {
    test(`list<${type.toLowerCase()}> is a ${Ctor.name}`, () => {
      const fn = ex[`roundtripList${type}`];
      same(fn(Ctor.from(values)), Ctor.from(values));
      same(fn(new Ctor()), new Ctor());
      // A view into the middle of a larger buffer.
      const buf = new Ctor(values.length + 3);
      const view = new Ctor(buf.buffer, Ctor.BYTES_PER_ELEMENT, values.length);
      view.set(values);
      same(fn(view), Ctor.from(values));
    });
  }
  test('numeric lists also accept plain arrays', () => {
    same(ex.roundtripListU8([1, 255]), new Uint8Array([1, 255]));
    same(ex.roundtripListS32([1, -2]), new Int32Array([1, -2]));
    same(ex.roundtripListU64([1n, 2n ** 64n - 1n]), new BigUint64Array([1n, 2n ** 64n - 1n]));
    same(ex.roundtripListF64([1.5, -0]), new Float64Array([1.5, -0]));
  });
  test('list<string>, list<bool>, list<char> are arrays', () => {
    same(ex.roundtripListString(['', 'a', '😀', '中文']), ['', 'a', '😀', '中文']);
    same(ex.roundtripListString([]), []);
    same(ex.roundtripListBool([true, false, true]), [true, false, true]);
    same(ex.roundtripListBool([]), []);
    same(ex.roundtripListChar(['a', '😀', '\0']), ['a', '😀', '\0']);
  });
  test('list<record>, list<list<u8>>, list<option<u8>>, list<tuple>', () => {
    same(ex.roundtripListPoint([POINT, { x: 0, y: 0 }]), [POINT, { x: 0, y: 0 }]);
    same(ex.roundtripListPoint([]), []);
    const lists = [new Uint8Array([1, 2]), new Uint8Array(), new Uint8Array([255])];
    same(ex.roundtripListListU8(lists), lists);
    same(ex.roundtripListOptionU8([0, undefined, 255]), [0, undefined, 255]);
    same(
      ex.roundtripListTuple([
        ['a', 1],
        ['', 2 ** 32 - 1],
      ]),
      [
        ['a', 1],
        ['', 2 ** 32 - 1],
      ],
    );
  });
  test('1 MiB list<u8> both ways', () => {
    const big = new Uint8Array(1 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) >>> 3;
    same(ex.roundtripListU8(big), big);
    assert.equal(
      ex.sumBytes(big),
      big.reduce((a, b) => a + BigInt(b), 0n),
    );
  });
  test('large lists returned by the guest', () => {
    const bytes = ex.genBytes(1 << 20);
    assert.ok(bytes instanceof Uint8Array);
    assert.equal(bytes.length, 1 << 20);
    for (const i of [0, 1, 255, 256, 65_537, (1 << 20) - 1]) assert.equal(bytes[i], i & 0xff, `byte ${i}`);
    same(ex.genBytes(0), new Uint8Array());
    const strings = ex.genStrings(10_000);
    assert.equal(strings.length, 10_000);
    assert.equal(strings[9_999], 's9999');
  });
  test('sum of list<s32>', () => {
    assert.equal(ex.sumS32(new Int32Array([2 ** 31 - 1, 2 ** 31 - 1, 1])), 2n ** 32n - 1n);
    assert.equal(ex.sumS32(new Int32Array()), 0n);
  });
});

describe('records and tuples', () => {
  test('record', () => {
    same(ex.roundtripPoint(POINT), POINT);
    same(ex.pointAdd({ x: 1, y: 2 }, { x: 10, y: -20 }), { x: 11, y: -18 });
  });
  test('nested record', () => same(ex.roundtripLine(LINE), LINE));
  test('record with camelCase fields of many types', () => {
    same(ex.roundtripBag(BAG), BAG);
    same(ex.roundtripBag(BAG2), BAG2);
  });
  test('tuples are arrays', () => {
    same(ex.roundtripTuple([255, -(2n ** 63n), 'x😀']), [255, -(2n ** 63n), 'x😀']);
    same(ex.roundtripTuple1([2 ** 32 - 1]), [2 ** 32 - 1]);
    same(ex.roundtripNestedTuple([[7, -0], true]), [[7, -0], true]);
  });
});

describe('variants, enums, flags', () => {
  test('variant cases of different flat shapes', () => {
    for (const [v] of SHAPES) same(ex.roundtripShape(v), v, show(v));
  });
  test('variant payloads as the guest sees them', () => {
    for (const [v, text] of SHAPES) if (text !== null) assert.equal(ex.describeShape(v), text);
  });
  test('variant joined to i32 (f32 <-> i32 bitcast)', () => {
    for (const v of SMALL_NUMS) same(ex.roundtripSmallNum(v), v);
    same(ex.roundtripSmallNum({ tag: 'float', val: NaN }), { tag: 'float', val: NaN });
  });
  test('enum cases are kebab-case strings', () => {
    for (const [c, i] of [
      ['red', 0],
      ['green', 1],
      ['dark-blue', 2],
    ]) {
      assert.equal(ex.roundtripColor(c), c);
      assert.equal(ex.colorIndex(c), i);
    }
  });
  test('flags are objects with camelCase keys', () => {
    const none = { read: false, write: false, exec: false, setUid: false };
    same(ex.roundtripPerms(none), none);
    same(ex.roundtripPerms({ read: true, write: false, exec: true, setUid: true }), {
      read: true,
      write: false,
      exec: true,
      setUid: true,
    });
    assert.equal(ex.permsBits({ read: false, write: true, exec: false, setUid: true }), 0b1010);
  });
  test('missing flags are false', () => {
    same(ex.roundtripPerms({}), { read: false, write: false, exec: false, setUid: false });
    assert.equal(ex.permsBits({ setUid: true }), 8);
  });
  test('32 flags: all, none, the top bit', () => {
    same(ex.roundtripFlags32(ALL32), ALL32);
    same(ex.roundtripFlags32(NONE32), NONE32);
    assert.equal(ex.flags32Bits(ALL32), 0xffffffff);
    assert.equal(ex.flags32Bits(NONE32), 0);
    assert.equal(ex.flags32Bits(flags32(31)), 0x80000000);
    same(ex.flags32FromBits(0x80000001), flags32(0, 31));
    same(ex.flags32FromBits(0xffffffff), ALL32);
    same(ex.flags32FromBits(0), NONE32);
  });
});

describe('options', () => {
  test('option<T> is T | undefined', () => {
    for (const v of [undefined, 0, 2 ** 32 - 1]) same(ex.roundtripOptionU32(v), v);
    for (const v of [undefined, '', '😀']) same(ex.roundtripOptionString(v), v);
    for (const v of [undefined, POINT]) same(ex.roundtripOptionPoint(v), v);
  });
  test('null is accepted as none', () => {
    assert.equal(ex.roundtripOptionU32(null), undefined);
  });
  test('option<option<T>>: the outer option is {tag: some|none}', () => {
    const CASES = [
      [{ tag: 'none' }, 'none'],
      [{ tag: 'some', val: undefined }, 'some(none)'],
      [{ tag: 'some', val: 0 }, 'some(some(0))'],
      [{ tag: 'some', val: 2 ** 32 - 1 }, 'some(some(4294967295))'],
    ];
    for (const [v, text] of CASES) {
      same(ex.roundtripOptionOption(v), v);
      assert.equal(ex.optionOr(v), text);
    }
  });
});

describe('results', () => {
  test('result<T, E> returns T or throws with .payload E', () => {
    assert.equal(ex.roundtripResult({ tag: 'ok', val: 'fine 😀' }), 'fine 😀');
    throwsPayload(() => ex.roundtripResult({ tag: 'err', val: 2 ** 32 - 1 }), 2 ** 32 - 1);
    assert.equal(ex.parseU32('42'), 42);
    throwsPayload(() => ex.parseU32('x'), 'not a u32: x');
  });
  test('result<_, E>', () => {
    assert.equal(ex.roundtripResultNoOk({ tag: 'ok' }), undefined);
    throwsPayload(() => ex.roundtripResultNoOk({ tag: 'err', val: 'boom' }), 'boom');
  });
  test('result<T>', () => {
    assert.equal(ex.roundtripResultNoErr({ tag: 'ok', val: 5 }), 5);
    throwsPayload(() => ex.roundtripResultNoErr({ tag: 'err' }), undefined);
  });
  test('result', () => {
    assert.equal(ex.roundtripResultEmpty({ tag: 'ok' }), undefined);
    throwsPayload(() => ex.roundtripResultEmpty({ tag: 'err' }), undefined);
  });
  test('nested results are {tag: ok|err, val}', () => {
    same(ex.roundtripResultResult({ tag: 'ok', val: { tag: 'ok', val: 255 } }), { tag: 'ok', val: 255 });
    same(ex.roundtripResultResult({ tag: 'ok', val: { tag: 'err', val: 'inner' } }), { tag: 'err', val: 'inner' });
    throwsPayload(() => ex.roundtripResultResult({ tag: 'err', val: 'outer' }), 'outer');
  });
  test('option<result<option<T>, E>>', () => {
    for (const v of [undefined, { tag: 'ok', val: undefined }, { tag: 'ok', val: 7 }, { tag: 'err', val: '' }]) {
      same(ex.roundtripOptionResult(v), v);
    }
  });
  test('list<result<option<string>, u8>>', () => {
    const v = [
      { tag: 'ok', val: 'a' },
      { tag: 'ok', val: undefined },
      { tag: 'err', val: 255 },
    ];
    same(ex.roundtripListResult(v), v);
    same(ex.roundtripListResult([]), []);
  });
});

describe('many params, many results', () => {
  const bytes = (n, off = 0) => Array.from({ length: n }, (_, i) => (i * 17 + off) & 0xff);
  test('16 params (flat)', () => same(ex.params16(...bytes(16)), new Uint8Array(bytes(16))));
  test('17 params (spilled to memory)', () => {
    same(ex.params17(...bytes(17, 200)), new Uint8Array(bytes(17, 200)));
  });
  test('17 params of mixed types, echoed as a 17-tuple', () => {
    same(ex.manyParams(...MANY_ARGS), MANY_ARGS);
    same(ex.manyParams(...MANY_ARGS2), MANY_ARGS2);
  });
  test('tuple result with a list', () => {
    same(ex.multiReturn(3), [false, 3_000_000_000_000n, 'n=3', 1.5, new Uint16Array([0, 1, 2])]);
    same(ex.multiReturn(0), [true, 0n, 'n=0', 0, new Uint16Array()]);
  });
});

// ---------------------------------------------------------------------------
describe('host imports: lowered into the guest, lifted back', () => {
  // [export, host import, args, reply]: the host must receive `args` and the
  // export must return `reply` (what the guest got back from the host).
  const CASES = [
    ['callHostBool', 'echoBool', [true], false],
    ['callHostBool', 'echoBool', [false], true],
    ['callHostS8', 'echoS8', [-128], 127],
    ['callHostU8', 'echoU8', [255], 0],
    ['callHostS16', 'echoS16', [-32768], 32767],
    ['callHostU16', 'echoU16', [65535], 1],
    ['callHostS32', 'echoS32', [-(2 ** 31)], 2 ** 31 - 1],
    ['callHostU32', 'echoU32', [2 ** 32 - 1], 0],
    ['callHostS64', 'echoS64', [-(2n ** 63n)], 2n ** 63n - 1n],
    ['callHostU64', 'echoU64', [2n ** 64n - 1n], 0n],
    ['callHostF32', 'echoF32', [-0], Infinity],
    ['callHostF32', 'echoF32', [1.5], NaN],
    ['callHostF64', 'echoF64', [NaN], -0],
    ['callHostF64', 'echoF64', [0.1], -Number.MAX_VALUE],
    ['callHostChar', 'echoChar', ['😀'], '\u{10FFFF}'],
    ['callHostChar', 'echoChar', ['\0'], 'é'],
    ['callHostString', 'echoString', ['héllo 😀'], '中文'],
    ['callHostString', 'echoString', [''], ''],
    ['callHostString', 'echoString', ['x'.repeat(70_000)], 'é'.repeat(70_000)],
    ['callHostListU8', 'echoListU8', [new Uint8Array([1, 2, 255])], new Uint8Array([9])],
    ['callHostListU8', 'echoListU8', [new Uint8Array()], new Uint8Array()],
    ['callHostListU64', 'echoListU64', [new BigUint64Array([2n ** 64n - 1n])], new BigUint64Array([0n, 1n])],
    ['callHostListF32', 'echoListF32', [new Float32Array([1.5, -0])], new Float32Array([NaN, -Infinity])],
    ['callHostListString', 'echoListString', [['a', '', '😀']], ['x']],
    ['callHostListString', 'echoListString', [[]], []],
    [
      'callHostListPoint',
      'echoListPoint',
      [[POINT]],
      [
        { x: 1, y: 2 },
        { x: -3, y: 4 },
      ],
    ],
    ['callHostPoint', 'echoPoint', [POINT], { x: 0, y: -1 }],
    ['callHostLine', 'echoLine', [LINE], { start: POINT, end: POINT, label: '' }],
    ['callHostBag', 'echoBag', [BAG], BAG2],
    ['callHostBag', 'echoBag', [BAG2], BAG],
    ['callHostTuple', 'echoTuple', [[255, -(2n ** 63n), 'a']], [0, 2n ** 63n - 1n, '']],
    ...SHAPES.map(([v], i) => ['callHostShape', 'echoShape', [v], SHAPES[(i + 1) % SHAPES.length][0]]),
    ...SMALL_NUMS.map((v, i) => ['callHostSmallNum', 'echoSmallNum', [v], SMALL_NUMS[(i + 1) % SMALL_NUMS.length]]),
    ['callHostColor', 'echoColor', ['dark-blue'], 'red'],
    ['callHostColor', 'echoColor', ['green'], 'dark-blue'],
    [
      'callHostPerms',
      'echoPerms',
      [{ read: true, write: false, exec: true, setUid: false }],
      { read: false, write: true, exec: false, setUid: true },
    ],
    ['callHostFlags32', 'echoFlags32', [ALL32], NONE32],
    ['callHostFlags32', 'echoFlags32', [flags32(0, 31)], ALL32],
    ['callHostOptionU32', 'echoOptionU32', [undefined], 2 ** 32 - 1],
    ['callHostOptionU32', 'echoOptionU32', [0], undefined],
    ['callHostOptionOption', 'echoOptionOption', [{ tag: 'none' }], { tag: 'some', val: undefined }],
    ['callHostOptionOption', 'echoOptionOption', [{ tag: 'some', val: undefined }], { tag: 'some', val: 3 }],
    ['callHostOptionOption', 'echoOptionOption', [{ tag: 'some', val: 3 }], { tag: 'none' }],
    ['callHostResult', 'echoResult', [{ tag: 'err', val: 7 }], 'ok now'],
    ['callHostResultNoOk', 'echoResultNoOk', [{ tag: 'err', val: 'e' }], undefined],
    // A result case without a type reaches the host with `val: undefined` present, as in jco.
    ['callHostResultNoOk', 'echoResultNoOk', [{ tag: 'ok', val: undefined }], undefined],
    ['callHostResultEmpty', 'echoResultEmpty', [{ tag: 'ok', val: undefined }], undefined],
    ['callHostResultNoErr', 'echoResultNoErr', [{ tag: 'err', val: undefined }], 2 ** 32 - 1],
    ['callHostResultEmpty', 'echoResultEmpty', [{ tag: 'err', val: undefined }], undefined],
    [
      'callHostResultResult',
      'echoResultResult',
      [{ tag: 'ok', val: { tag: 'ok', val: 1 } }],
      { tag: 'err', val: 'inner' },
    ],
    ['callHostResultResult', 'echoResultResult', [{ tag: 'err', val: 'outer' }], { tag: 'ok', val: 255 }],
    ['callHostManyParams', 'manyParams', MANY_ARGS, MANY_ARGS2],
    ['callHostManyParams', 'manyParams', MANY_ARGS2, MANY_ARGS],
    ['callHostMultiReturn', 'multiReturn', [4], [true, 2n ** 64n - 1n, '😀', -0.5, new Uint16Array([65535, 0])]],
  ];
  const byExport = Map.groupBy
    ? Map.groupBy(CASES, (c) => c[0])
    : CASES.reduce((m, c) => m.set(c[0], [...(m.get(c[0]) ?? []), c]), new Map());
  for (const [exportName, cases] of byExport) {
    test(exportName, () => {
      for (const [, importName, args, reply] of cases) {
        const label = `${exportName}(${args.map(show).join(', ')})`;
        const result = withHost(
          importName,
          () => reply,
          () => root[exportName](...args),
        );
        same(received.get(importName), args, `${label}: what the host received`);
        same(result, reply, `${label}: what the guest got back`);
      }
    });
  }
  test('every host import is covered', () => {
    const covered = new Set([...CASES.map((c) => c[1]), 'ping', 'log', 'genBytes', 'echoResult']);
    assert.deepEqual(
      HOST_FUNCS.filter((f) => !covered.has(f)),
      [],
    );
  });
  test('no params, no result', () => {
    let pings = 0;
    const first = withHost(
      'ping',
      () => void pings++,
      () => root.callHostPing(),
    );
    const second = withHost(
      'ping',
      () => void pings++,
      () => root.callHostPing(),
    );
    assert.equal(pings, 2);
    assert.equal(second, first + 1, 'guest state persists between calls');
    same(received.get('ping'), []);
  });
  test('string param, no result', () => {
    assert.equal(
      withHost(
        'log',
        () => 'ignored',
        () => root.callHostLog('lög 😀'),
      ),
      undefined,
    );
    same(received.get('log'), ['lög 😀']);
  });
  test('lone surrogates from the host are replaced by U+FFFD', () => {
    assert.equal(
      withHost(
        'echoString',
        () => 'a\uD800',
        () => root.callHostString('x'),
      ),
      'a\uFFFD',
    );
  });
  test('f32 from the host is rounded to single precision', () => {
    assert.equal(
      withHost(
        'echoF32',
        () => 0.1,
        () => root.callHostF32(0),
      ),
      f32(0.1),
    );
  });
  test('1 MiB list<u8> from the host', () => {
    const big = new Uint8Array(1 << 20).map((_, i) => i & 0xff);
    assert.equal(
      withHost(
        'genBytes',
        () => big,
        () => root.callHostGenBytes(1 << 20),
      ),
      133_693_440n,
    );
    same(received.get('genBytes'), [1 << 20]);
  });
  test('host result: a return value is ok', () => {
    assert.equal(
      withHost(
        'echoResult',
        () => 'fine',
        () => root.callHostResult({ tag: 'ok', val: 'x' }),
      ),
      'fine',
    );
    same(received.get('echoResult'), [{ tag: 'ok', val: 'x' }]);
  });
  test('host result: a thrown error with .payload is err(payload)', () => {
    const thrower = () => {
      throw Object.assign(new Error('no'), { payload: 9 });
    };
    throwsPayload(() => withHost('echoResult', thrower, () => root.callHostResult({ tag: 'ok', val: 'x' })), 9);
    const strThrower = () => {
      throw Object.assign(new Error('no'), { payload: 'why' });
    };
    throwsPayload(() => withHost('echoResultNoOk', strThrower, () => root.callHostResultNoOk({ tag: 'ok' })), 'why');
  });
  test('host result: any other thrown non-Error value is err(value)', () => {
    throwsPayload(
      () =>
        withHost(
          'echoResult',
          () => {
            throw 42;
          },
          () => root.callHostResult({ tag: 'ok', val: 'x' }),
        ),
      42,
    );
    throwsPayload(
      () =>
        withHost(
          'echoResultNoOk',
          () => {
            throw 'bad';
          },
          () => root.callHostResultNoOk({ tag: 'ok' }),
        ),
      'bad',
    );
    throwsPayload(
      () =>
        withHost(
          'echoResultEmpty',
          () => {
            throw {};
          },
          () => root.callHostResultEmpty({ tag: 'ok' }),
        ),
      undefined,
    );
  });
  test('host result: a thrown Error without .payload propagates to the caller', () => {
    const boom = new Error('host failure');
    assert.throws(
      () =>
        withHost(
          'echoResult',
          () => {
            throw boom;
          },
          () => root.callHostResult({ tag: 'ok', val: 'x' }),
        ),
      (e) => e === boom,
    );
  });
  test('host result with no err type: any throw is err', () => {
    throwsPayload(
      () =>
        withHost(
          'echoResultNoErr',
          () => {
            throw 'whatever';
          },
          () => root.callHostResultNoErr({ tag: 'ok', val: 1 }),
        ),
      undefined,
    );
  });
  test('a host import without result that throws propagates the exception', () => {
    const boom = new Error('ping failed');
    assert.throws(
      () =>
        withHost(
          'ping',
          () => {
            throw boom;
          },
          () => root.callHostPing(),
        ),
      (e) => e === boom,
    );
    // The instance stays usable afterwards (the guest did not run past the import).
    assert.equal(root.topAdd(1, 2), 3);
  });
});

// ---------------------------------------------------------------------------
// Bad JS input must throw TypeError or RangeError (jco mostly coerces).
const isArgError = (e) => e instanceof TypeError || e instanceof RangeError;
describe('bad arguments from JS', () => {
  // [function, argument, jco already rejects it]
  const BAD = [
    ['roundtripU8', 256],
    ['roundtripU8', -1],
    ['roundtripU8', 1.5],
    ['roundtripU8', '1'],
    ['roundtripU8', NaN],
    ['roundtripU8', undefined],
    ['roundtripU8', 1n, true],
    ['roundtripS8', -129],
    ['roundtripS8', 128],
    ['roundtripU16', 65536],
    ['roundtripS16', -32769],
    ['roundtripU32', -1],
    ['roundtripU32', 2 ** 32],
    ['roundtripU32', Infinity],
    ['roundtripU32', null],
    ['roundtripS32', 2 ** 31],
    ['roundtripS32', -(2 ** 31) - 1],
    ['roundtripS32', '0'],
    ['roundtripU64', -1n],
    ['roundtripU64', 2n ** 64n],
    ['roundtripU64', -1],
    ['roundtripU64', 2 ** 53],
    ['roundtripU64', 1.5, true],
    ['roundtripU64', 'x'],
    ['roundtripU64', true],
    ['roundtripU64', {}],
    ['roundtripS64', 2n ** 63n],
    ['roundtripS64', -(2n ** 63n) - 1n],
    ['roundtripS64', -(2 ** 53)],
    ['roundtripF32', '1.5'],
    ['roundtripF64', '1'],
    ['roundtripF64', 1n, true],
    ['roundtripF64', undefined],
    ['roundtripChar', 'ab'],
    ['roundtripChar', ''],
    ['roundtripChar', 'a😀'],
    ['roundtripChar', '\uD800', true],
    ['roundtripChar', 97, true],
    ['roundtripString', 42, true],
    ['roundtripString', undefined, true],
    ['roundtripString', null, true],
    ['roundtripColor', 'purple', true],
    ['roundtripColor', 'darkBlue', true],
    ['roundtripColor', 2, true],
    ['roundtripShape', { tag: 'square', val: 1 }, true],
    ['roundtripShape', 'circle', true],
    ['roundtripShape', { tag: 'circle', val: 'x' }],
    ['roundtripShape', { tag: 'big', val: -1n }],
    ['roundtripPoint', { x: 1 }],
    ['roundtripPoint', null, true],
    ['roundtripPoint', { x: 1, y: 2 ** 31 }],
    ['roundtripListU8', 'abc'],
    ['roundtripListU8', 5, true],
    ['roundtripListString', [1], true],
    ['roundtripListU64', new Uint8Array(2), true],
    ['roundtripOptionU32', -1],
    ['roundtripOptionOption', 5, true],
    ['roundtripResult', { tag: 'maybe' }, true],
    ['roundtripResult', { tag: 'ok', val: 5 }, true],
    ['roundtripTuple', [1], true],
    ['roundtripTuple', 'abc'],
    ['roundtripPerms', 5, true],
    ['roundtripPerms', null],
  ];
  for (const [fn, arg, jcoRejects] of BAD) {
    test(`${fn}(${show(arg)}) throws`, jcoRejects ? {} : VALIDATES, () => {
      assert.throws(() => ex[fn](arg), isArgError);
    });
  }
  test('wrong arity of a record field inside a list', VALIDATES, () => {
    assert.throws(() => ex.roundtripListPoint([{ x: 1, y: 2 }, { x: 1 }]), isArgError);
  });
  test('a record is any object: primitives fail as the record, wherever it sits', VALIDATES, () => {
    const notRecord = (at) => (e) => e instanceof TypeError && e.message.includes(`${at}: expected record, got`);
    for (const bad of [5, 'xy', true, 1n, Symbol('p'), null, undefined]) {
      // point's first field (s32) checks the record lazily; line's (a record) and bag's (u64) up front.
      assert.throws(() => ex.roundtripPoint(bad), notRecord('param v'), show(bad));
      assert.throws(() => ex.roundtripLine(bad), notRecord('param v'), show(bad));
      assert.throws(() => ex.roundtripBag(bad), notRecord('param v'), show(bad));
      assert.throws(() => ex.roundtripListPoint([POINT, bad]), notRecord('param v[]'), show(bad));
      assert.throws(() => ex.roundtripLine({ ...LINE, end: bad }), notRecord('param v.end'), show(bad));
      // Inside an option's payload (undefined and null are `none` there).
      if (bad != null)
        assert.throws(() => ex.roundtripBag({ ...BAG, parent: bad }), notRecord('param v.parent.val'), show(bad));
    }
    // A field that is wrong on a real object is reported as the field.
    assert.throws(() => ex.roundtripListPoint([{ x: '1', y: 2 }]), /param v\[\]\.x: expected s32/);
    // Functions are objects (a record converts like a WebIDL dictionary).
    const fnPoint = Object.assign(() => {}, { x: 1, y: 2 });
    same(ex.roundtripPoint(fnPoint), { x: 1, y: 2 });
    same(ex.roundtripListPoint([fnPoint]), [{ x: 1, y: 2 }]);
    same(ex.roundtripLine(Object.assign(function line() {}, LINE)), LINE);
  });
  test('the instance is still usable after rejected arguments', () => {
    assert.throws(() => ex.roundtripColor('purple'), isArgError);
    assert.equal(ex.roundtripU8(7), 7);
  });
});

describe('bad return values from the host', () => {
  const BAD = [
    ['callHostU8', 'echoU8', [1], 256],
    ['callHostS32', 'echoS32', [1], 2 ** 31],
    ['callHostU32', 'echoU32', [1], 'x'],
    ['callHostU64', 'echoU64', [1n], -1n],
    ['callHostChar', 'echoChar', ['a'], 'ab'],
    ['callHostString', 'echoString', ['a'], 42, true],
    ['callHostColor', 'echoColor', ['red'], 'purple', true],
    ['callHostPoint', 'echoPoint', [POINT], { x: 1 }],
    ['callHostPoint', 'echoPoint', [POINT], 5],
    ['callHostPoint', 'echoPoint', [POINT], 'xy'],
    ['callHostShape', 'echoShape', [{ tag: 'no-shape' }], { tag: 'square' }, true],
    ['callHostListU8', 'echoListU8', [new Uint8Array()], 'abc'],
  ];
  for (const [exportName, importName, args, reply, jcoRejects] of BAD) {
    test(`${importName} returning ${show(reply)}`, jcoRejects ? {} : VALIDATES, () => {
      assert.throws(
        () =>
          withHost(
            importName,
            () => reply,
            () => root[exportName](...args),
          ),
        isArgError,
      );
    });
  }
});

// ---------------------------------------------------------------------------
describe('instantiation modes', () => {
  test('sync instantiation', async () => {
    const r = await instantiateSync('values', { 'test:values/host': host });
    assert.ok(!(r instanceof Promise));
    assert.equal(r.exports.roundtripU64(2n ** 64n - 1n), 2n ** 64n - 1n);
    assert.equal(
      withHost(
        'echoString',
        (s) => `${s}!`,
        () => r.callHostString('sync'),
      ),
      'sync!',
    );
  });
  test('plain ESM with --map to a host module', async (t) => {
    const hostModule = join(REPO, 'tests/node/support/values-host.js');
    const hostExports = await import(pathToFileURL(hostModule).href);
    assert.deepEqual(
      HOST_FUNCS.filter((f) => typeof hostExports[f] !== 'function'),
      [],
      'support module is complete',
    );
    hostExports.setHost(host);
    t.after(() => hostExports.setHost(undefined));
    const mod = await importEsm('values', { 'test:values/host': hostModule });
    assert.equal(mod.topGreet('esm'), 'Hello, esm!');
    same(mod.exports.roundtripBag(BAG), BAG);
    assert.equal(mod['test:values/exports@0.1.0'], mod.exports);
    assert.equal(
      withHost(
        'echoU64',
        (v) => v + 1n,
        () => mod.callHostU64(41n),
      ),
      42n,
    );
  });
});
