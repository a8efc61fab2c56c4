// In-page ports of tests/node/memory64.test.js: a component whose core module
// has a 64-bit memory (memory64 + cm64: i64 pointers and lengths) in
// Chromium. /out/memory64/ (fixtures/components/memory64.wat),
// /out/memory64-async/ (fixtures/components/memory64-async.wat) and
// /out/memory64-pair/ (fixtures/compose/memory64-pair.wat), all
// `--instantiation async`. The `...Above4G` checks first call the fixtures'
// `high()`: the memory grows past 4 GiB and every address lies above 2^32.
import assert from '../assert.js';
import { isTrap, load } from '../load.js';

const host = { host: { shout: (s) => `${s.toUpperCase()}!` } };
const G4 = 2 ** 32;

async function loadSync(high) {
  const e = await load('memory64', 'memory64', host);
  if (high) assert.ok(e.high() > BigInt(G4));
  return e;
}

export const syncValues = () => syncValuesAt(false);
export const syncValuesAbove4G = () => syncValuesAt(true);

async function syncValuesAt(high) {
  const e = await loadSync(high);
  for (const s of ['', 'héllo', '中文 😀', 'é'.repeat(40_000)]) {
    assert.equal(e.echo(s), s);
    assert.equal(e.echo16(s), s);
    assert.equal(e.echoLatin1(s), s);
  }
  assert.equal(e.posts(), 4);
  const [ptr, tagged] = e.rawLatin1('a中');
  assert.deepEqual(tagged, 2n | (1n << 63n));
  assert.equal(ptr >= BigInt(G4), high, `the string arrived at ${ptr}`);
  assert.equal(e.sum([1, 2, 4_000_000_000]), 4_000_000_003n);
  assert.deepEqual(e.reverse(new Uint16Array([1, 2, 3])), new Uint16Array([3, 2, 1]));
  const tags = ['a', 'ççç', ''];
  assert.deepEqual(e.entry({ name: 'rec', tags, n: 5 }), { name: 'rec', tags, n: 8 });
  const entries = [
    { name: 'a', tags, n: 1 },
    { name: '', tags: [], n: 2 },
  ];
  assert.deepEqual(e.entries(entries), entries);
  assert.equal(e.maybe('x'), 'x');
  const ss = Array.from({ length: 9 }, (_, i) => `s${i}`);
  assert.equal(e.pick(7, ...ss), 's7');
  assert.equal(e.viaHost('héllo'), 'HÉLLO!');
  assert.equal(new e.Thing(1).label('pre'), 'pre');
}

export async function pointerTraps() {
  const e = await load('memory64', 'memory64', host);
  assert.throws(() => e.bad(1n << 40n), isTrap(/out of bounds of memory/));
  const f = await load('memory64', 'memory64', host);
  assert.throws(() => f.bad(1n << 31n), isTrap(/out of bounds/));
}

// Alignment and bounds traps at the end of a memory past 4 GiB (each on a
// fresh instance: a trap poisons it).
export async function boundsAbove4G() {
  const e = await loadSync(true);
  const size = e.high();
  assert.equal(e.bad(size - 1n), '\0');
  assert.deepEqual(e.badList(size - 4n), new Uint32Array([0]));
  for (const [f, re] of [
    [(x) => x.bad(size), /^string: range \d+\+1 is out of bounds of memory$/],
    [(x) => x.bad16(BigInt(G4 + 1)), /^string: pointer 4294967297 is not aligned to 2$/],
    [(x) => x.badList(BigInt(G4 + 2)), /^list: pointer 4294967298 is not aligned to 4$/],
    [(x) => x.badList(size), /^list: range \d+\+4 is out of bounds of memory$/],
  ]) {
    const x = await loadSync(true);
    assert.throws(() => f(x), isTrap(re));
  }
}

export const asyncStreams = () => asyncStreamsAt(false);
export const asyncStreamsAbove4G = () => asyncStreamsAt(true);

async function asyncStreamsAt(high) {
  const e = await load('memory64-async', 'memory64-async', { upper: (s) => s.toUpperCase() });
  if (high) e.high();
  assert.equal(await e.greet('héllo'), 'héllo');
  assert.equal(await e.shout('héllo', false), 'HÉLLO');
  assert.equal(await e.shout('héllo', true), 'HÉLLO');
  const bytes = new Uint8Array(5000).map((_, i) => i * 7);
  let expect = 0n;
  for (const b of bytes) expect += BigInt(b);
  const rs = new ReadableStream({
    start(c) {
      for (let i = 0; i < 5; i++) c.enqueue(bytes.slice(i * 1000, (i + 1) * 1000));
      c.close();
    },
  });
  assert.equal(await e.sum(rs), expect);
  assert.equal(await e.get(Promise.resolve(42)), 42);
  const out = await e.produce(3000);
  const got = [];
  for await (const chunk of out) got.push(...chunk);
  assert.equal(got.length, 3000);
  assert.ok(got.every((b, k) => b === (k & 255)));
}

export async function betweenComponents() {
  const e = await load('memory64-pair', 'pair');
  assert.equal(e.relay32('héllo 😀'), 'héllo 😀');
  assert.equal(e.relay64('wörld'), 'wörld');
  assert.equal(e.sum32([1, 2]), 3n);
  for (const str of ['héllo', '中文 😀']) {
    assert.equal(e.relayL1(str), str);
    assert.equal(e.relay64L1(str), str);
  }
}
