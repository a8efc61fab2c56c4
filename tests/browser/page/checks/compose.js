// In-page ports of a focused part of tests/node/compose.test.js: composed
// components (fixtures/compose/*.wat, in /out/compose-<name>/) whose
// sub-components call each other through weft's glue: strings transcoded
// across encodings, resources moved and lent between three components, a
// chain of 10, traps as WebAssembly.RuntimeError that poison the instance.
import assert from '../assert.js';
import { isTrap, load, loadSync } from '../load.js';

const compose = (name, imports) => load(`compose-${name}`, name, imports);
const POISONED = /cannot enter component instance/;
const hi = (x) => x >>> 16;
const lo = (x) => x & 0xffff;

const SUFFIX = 'ü☃🍰'; // appended on the way back by C, B and A
const STRINGS = {
  ascii: 'hello, world',
  latin1: 'ÿ grüße, Ærø ¿¡',
  bmp: '日本語のテキスト, 中文',
  astral: '🎉 emoji 🍰🚀 𝄞',
  empty: '',
  'C1 controls (latin1, not windows-1252)': '\x80\x85\x9f\xa0',
  'leading BOM': '\uFEFFbom',
  'long latin1 (100k)': 'é'.repeat(100_000),
  'long astral (100k code units)': '🎉'.repeat(50_000),
  'long mixed, wide char last': `${'a'.repeat(99_999)}☃`,
};
const UTF16_TAG = 0x8000_0000;
const utf8Len = (s) => new TextEncoder().encode(s).length;
const isLatin1 = (s) => [...s].every((c) => c.codePointAt(0) < 256);

export async function transcodeChain() {
  const e = await compose('transcode-chain');
  for (const k of ['logA', 'logB', 'logC']) assert.deepEqual([...e[k]()], [], k);
  for (const [what, s] of Object.entries(STRINGS)) {
    assert.equal(e.run(s), s + SUFFIX, what);
    const [seenA] = e.statsA();
    const [seenB] = e.statsB();
    const [seenC] = e.statsC();
    assert.equal(seenA, utf8Len(s), `${what}: A got utf8 bytes`);
    assert.equal(seenB, s.length, `${what}: B got utf16 code units`);
    assert.equal(seenC >>> 0, isLatin1(s) ? s.length : (UTF16_TAG | s.length) >>> 0, `${what}: C's encoding`);
    for (const k of ['logA', 'logB', 'logC']) e[k]();
  }
  assert.equal(e.run('a\uD800b'), `a\uFFFDb${SUFFIX}`, 'lone surrogates arrive as U+FFFD');
}

// fixtures/compose/encodings.wat: caller X holds string k (gen-encodings.mjs' STRINGS,
// repeated here) in its own encoding and echoes it through callee Y, flat and nested;
// what comes back has X's representation (latin1+utf16: latin1 where it fits).
const ENCODING_STRINGS = ['', 'hello', 'héllo wörld ÿ', 'grüße ☃ 語', 'a🎉b𝄞', 'ÿ', `${'x'.repeat(40)}é`, '€', 'AB'];
export async function everyEncodingPair() {
  const e = await compose('encodings');
  const n = ENCODING_STRINGS.length;
  for (const X of ['Utf8', 'Utf16', 'Latin1']) {
    for (const [ci, Y] of ['Utf8', 'Utf16', 'Latin1'].entries()) {
      for (const [k, s] of ENCODING_STRINGS.entries()) {
        const what = `${X} -> ${Y}: ${JSON.stringify(s)}`;
        const len = e[`run${X}`](ci, k) >>> 0;
        const want = {
          Utf8: utf8Len(s),
          Utf16: s.length,
          Latin1: isLatin1(s) ? s.length : (UTF16_TAG | s.length) >>> 0,
        }[X];
        assert.equal(len, want, `${what}: tagged length`);
        assert.equal(e[`last${X}`](), s, what);
        e[`nested${X}`](ci, k);
        const nested = [s, [s, ENCODING_STRINGS[(k + 1) % n], ''], ENCODING_STRINGS[(k + 2) % n]];
        assert.deepEqual(e[`lastNested${X}`](), nested, `${what}: nested`);
      }
    }
  }
}

export async function invalidStringsTrap() {
  const ok = await compose('invalid-strings');
  assert.deepEqual([ok.ok8(), ok.ok16()], [2, 2], 'valid strings arrive');
  for (const f of ['bad8', 'bad16', 'cut8', 'lone16', 'loneL1', 'lone8']) {
    const e = await compose('invalid-strings');
    assert.throws(() => e[f](), isTrap(), f);
    assert.throws(() => e.ok8(), isTrap(POISONED), `${f}: poisoned`);
  }
}

export async function resourcesAcrossComponents() {
  const e = await compose('resources-3');
  assert.deepEqual(
    [e.passOwn(11), e.passOwn(22), e.passOwn(33)].map((x) => [hi(x), lo(x)]),
    [
      [1, 1],
      [1, 2],
      [1, 3],
    ],
  );
  assert.equal(e.aDrops(), 0, 'moving a handle drops nothing');
  assert.deepEqual([e.cUse(1), e.cUse(2), e.cUse(3)], [11, 22, 33]);
  e.cDiscard(2);
  assert.deepEqual([e.aDrops(), e.aDropsum()], [1, 22], "C dropping its own runs A's destructor");
  assert.equal(lo(e.passOwn(44)), 2, "C's free slot is reused");
  const r = e.passBorrow(77);
  assert.deepEqual([hi(r), lo(r)], [4, 77], 'a borrow lent B -> C gets a fresh C index');
  assert.deepEqual([e.aDrops(), e.aDropsum()], [2, 99]);
}

export async function resourceTrapsPoison() {
  for (const f of ['lendAsOwn', 'useAfterTransfer', 'lendAndTake', 'leakBorrow']) {
    const e = await compose('resources-3');
    assert.throws(() => e[f](1), isTrap(), f);
    assert.throws(() => e.aDrops(), isTrap(POISONED), `${f}: the instance is poisoned`);
  }
  const fresh = await compose('resources-3');
  assert.equal(fresh.aDrops(), 0, 'other instances are not poisoned');
}

export async function chain10() {
  const CHAIN = 55;
  const seen = [];
  const e = await compose('chain10', {
    back: (n) => {
      seen.push(n);
      return n;
    },
  });
  for (const [x, s, l] of [
    [0, '', []],
    [1, 'héllo 🎉', [1, 2, 3]],
    [8, '🍰'.repeat(50_000), new Uint32Array(3).fill(9)],
  ]) {
    const [x2, s2, l2] = e.step(x, s, l);
    assert.equal(x2, x + CHAIN);
    assert.equal(s2, s);
    assert.ok(l2 instanceof Uint32Array, 'list<u32> comes back as a Uint32Array');
    assert.deepEqual(
      [...l2],
      [...l].map((v) => v + CHAIN),
    );
  }
  assert.throws(() => e.step(-1, '', []), RangeError);
  const s = await loadSync('compose-chain10-sync', 'chain10', await coreFiles('compose-chain10-sync'), {
    back: (n) => n,
  });
  assert.equal(s.step(1, 'ü', [])[0], 1 + CHAIN, '--instantiation sync works too');
}

/** The core module files of an output directory, from its manifest (build.mjs). */
async function coreFiles(key) {
  return (await fetch(`/out/${key}/files.json`)).json();
}
