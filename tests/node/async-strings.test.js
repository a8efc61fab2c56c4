// Async exports whose result is a stream or future of a type holding a string
// (fixtures/guests/async-strings, wit-bindgen 0.61.1): their lift names a memory
// (for the string parameter) while their `task.return` names none, which the
// task.return options check must accept (issue 10, item 1). Each call runs on a
// fresh instance as well as a second time on the same one (a trap would poison it).
//
//   WEFT_BIN=path     weft binary (default target/debug/weft)
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { instantiateGlue, prepareFixtures } from './support/async.js';

const { glue, skip } = await prepareFixtures('weft', ['async-strings']);
const opts = { skip: skip || false, timeout: 10_000 };
// A call that never settles must fail its test by timeout, not end the file.
const keepAlive = setInterval(() => {}, 1000);
after(() => clearInterval(keepAlive));

async function api() {
  return (await instantiateGlue(glue['async-strings'])).api;
}

async function collect(stream) {
  const got = [];
  for await (const x of stream) got.push(x);
  return got;
}

test('-> stream<string>: the words, twice on one instance', opts, async () => {
  const a = await api();
  assert.deepEqual(await collect(await a.words('the quick  brown fox')), ['the', 'quick', 'brown', 'fox']);
  assert.deepEqual(await collect(await a.words('héllo 中文 😀')), ['héllo', '中文', '😀']);
  assert.deepEqual(await collect(await a.words('   ')), []);
});

test('-> stream<record { index: u32, word: string }>', opts, async () => {
  const a = await api();
  assert.deepEqual(await collect(await a.entries('a bb ccc')), [
    { index: 0, word: 'a' },
    { index: 1, word: 'bb' },
    { index: 2, word: 'ccc' },
  ]);
  assert.deepEqual(await collect(await a.entries('x')), [{ index: 0, word: 'x' }]);
});

test('-> future<string>', opts, async () => {
  const a = await api();
  assert.equal(await await a.firstWord('  first second'), 'first');
  assert.equal(await await a.firstWord(''), '');
  // All three shapes on one instance, interleaved.
  const [w, e, f] = await Promise.all([a.words('p q'), a.entries('r'), a.firstWord('s t')]);
  assert.deepEqual(await collect(w), ['p', 'q']);
  assert.deepEqual(await collect(e), [{ index: 0, word: 'r' }]);
  assert.equal(await f, 's');
});
