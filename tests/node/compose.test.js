// Composed components (fixtures/compose/*.wat: several nested components in one
// component, linked with `(instance (instantiate $C (with ...)))`), transpiled
// with the native weft binary and run in Node. Calls between sub-components go
// through weft's glue: lowered in the caller, lifted into the callee.
//
//   WEFT_BIN=path     weft binary (default <repo>/target/debug/weft)
//   WEFT_IMPL=jco     run the same tests against jco (the .wat is converted with
//                     `jco parse` first). jco 1.35 passes few of them: it cannot
//                     transpile the transcoding fixtures ("not implemented: utf16 to
//                     latin1 transcoder"), does not take the root function import
//                     `back` as a plain function ("back is not a function"), and
//                     lacks the borrow/lend traps.
//   WEFT_TEST_KEEP=1  keep the generated glue (in $TMPDIR/weft-compose-*)
//   WEFT_ADAPTERS=js  calls between components through the JS adapters
//                     (`--adapters js`); by default covered calls use fused core
//                     wasm adapters where the engine has multi-memory (Node 24,
//                     Chromium; Node 20 falls back to the JS adapters)
//
// After a trap the whole component instance is poisoned, so every trap is
// provoked on a fresh instance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const IMPL = process.env.WEFT_IMPL ?? 'weft';
const weft = process.env.WEFT_BIN ?? join(root, 'target/debug/weft');
const jco = join(root, 'node_modules/.bin/jco');

const tmpRoot = mkdtempSync(join(tmpdir(), 'weft-compose-'));
process.on('exit', () => {
  if (!process.env.WEFT_TEST_KEEP) rmSync(tmpRoot, { recursive: true, force: true });
});

const built = new Map();
/** Transpiles fixtures/compose/<name>.wat once per mode; returns the glue module. */
async function glue(name, mode = 'async', extra = []) {
  const key = [name, mode, ...extra].join('-');
  if (!built.has(key)) {
    const out = join(tmpRoot, key);
    const input = join(root, 'fixtures/compose', `${name}.wat`);
    const args = ['--name', name, '--instantiation', mode, ...extra];
    if (IMPL === 'jco') {
      const wasm = join(tmpRoot, `${name}.wasm`);
      execFileSync(jco, ['parse', input, '-o', wasm]);
      execFileSync(jco, ['transpile', wasm, '-o', out, ...args, '--quiet']);
    } else {
      const adapters = process.env.WEFT_ADAPTERS ? ['--adapters', process.env.WEFT_ADAPTERS] : [];
      execFileSync(weft, ['transpile', input, '-o', out, ...args, ...adapters, '-q']);
    }
    built.set(
      key,
      import(pathToFileURL(join(out, `${name}.js`)).href).then((mod) => ({ mod, out })),
    );
  }
  return built.get(key);
}

/** A fresh instance of fixture `name` (`extra`: more transpile flags). */
async function load(name, imports = {}, extra = []) {
  const { mod, out } = await glue(name, 'async', extra);
  return mod.instantiate((f) => WebAssembly.compile(readFileSync(join(out, f))), imports);
}

/** The same with `--instantiation sync`. */
async function loadSync(name, imports = {}) {
  const { mod, out } = await glue(name, 'sync');
  return mod.instantiate((f) => new WebAssembly.Module(readFileSync(join(out, f))), imports);
}

const isTrap = (re) => (e) => {
  assert.ok(
    e instanceof WebAssembly.RuntimeError,
    `expected a WebAssembly.RuntimeError, got ${e?.constructor?.name}: ${e?.message}`,
  );
  if (re) assert.match(e.message, re);
  return true;
};
const POISONED = /cannot enter component instance/;

// ---------------------------------------------------------------------------------------
// Transcoding chain: JS -> A (utf8) -> B (utf16) -> C (latin1+utf16) and back.

const utf8Len = (s) => Buffer.byteLength(s, 'utf8');
const isLatin1 = (s) => [...s].every((c) => c.codePointAt(0) < 256);
const SUFFIX = 'ü☃🍰'; // appended on the way back by C, B and A
const STRINGS = {
  ascii: 'hello, world',
  latin1: 'ÿ grüße, Ærø ¿¡',
  bmp: '日本語のテキスト, 中文',
  astral: '🎉 emoji 🍰🚀 𝄞',
  empty: '',
  'long ascii (100k)': 'x'.repeat(100_000),
  'long latin1 (100k)': 'é'.repeat(100_000),
  'long bmp (100k)': '語'.repeat(100_000),
  'long astral (100k code units)': '🎉'.repeat(50_000),
  'long mixed, wide char last': `${'a'.repeat(99_999)}☃`,
};
const UTF16_TAG = 0x8000_0000;

/** The log as [old, old-size, align, new-size, ptr] rows, `old` replaced by the index of
 *  the row that returned it ('new' when 0; 'host' when it came from an unlogged call). */
function rows(flat) {
  const out = [];
  for (let i = 0; i < flat.length; i += 5) {
    const [old, osize, align, nsize, ptr] = flat.slice(i, i + 5);
    let from = 'new';
    if (old !== 0) {
      from = 'unknown';
      for (let j = out.length - 1; j >= 0; j--)
        if (out[j].ptr === old) {
          from = j;
          break;
        }
    }
    out.push({ from, osize, align, nsize, ptr });
  }
  return out;
}
const shape = (r) => r.map(({ from, osize, align, nsize }) => [from, osize, align, nsize]);

// The Canonical ABI's realloc calls (definitions.py: store_string_into_range and
// the store_* helpers), as [from, old-size, align, new-size], `from` = index of the
// call whose pointer is reallocated.
const spec = {
  // utf8 -> utf16: store_utf8_to_utf16 (worst case 2 bytes per utf8 byte, then shrink)
  utf8ToUtf16(bytes, units, base = 0) {
    const r = [['new', 0, 2, 2 * bytes]];
    if (2 * units < 2 * bytes) r.push([base, 2 * bytes, 2, 2 * units]);
    return r;
  },
  // utf16 -> latin1+utf16: store_string_to_latin1_or_utf16 (grows to 2 bytes per unit at
  // the first code point >= 256; a utf16 source never shrinks)
  utf16ToLatin1OrUtf16(units, latin1, base = 0) {
    const r = [['new', 0, 2, units]];
    if (!latin1) r.push([base, units, 2, 2 * units]);
    return r;
  },
  // latin1 or utf16 -> utf16: store_string_copy (2 bytes per code unit, align 2)
  copyToUtf16(units) {
    return [['new', 0, 2, 2 * units]];
  },
  // utf16 -> utf8: store_utf16_to_utf8 via store_string_to_utf8 (grow to 3 bytes per
  // unit at the first non-ASCII code point, then shrink to the encoded length)
  utf16ToUtf8(s, base = 0) {
    return toUtf8(s, 3, base);
  },
  // latin1 -> utf8: store_latin1_to_utf8, the same with 2 bytes per unit
  latin1ToUtf8(s, base = 0) {
    return toUtf8(s, 2, base);
  },
  // store_probably_utf16_to_latin1_or_utf16: copied as utf16, deflated to latin1 with
  // a shrinking realloc of alignment 1 when every code unit fits
  probablyUtf16(s, base = 0) {
    return [['new', 0, 2, 2 * s.length], ...(isLatin1(s) ? [[base, 2 * s.length, 1, s.length]] : [])];
  },
  // store_string_into_range: a string held as `repr` (utf8, utf16, latin1, or tagged:
  // utf16 in latin1+utf16) stored into encoding `dst` (utf8, utf16, latin1 = latin1+utf16)
  store(repr, s, dst) {
    if (dst === 'utf8') {
      if (repr === 'utf8') return [['new', 0, 1, utf8Len(s)]];
      return repr === 'latin1' ? spec.latin1ToUtf8(s) : spec.utf16ToUtf8(s);
    }
    if (dst === 'utf16') return repr === 'utf8' ? spec.utf8ToUtf16(utf8Len(s), s.length) : spec.copyToUtf16(s.length);
    if (repr === 'utf8') return spec.utf8ToLatin1OrUtf16(s);
    if (repr === 'utf16') return spec.utf16ToLatin1OrUtf16(s.length, isLatin1(s));
    return repr === 'latin1' ? [['new', 0, 2, s.length]] : spec.probablyUtf16(s);
  },
  // utf8 -> latin1+utf16: store_string_to_latin1_or_utf16 with src_code_units = the utf8
  // byte length: one byte per code point while it fits latin1 (then shrink), else grow to
  // 2 bytes per utf8 byte at the first code point >= 256 and shrink to the utf16 length
  utf8ToLatin1OrUtf16(s, base = 0) {
    const bytes = utf8Len(s),
      r = [['new', 0, 2, bytes]];
    if (isLatin1(s)) {
      if (s.length < bytes) r.push([base, bytes, 2, s.length]);
      return r;
    }
    r.push([base, bytes, 2, 2 * bytes]);
    if (2 * bytes > 2 * s.length) r.push([base + 1, 2 * bytes, 2, 2 * s.length]);
    return r;
  },
};
function toUtf8(s, perUnit, base) {
  const units = s.length,
    bytes = utf8Len(s);
  const r = [['new', 0, 1, units]];
  if (bytes === units) return r; // ASCII: one byte per code unit
  r.push([base, units, 1, perUnit * units]);
  if (perUnit * units > bytes) r.push([base + 1, perUnit * units, 1, bytes]);
  return r;
}
/** The last `want.length` rows of a log, `from` made relative to the first of them. */
function tailShape(log, n) {
  const base = log.length - n;
  return log
    .slice(base)
    .map(({ from, osize, align, nsize }) => [typeof from === 'number' ? from - base : from, osize, align, nsize]);
}

async function transcodeChain() {
  const e = await load('transcode-chain');
  // A fresh instance has logged nothing; reading clears the logs.
  for (const k of ['logA', 'logB', 'logC']) assert.deepEqual([...e[k]()], [], k);
  return e;
}

test('transcoding chain: every value survives utf8 -> utf16 -> latin1+utf16 and back', async () => {
  const e = await transcodeChain();
  let calls = 0;
  for (const [what, s] of Object.entries(STRINGS)) {
    calls++;
    assert.equal(e.run(s), s + SUFFIX, what);
    // What each hop's core function received, in its own encoding.
    const [seenA, postA] = e.statsA(),
      [seenB, postB] = e.statsB(),
      [seenC, postC] = e.statsC();
    assert.equal(seenA, utf8Len(s), `${what}: A got utf8 bytes`);
    assert.equal(seenB, s.length, `${what}: B got utf16 code units`);
    assert.equal(
      seenC >>> 0,
      isLatin1(s) ? s.length : (UTF16_TAG | s.length) >>> 0,
      `${what}: C got ${isLatin1(s) ? 'untagged latin1' : 'tagged utf16'}`,
    );
    // post-return ran exactly once per hop per call (after the caller took the result).
    assert.deepEqual([postA, postB, postC], [calls, calls, calls], `${what}: post-return counts`);
    for (const k of ['logA', 'logB', 'logC']) e[k]();
  }
});

test('transcoding chain: lone surrogates from JS arrive as U+FFFD at every hop', async () => {
  const e = await transcodeChain();
  assert.equal(e.run('a\uD800b'), `a\uFFFDb${SUFFIX}`);
  assert.equal(e.statsC()[0] >>> 0, (UTF16_TAG | 3) >>> 0);
});

test('transcoding chain: realloc calls of the hop B -> C (utf16 -> latin1+utf16) follow the spec', async () => {
  const e = await transcodeChain();
  for (const [what, s] of Object.entries(STRINGS)) {
    e.run(s);
    const c = rows(e.logC());
    assert.deepEqual(shape(c), spec.utf16ToLatin1OrUtf16(s.length, isLatin1(s)), what);
    for (const r of c) assert.equal(r.ptr % 2, 0, `${what}: C's allocations are 2-aligned`);
    e.logA();
    e.logB();
  }
});

test('transcoding chain: realloc calls of the results C -> B -> A follow the spec', async () => {
  const e = await transcodeChain();
  for (const [what, s] of Object.entries(STRINGS)) {
    e.run(s);
    const r1 = `${s}ü`,
      r2 = `${r1}☃`;
    // B: its argument rows (checked in the next test) come first, then the result from C
    // (latin1 or utf16, copied as utf16).
    const b = shape(rows(e.logB()));
    assert.deepEqual(b.slice(-1), spec.copyToUtf16(r1.length), `${what}: C -> B result`);
    // A: the host's lowering of the argument comes first, then the result from B.
    const a = rows(e.logA());
    const want = spec.utf16ToUtf8(r2);
    assert.deepEqual(tailShape(a, want.length), want, `${what}: B -> A result`);
    // The host's lowering into A: utf8, align 1, ending at the exact byte length.
    const host = a.slice(0, a.length - want.length);
    assert.ok(host.length >= 1, `${what}: the host called A's realloc`);
    for (const r of host) assert.equal(r.align, 1, `${what}: host lowering uses align 1`);
    assert.equal(host.at(-1).nsize, utf8Len(s), `${what}: host lowering ends at the utf8 length`);
  }
});

test('transcoding chain: realloc calls of the hop A -> B (utf8 -> utf16) follow the spec', async () => {
  const e = await transcodeChain();
  for (const [what, s] of Object.entries(STRINGS)) {
    e.run(s);
    const b = shape(rows(e.logB()));
    const want = spec.utf8ToUtf16(utf8Len(s), s.length);
    assert.deepEqual(b.slice(0, want.length), want, what);
    e.logA();
    e.logC();
  }
});

test('transcoding shortcut A -> C: utf8 -> latin1+utf16 and back, values and what C got', async () => {
  const e = await transcodeChain();
  for (const [what, s] of Object.entries(STRINGS)) {
    assert.equal(e.runDirect(s), `${s}ü🍰`, what);
    assert.equal(e.statsC()[0] >>> 0, isLatin1(s) ? s.length : (UTF16_TAG | s.length) >>> 0, what);
    assert.equal(e.statsB()[1], 0, `${what}: B was not involved`);
    e.logA();
    e.logC();
  }
});

test('transcoding shortcut C -> A result, tagged utf16 -> utf8: realloc calls follow the spec', async () => {
  const e = await transcodeChain();
  for (const [what, s] of Object.entries(STRINGS).filter(([, s]) => !isLatin1(s))) {
    e.runDirect(s);
    const want = spec.utf16ToUtf8(`${s}ü`);
    assert.deepEqual(tailShape(rows(e.logA()), want.length), want, what);
    e.logC();
  }
});

test('transcoding shortcut C -> A result, latin1 -> utf8: realloc calls follow the spec', async () => {
  const e = await transcodeChain();
  for (const [what, s] of Object.entries(STRINGS).filter(([, s]) => isLatin1(s))) {
    e.runDirect(s);
    const want = spec.latin1ToUtf8(`${s}ü`);
    assert.deepEqual(tailShape(rows(e.logA()), want.length), want, what);
    e.logC();
  }
});

test('transcoding shortcut A -> C argument (utf8 -> latin1+utf16): realloc calls follow the spec', async () => {
  const e = await transcodeChain();
  for (const [what, s] of Object.entries(STRINGS)) {
    e.runDirect(s);
    assert.deepEqual(shape(rows(e.logC())), spec.utf8ToLatin1OrUtf16(s), what);
    e.logA();
  }
});

// latin1+utf16 on both sides (fixtures/compose/latin1-pair.wat): string k as stored in
// P's memory, what Q must get (tagged length, deflated to latin1 when it fits) and
// whether the source is tagged utf16.
const PAIR = [
  { s: 'AB', tagged: true, q: 2, bytes: [0x41, 0x42] },
  { s: 'ÿé', tagged: true, q: 2, bytes: [0xff, 0xe9] },
  { s: 'a☃', tagged: true, q: (UTF16_TAG | 2) >>> 0, bytes: [0x61, 0, 0x03, 0x26] },
  { s: 'héllo', tagged: false, q: 5, bytes: [0x68, 0xe9, 0x6c, 0x6c, 0x6f] },
  { s: '', tagged: false, q: 0, bytes: [] },
];

test('latin1+utf16 -> latin1+utf16: tagged utf16 that fits latin1 arrives deflated, values round-trip', async () => {
  const e = await load('latin1-pair');
  PAIR.forEach(({ s, q, bytes }, k) => {
    assert.equal(e.run(k) >>> 0, q, `${JSON.stringify(s)}: P got back`);
    assert.equal(e.seenQ() >>> 0, q, `${JSON.stringify(s)}: Q got`);
    assert.deepEqual([...e.result()], bytes, `${JSON.stringify(s)}: bytes`);
  });
});

test('latin1+utf16 -> latin1+utf16, latin1 source: realloc calls follow the spec (store_string_copy, align 2)', async () => {
  const e = await load('latin1-pair');
  PAIR.forEach(({ s, tagged, q }, k) => {
    e.run(k);
    const logQ = shape(rows(e.logQ())),
      logP = shape(rows(e.logP()));
    if (!tagged) assert.deepEqual(logQ, [['new', 0, 2, s.length]], `${JSON.stringify(s)}: argument into Q`);
    // Q's result has the representation Q got: latin1 whenever it was deflated.
    if (!(q & UTF16_TAG)) assert.deepEqual(logP, [['new', 0, 2, s.length]], `${JSON.stringify(s)}: result into P`);
  });
});

test('latin1+utf16 -> latin1+utf16, tagged utf16 source: realloc calls follow the spec (store_probably_utf16_to_latin1_or_utf16)', async () => {
  const e = await load('latin1-pair');
  PAIR.forEach(({ s, tagged, q }, k) => {
    e.run(k);
    const logQ = shape(rows(e.logQ())),
      logP = shape(rows(e.logP()));
    const probably = (n, wide) => [['new', 0, 2, 2 * n], ...(wide ? [] : [[0, 2 * n, 1, n]])];
    if (tagged) assert.deepEqual(logQ, probably(s.length, !!(q & UTF16_TAG)), `${JSON.stringify(s)}: argument into Q`);
    if (q & UTF16_TAG) assert.deepEqual(logP, probably(s.length, true), `${JSON.stringify(s)}: result into P`);
  });
});

test('invalid strings between components trap when lifted, whatever the encodings', async () => {
  const ok = await load('invalid-strings');
  assert.deepEqual([ok.ok8(), ok.ok16()], [2, 2], 'valid strings arrive');
  // utf8 -> utf8 and utf16 -> utf16 could be byte copies, but the spec decodes (and traps).
  for (const f of ['bad8', 'bad16', 'cut8', 'lone16', 'loneL1', 'lone8']) {
    const e = await load('invalid-strings');
    assert.throws(() => e[f](), isTrap(), f);
    assert.throws(() => e.ok8(), isTrap(POISONED), `${f}: poisoned`);
  }
});

// Every pair of encodings, both directions (fixtures/compose/encodings.wat): caller X
// holds string k in its own representation, callee Y gets it and echoes it back. The
// realloc calls are the spec's (definitions.py's store_* functions as `spec.store`
// models them; wasmtime 51 makes the same calls, except that it passes alignment 2, not
// the spec's 1, to store_probably_utf16_to_latin1_or_utf16's shrinking realloc).
const ENC_NAMES = ['utf8', 'utf16', 'latin1'];
/** How caller `x` holds string k: utf8, utf16, latin1 or tagged (utf16 in latin1+utf16). */
const heldAs = (x, s, k) => (x !== 'latin1' ? x : isLatin1(s) && k !== 8 ? 'latin1' : 'tagged');
/** The representation a string stored into encoding `y` gets (latin1+utf16 deflates when it fits). */
const storedAs = (y, s) => (y !== 'latin1' ? y : isLatin1(s) ? 'latin1' : 'tagged');
/** The bytes and tagged length of `s` held as `repr`. */
function held(repr, s) {
  if (repr === 'utf8') return { bytes: [...Buffer.from(s)], len: utf8Len(s) };
  if (repr === 'latin1') return { bytes: [...s].map((c) => c.codePointAt(0)), len: s.length };
  const len = repr === 'tagged' ? (UTF16_TAG | s.length) >>> 0 : s.length;
  return { bytes: [...Buffer.from(s, 'utf16le')], len };
}
/** The rows of several stores in one log, each one's `from` offset by the rows before it. */
function concatRows(parts) {
  const out = [];
  for (const p of parts)
    out.push(...p.map(([from, ...r]) => [typeof from === 'number' ? from + out.length : from, ...r]));
  return out;
}

test('every pair of string encodings, both directions: values, representations and the spec realloc calls', async () => {
  const { STRINGS: S, WAT } = await import('../../fixtures/compose/gen-encodings.mjs');
  const fixture = readFileSync(join(root, 'fixtures/compose/encodings.wat'), 'utf8');
  assert.equal(fixture, WAT, 'encodings.wat is what gen-encodings.mjs writes');
  const e = await load('encodings');
  const cap = (n) => n[0].toUpperCase() + n.slice(1);
  for (const x of ENC_NAMES) {
    const X = cap(x);
    for (const [ci, y] of ENC_NAMES.entries()) {
      const Y = cap(y);
      for (const [k, s] of S.entries()) {
        const what = `${x} -> ${y} -> ${x}, ${JSON.stringify(s)}`;
        const src = heldAs(x, s, k),
          there = storedAs(y, s),
          back = storedAs(x, s);
        assert.equal(e[`run${X}`](ci, k) >>> 0, held(back, s).len, `${what}: tagged length`);
        assert.equal(e[`last${X}`](), s, what);
        assert.deepEqual([...e[`bytes${X}`]()], held(back, s).bytes, `${what}: bytes`);
        assert.deepEqual(shape(rows(e[`logCallee${Y}`]())), spec.store(src, s, y), `${what}: argument reallocs`);
        assert.deepEqual(shape(rows(e[`log${X}`]())), spec.store(there, s, x), `${what}: result reallocs`);
        // Nested: (k, [k, k+1, ""], some(k+2)) in a tuple, spilled to memory both ways.
        const [s1, s2] = [S[(k + 1) % S.length], S[(k + 2) % S.length]];
        e[`nested${X}`](ci, k);
        assert.deepEqual(e[`lastNested${X}`](), [s, [s, s1, ''], s2], `${what}: nested`);
        const nested = (to, reprOf) =>
          concatRows([
            spec.store(reprOf(s, k), s, to),
            [['new', 0, 4, 24]],
            ...[s, s1, ''].map((t, i) => spec.store(reprOf(t, [k, (k + 1) % S.length, 0][i]), t, to)),
            spec.store(reprOf(s2, (k + 2) % S.length), s2, to),
          ]);
        assert.deepEqual(
          shape(rows(e[`logCallee${Y}`]())),
          nested(y, (t, j) => heldAs(x, t, j)),
          `${what}: nested argument reallocs`,
        );
        assert.deepEqual(
          shape(rows(e[`log${X}`]())),
          nested(x, (t) => storedAs(y, t)),
          `${what}: nested result reallocs`,
        );
      }
    }
  }
});

test('every pair of string encodings: over-long, misaligned and out-of-bounds strings trap when lifted', async () => {
  const TAG = UTF16_TAG;
  // [ptr, tagged length, the string or null for a trap]; "hello" is at 256 in every
  // caller's one-page memory.
  const CASES = {
    Utf8: [
      [256, 1, 'h'],
      [65536, 0, ''],
      [256, 2 ** 28, null],
      [65535, 2, null],
    ],
    Utf16: [
      [256, 1, 'h'],
      [257, 1, null],
      [256, 2 ** 27, null],
      [65534, 2, null],
    ],
    Latin1: [
      [256, 1, 'h'],
      [256, (TAG | 1) >>> 0, '\u6568'], // "he" (latin1 bytes) read as one utf16 unit
      [257, 1, null],
      [257, (TAG | 1) >>> 0, null],
      [256, 2 ** 28, null],
      [256, (TAG | (2 ** 27)) >>> 0, null],
      [65535, 2, null],
      [65534, (TAG | 2) >>> 0, null],
    ],
  };
  for (const [X, cases] of Object.entries(CASES)) {
    for (const [ci, Y] of ENC_NAMES.entries()) {
      for (const [ptr, len, want] of cases) {
        const what = `${X} -> ${Y}: (${ptr}, ${len.toString(16)})`;
        const e = await load('encodings');
        if (want === null) {
          assert.throws(() => e[`raw${X}`](ci, ptr, len), isTrap(), what);
          assert.throws(() => e[`run${X}`](ci, 1), isTrap(POISONED), `${what}: poisoned`);
        } else {
          e[`raw${X}`](ci, ptr, len);
          assert.equal(e[`last${X}`](), want, what);
        }
      }
    }
  }
});

test('minimal repro: utf8 -> utf16 argument "é" reallocs [4, 2] in the callee', async () => {
  const e = await load('repro-utf8-to-utf16');
  e.run();
  assert.deepEqual([...e.log()], [4, 2]);
});

// ---------------------------------------------------------------------------------------
// Resources across three components.

const hi = (x) => x >>> 16,
  lo = (x) => x & 0xffff;

test("resources: owns moved B -> C land in C's table; dropping in C runs A's destructor", async () => {
  const e = await load('resources-3');
  // B's make gets handle 1 in B's table; the move frees it there and C gets slot 1, 2, ...
  assert.deepEqual(
    [e.passOwn(11), e.passOwn(22), e.passOwn(33)].map((x) => [hi(x), lo(x)]),
    [
      [1, 1],
      [1, 2],
      [1, 3],
    ],
  );
  assert.equal(e.aDrops(), 0, 'moving a handle drops nothing');
  // C calls A.get through a borrow of each kept handle.
  assert.deepEqual([e.cUse(1), e.cUse(2), e.cUse(3)], [11, 22, 33]);
  e.cDiscard(2);
  assert.equal(e.aDrops(), 1, "C dropping its own runs A's destructor");
  assert.equal(e.aDropsum(), 22, 'for the right rep');
  // C's free slot 2 is reused by the next move.
  assert.equal(lo(e.passOwn(44)), 2);
  assert.deepEqual([e.cUse(1), e.cUse(2), e.cUse(3)], [11, 44, 33]);
  e.cDiscard(1);
  e.cDiscard(2);
  e.cDiscard(3);
  assert.deepEqual([e.aDrops(), e.aDropsum()], [4, 11 + 22 + 33 + 44]);
});

test('resources: borrows lent B -> C; C calls A through the borrow; the lender keeps its handle', async () => {
  const e = await load('resources-3');
  assert.equal(lo(e.passOwn(1)), 1); // C slot 1 occupied
  // C's borrow handle is a fresh index in C's table (2); A.get saw the value; B then
  // checked its own handle still works and dropped it (A's destructor ran).
  const r = e.passBorrow(77);
  assert.deepEqual([hi(r), lo(r)], [2, 77]);
  assert.deepEqual([e.aDrops(), e.aDropsum()], [1, 77]);
  // C dropped its borrow handle before returning, so slot 2 is free for the next move.
  assert.equal(lo(e.passOwn(2)), 2);
  // Borrows in a loop don't grow anything: always the same C index.
  for (let i = 0; i < 1000; i++) assert.equal(e.passBorrow(i), (3 << 16) | i);
  assert.equal(e.aDrops(), 1001);
});

test('resources: B holds a handle while others move; an own handed back C -> B gets a B index', async () => {
  const e = await load('resources-3');
  assert.equal(e.hold(5), 1, "B's held handle is 1");
  assert.deepEqual([hi(e.passOwn(6)), lo(e.passOwn(7))], [2, 2], "B's next handles are 2");
  assert.equal(e.heldGet(), 5);
  // C gives slot 1 (value 6) back to B: it lands at B's free index 2; B reads it and drops it.
  const r = e.reclaim(1);
  assert.deepEqual([hi(r), lo(r)], [2, 6]);
  assert.deepEqual([e.aDrops(), e.aDropsum()], [1, 6]);
  assert.equal(e.cUse(2), 7, "C's other handle is untouched");
  e.heldDrop();
  assert.deepEqual([e.aDrops(), e.aDropsum()], [2, 11]);
});

test("resources: an own moved from C into A (the implementer) lands in A's table; A's drop runs the destructor", async () => {
  const e = await load('resources-3');
  e.passOwn(5);
  e.passOwn(6);
  // A's table is empty (make's handles moved out), so the own arrives as A's handle 1.
  assert.deepEqual([hi(e.cGiveToA(2)), lo(e.cGiveToA(1))], [1, 5]);
  assert.deepEqual([e.aDrops(), e.aDropsum()], [2, 11]);
  assert.equal(lo(e.passOwn(7)), 1, "C's slots are free again");
});

test('resources: C passing a borrow it received on to A as an own traps', async () => {
  const e = await load('resources-3');
  assert.throws(() => e.lendAsOwn(1), isTrap());
  assert.throws(() => e.aDrops(), isTrap(POISONED));
});

test('resources: using a handle after moving it to C traps', async () => {
  const e = await load('resources-3');
  assert.throws(() => e.useAfterTransfer(1), isTrap());
  assert.throws(() => e.aDrops(), isTrap(POISONED), 'the instance is poisoned');
});

test('resources: moving an own while it is lent (borrow + own of one handle in one call) traps', async () => {
  const e = await load('resources-3');
  assert.throws(() => e.lendAndTake(1), isTrap());
  assert.throws(() => e.aDrops(), isTrap(POISONED));
});

test('resources: C returning without dropping a borrow it received traps', async () => {
  const e = await load('resources-3');
  assert.throws(() => e.leakBorrow(1), isTrap());
  assert.throws(() => e.aDrops(), isTrap(POISONED));
});

test('resources: C using or dropping a slot it already dropped traps', async () => {
  for (const f of [(e) => e.cUse(1), (e) => e.cDiscard(1)]) {
    const e = await load('resources-3');
    e.passOwn(1);
    e.cDiscard(1);
    assert.equal(e.aDrops(), 1);
    assert.throws(() => f(e), isTrap());
    assert.throws(() => e.aDrops(), isTrap(POISONED));
  }
  const e = await load('resources-3');
  assert.throws(() => e.cUse(9), isTrap(), 'a slot that never existed');
});

test('resources: B dropping its held handle twice traps', async () => {
  const e = await load('resources-3');
  e.hold(1);
  e.heldDrop();
  assert.throws(() => e.heldDrop(), isTrap());
});

// ---------------------------------------------------------------------------------------
// Handles nested in tuples, options and lists (fixtures/compose/handles-nested.wat). The
// expected values are what wasmtime (the PyPI `wasmtime` package's component API) gives
// for the same calls; its trap reasons are quoted beside ours.

const nested = () => load('handles-nested', { cb() {} });

test('nested handles: owns in a tuple, option and list move B -> C in order; the spilled params too', async () => {
  const e = await nested();
  assert.equal(e.passNested(10), 4);
  assert.deepEqual([...e.cLog()], [1, 2, 3, 4], 'C got (own 1, some(own 2), [own 3, own 4])');
  assert.deepEqual(
    [1, 2, 3, 4].map((s) => e.cUse(s)),
    [10, 11, 12, 13],
    'the reps moved with them',
  );
  assert.equal(e.aDrops(), 0, 'moving drops nothing');
  assert.equal(e.passNone(7), 1);
  assert.deepEqual([...e.cLog()], [5]);
  assert.equal(e.wide(9), 1, '17 flat values: the params go through memory');
  assert.deepEqual([...e.cLog()], [6]);
  assert.deepEqual([e.cUse(5), e.cUse(6)], [7, 9]);
});

test("nested handles: borrows in a tuple, list and option become C's borrow handles; the lends end with the call", async () => {
  const e = await nested();
  e.passNested(10);
  e.passNone(7);
  e.wide(9);
  e.cLog();
  // C's slots 1..6 are owned handles: the five borrows get 7..11, all made before C runs.
  assert.equal(e.borrowNested(1), 1 + 11 + 101 + 1 + 11);
  assert.deepEqual([...e.cLog()], [7, 8, 9, 10, 11]);
  // B dropped h1..h3 after the call (each borrowed twice or more): lends ended, destructors ran.
  assert.deepEqual([e.aDrops(), e.aDropsum()], [3, 113]);
  assert.equal(e.borrowNone(5), 5);
  assert.deepEqual([...e.cLog()], [11], "C's dropped borrow handles free their slots (LIFO)");
  assert.deepEqual([e.aDrops(), e.aDropsum()], [4, 118]);
});

test('nested handles: owns come back C -> B in a spilled tuple result, option and list', async () => {
  const e = await nested();
  e.passNested(10);
  e.passNone(7);
  e.wide(9);
  e.borrowNested(1);
  e.borrowNone(5);
  e.cLog();
  // C's slots 2, 3, [4, 1] come back to B's free indices (LIFO): 2, 3, [4, 1].
  assert.equal(e.takeBack(2, 3, 4, 1), 0x01040302);
  assert.deepEqual(
    [1, 2, 3, 4].map((h) => e.bGet(h)),
    [10, 11, 12, 13],
  );
  e.cDiscard(5);
  assert.equal(e.passNested(20), 4);
  assert.deepEqual([...e.cLog()], [5, 1, 4, 3], "C's freed slots are reused");
  // none for the option: B's indices 8, 7, 6 (its free list), b = 0.
  assert.equal(e.takeBack(6, 0, 1, 4), 0x06070008);
  assert.deepEqual([e.bGet(8), e.bGet(7), e.bGet(6)], [9, 21, 22]);
  assert.deepEqual([e.aDrops(), e.aDropsum()], [5, 125]);
  assert.equal(e.borrowNested(1000), 5120);
  assert.deepEqual([...e.cLog()], [4, 1, 6, 2, 11]);
});

// Each trap on a fresh instance, poisoning it; wasmtime's reason in the comment.
const NESTED_TRAPS = [
  ['dangling', [5], /invalid handle index 5/], // unknown handle index 5
  ['dangling', [0], /invalid handle index 0/], // unknown handle index 0
  ['danglingInList', [1, 9], /invalid handle index 9/], // unknown handle index 9
  ['wrongType', [1], /handle 1 is of resource type y, expected x/], // used with the wrong type
  ['wrongTypeBorrow', [1], /handle 1 is of resource type y, expected x/], // used with the wrong type
  ['lentOwn', [1], /cannot transfer a handle that is lent out/], // cannot remove owned resource while borrowed
  ['leak', [1], /borrowed handles are still live/], // borrow handles still remain at the end of the call
];

test('nested handles: dangling, wrong-type, lent and leaked handles trap and poison the instance', async () => {
  for (const [f, args, re] of NESTED_TRAPS) {
    const e = await nested();
    assert.throws(() => e[f](...args), isTrap(re), f);
    assert.throws(() => e.aDrops(), isTrap(POISONED), `${f} poisons`);
  }
});

test('nested handles: a host import throwing while C holds borrows ends the lends; later calls count afresh', async () => {
  let fail = true;
  const boom = new Error('boom');
  const e = await load('handles-nested', {
    cb() {
      if (fail) throw boom;
    },
  });
  assert.throws(
    () => e.throw(3),
    (err) => err === boom,
  );
  assert.deepEqual([...e.cLog()], [1, 2], 'C got two borrow handles of the held one');
  // Lent twice to the failed call, the held handle can be dropped now.
  e.heldDrop();
  assert.deepEqual([e.aDrops(), e.aDropsum()], [1, 3]);
  // C's two leftover borrow handles belong to the failed call: a new call's scope starts at zero.
  assert.equal(e.borrowNone(5), 5);
  assert.deepEqual([...e.cLog()], [3]);
  fail = false;
  e.throw(4);
  assert.deepEqual([...e.cLog()], [3, 4]);
  e.heldDrop();
  assert.deepEqual([e.aDrops(), e.aDropsum()], [3, 12]);
});

// ---------------------------------------------------------------------------------------
// A chain of 10 components.

const CHAIN = 55; // 1 + 2 + ... + 10

test('chain of 10: u32, string and list<u32> go through every component and back', async () => {
  const e = await load('chain10', { back: (n) => n });
  let depth = 0;
  const cases = [
    [0, '', []],
    [1, 'héllo 🎉', [1, 2, 3]],
    [2 ** 32 - 56, '日本語', [2 ** 32 - 56]],
    [7, 'x'.repeat(100_000), Array.from({ length: 100_000 }, (_, i) => i)],
    [8, '🍰'.repeat(50_000), new Uint32Array(3).fill(9)],
  ];
  for (const [x, s, l] of cases) {
    const [x2, s2, l2] = e.step(x, s, l);
    assert.equal(x2, x + CHAIN);
    assert.equal(s2, s);
    assert.ok(l2 instanceof Uint32Array);
    assert.deepEqual(
      [...l2],
      [...l].map((v) => v + CHAIN),
    );
    assert.equal(e.depth(), ++depth, 'the call reached C10');
  }
  // The u32 wraps in the core code (i32.add); the lifted result is still a u32.
  assert.equal(e.step(2 ** 32 - 1, 'w', [])[0], CHAIN - 1);
  assert.throws(() => e.step(-1, '', []), RangeError);
});

test('chain of 10: --instantiation sync gives the same results', async () => {
  const e = await loadSync('chain10', { back: (n) => n + 1000 });
  const [x, s, l] = e.step(1, 'sync ✓', [0, 1]);
  assert.deepEqual([x, s, [...l]], [1 + CHAIN, 'sync ✓', [CHAIN, 1 + CHAIN]]);
  assert.equal(e.ping(0), 1009);
});

test('chain of 10 and three-component resources through --minify glue', async () => {
  const e = await load('chain10', { back: (n) => -n >>> 0 }, ['--minify']);
  const [x, s, l] = e.step(1, 'mini 🎉', [5]);
  assert.deepEqual([x, s, [...l]], [1 + CHAIN, 'mini 🎉', [5 + CHAIN]]);
  assert.equal(e.ping(1), 2 ** 32 - 10);
  const r = await load('resources-3', {}, ['--minify']);
  assert.equal(r.passOwn(3), 0x10001);
  assert.equal(r.passBorrow(4), (2 << 16) | 4);
  r.cDiscard(1);
  assert.deepEqual([r.aDrops(), r.aDropsum()], [2, 7]);
  const t = await load('resources-3', {}, ['--minify']);
  assert.throws(() => t.leakBorrow(1), isTrap());
});

test('chain of 10: C10 calls the host, which answers', async () => {
  const seen = [];
  const e = await load('chain10', {
    back: (n) => {
      seen.push(n);
      return n * 2;
    },
  });
  assert.equal(e.ping(5), 28, 'C1..C9 each add 1, the host doubles');
  assert.deepEqual(seen, [14]);
});

test("chain of 10: the host re-entering C1 from C10's import traps (cannot enter component instance)", async () => {
  let e,
    inner,
    calls = 0;
  e = await load('chain10', {
    back: (n) => {
      calls++;
      try {
        return e.ping(n);
      } catch (err) {
        inner = err;
        throw err;
      }
    },
  });
  assert.throws(
    () => e.ping(0),
    (err) => err === inner,
  );
  assert.equal(calls, 1, 'the re-entrant call never got to C10');
  assert.ok(inner instanceof WebAssembly.RuntimeError);
  assert.match(inner.message, /cannot enter component instance/);
});

test('chain of 10: the host calling any export of the instance from inside the chain traps', async () => {
  for (const reenter of [(e) => e.depth(), (e) => e.step(0, '', [])]) {
    let e, inner;
    e = await load('chain10', {
      back: () => {
        try {
          return reenter(e);
        } catch (err) {
          inner = err;
          throw err;
        }
      },
    });
    assert.throws(() => e.ping(0), isTrap(/cannot enter component instance/));
    assert.ok(inner instanceof WebAssembly.RuntimeError);
  }
});

// ---------------------------------------------------------------------------------------
// Host errors.

test('host errors: a throwing import reaches the JS caller as the same object; the instance stays usable', async () => {
  let behave = (x) => x * 10;
  const e = await load('host-errors', { cb: (x) => behave(x) });
  const { api } = e;
  const c = new api.Counter(5);
  assert.equal(api.bump(c, 2), 26, '5 + 1 + 20');
  for (const thrown of [new Error('boom'), new TypeError('typed'), 'a string', { custom: 1 }, undefined]) {
    behave = () => {
      throw thrown;
    };
    assert.throws(
      () => api.bump(c, 1),
      (err) => err === thrown,
    );
    behave = (x) => x;
    const before = c.get();
    assert.equal(api.bump(c, 3), before + 4, 'a later call works');
  }
  assert.equal(api.calls(), 6, 'only the completed calls counted');
});

test('host errors: resource and handle state are intact after the throw', async () => {
  let behave = (x) => x;
  const e = await load('host-errors', { cb: (x) => behave(x) });
  const { api } = e;
  const c = new api.Counter(10),
    other = new api.Counter(100);
  const boom = new Error('boom');
  behave = () => {
    throw boom;
  };
  assert.throws(
    () => api.bump(c, 1),
    (err) => err === boom,
  );
  assert.equal(c.get(), 11, 'the add before the throw stuck');
  assert.equal(other.get(), 100);
  // The borrow of `c` lent to the failed call is over: it can be lent, used and dropped.
  behave = (x) => x;
  assert.equal(api.bump(c, 2), 14);
  c.add(1);
  assert.equal(c.get(), 15);
  assert.equal(api.drops(), 0);
  c[Symbol.dispose]();
  assert.equal(api.drops(), 1, 'dropping it runs the destructor (it was not left lent)');
  // Many failing calls leak nothing that breaks later calls.
  behave = () => {
    throw boom;
  };
  for (let i = 0; i < 1000; i++)
    assert.throws(
      () => api.bump(other, 0),
      (err) => err === boom,
    );
  assert.equal(other.get(), 1100);
  behave = (x) => x;
  assert.equal(api.bump(other, 0), 1101);
  const fresh = new api.Counter(1);
  assert.equal(api.bumpOwn(fresh, 1), 3);
  assert.equal(api.drops(), 2, 'an own passed in is dropped by the callee');
});

test('host errors: the host calling a sub-component that is not on the stack, from inside an import, traps', async () => {
  // $Res is not on the call stack during cb (only $Mid is), but the enclosing component
  // is, and entering $Res enters it too (the spec's ancestor rule).
  for (const reenter of [(api) => api.drops(), (api) => new api.Counter(1), (api) => api.calls()]) {
    let api, inner;
    const e = await load('host-errors', {
      cb: () => {
        try {
          return reenter(api);
        } catch (err) {
          inner = err;
          throw err;
        }
      },
    });
    api = e.api;
    const c = new api.Counter(1);
    assert.throws(() => api.bump(c, 1), isTrap(/cannot enter component instance/));
    assert.ok(inner instanceof WebAssembly.RuntimeError);
  }
});

test('lent resources: a token lent to an ongoing call works, and is usable and disposable afterwards', async () => {
  const e = await load('lent-drop', { cb() {} });
  const { Token, peek } = e.lent;
  const t = new Token(7);
  assert.equal(peek(t), 7);
  assert.equal(t.value(), 7);
  t[Symbol.dispose]();
  assert.throws(() => t.value(), /dropped or moved/);
});

// The spec has no host-side handle table (a host is trusted with reps), but weft's JS
// objects own their handles ("already dropped or moved"), so by analogy with
// resource.drop of a lent handle ("cannot remove owned resource while borrowed") the
// dispose should fail rather than leave the callee using a dropped resource.
test('lent resources: the host disposing the owner while it is lent (from inside an import) fails', async () => {
  let t, inner;
  let act = () => t[Symbol.dispose]();
  const e = await load('lent-drop', {
    cb() {
      try {
        act();
      } catch (err) {
        inner = err;
        throw err;
      }
    },
  });
  t = new e.lent.Token(7);
  assert.throws(
    () => e.lent.peek(t),
    (err) => err === inner,
  );
  assert.ok(inner instanceof Error, 'the dispose threw');
  if (IMPL === 'weft') assert.match(inner.message, /token resource is lent to an ongoing call/);
  // The failed call ended its lend: the token is usable, then disposable.
  act = () => {};
  assert.equal(t.value(), 7);
  assert.equal(e.lent.peek(t), 7, 'a lend that ends normally');
  t[Symbol.dispose]();
  assert.throws(() => t.value(), /dropped or moved/);
});

test('host errors: an own handle moved into the failing call stays moved', async () => {
  let behave = () => {
    throw new Error('boom');
  };
  const e = await load('host-errors', { cb: (x) => behave(x) });
  const { api } = e;
  const d = new api.Counter(1);
  assert.throws(() => api.bumpOwn(d, 1), /boom/);
  assert.throws(() => d.get(), /dropped or moved/);
  behave = (x) => x;
  assert.equal(api.bumpOwn(new api.Counter(7), 0), 8);
});

test('host errors: thrown from the end of a 10-component chain, same object, not poisoned', async () => {
  const boom = new Error('deep');
  let fail = true;
  const e = await load('chain10', {
    back: (n) => {
      if (fail) throw boom;
      return n;
    },
  });
  assert.throws(
    () => e.ping(0),
    (err) => err === boom,
  );
  assert.throws(
    () => e.ping(0),
    (err) => err === boom,
    'the same path again',
  );
  fail = false;
  assert.equal(e.ping(0), 9);
  const [x, s, l] = e.step(1, 'ok', [1]);
  assert.deepEqual([x, s, [...l]], [1 + CHAIN, 'ok', [1 + CHAIN]]);
});
