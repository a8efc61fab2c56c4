// In-page ports of tests/node/memory64.test.js: a component whose core module
// has a 64-bit memory (memory64 + cm64: i64 pointers and lengths) in
// Chromium. /out/memory64/ (fixtures/components/memory64.wat),
// /out/memory64-async/ (fixtures/components/memory64-async.wat) and
// /out/memory64-pair/ (fixtures/compose/memory64-pair.wat), all
// `--instantiation async`.
import assert from '../assert.js';
import { isTrap, load } from '../load.js';

const host = { host: { shout: (s) => `${s.toUpperCase()}!` } };

export async function syncValues() {
  const e = await load('memory64', 'memory64', host);
  for (const s of ['', 'héllo', '中文 😀', 'é'.repeat(40_000)]) {
    assert.equal(e.echo(s), s);
    assert.equal(e.echo16(s), s);
    assert.equal(e.echoLatin1(s), s);
  }
  assert.equal(e.posts(), 4);
  assert.deepEqual(e.rawLatin1('a中')[1], 2n | (1n << 63n));
  assert.equal(e.sum([1, 2, 4_000_000_000]), 4_000_000_003n);
  assert.deepEqual(e.reverse(new Uint16Array([1, 2, 3])), new Uint16Array([3, 2, 1]));
  const tags = ['a', 'ççç', ''];
  assert.deepEqual(e.entry({ name: 'rec', tags, n: 5 }), { name: 'rec', tags, n: 8 });
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

export async function asyncStreams() {
  const e = await load('memory64-async', 'memory64-async', { upper: (s) => s.toUpperCase() });
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
