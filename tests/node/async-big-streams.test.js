// Big streams (issue 10, item 4): 64 MiB of stream<u8> guest -> JS and guest -> guest
// (fixtures/guests/async-bench: `generate` of one instance read by JS, or by another
// instance's `consume`, the stream passing between them untouched), with memory
// bounded by the buffers the guests offer: the process's RSS may not keep growing
// from one 64 MiB transfer to the next. Throughput is bench/async.mjs's business; the
// time limits here only turn a hang into a failure.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { instantiateGlue, prepareFixtures } from './support/async.js';

// A full collection before each RSS sample (node --test passes no --expose-gc).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

const HOST = 'test:async-bench/host';
const { glue, skip } = await prepareFixtures('weft', ['async-bench'], { [HOST]: { tick: () => 1 } });
const opts = { skip: skip || false, timeout: 120_000 };
const keepAlive = setInterval(() => {}, 1000);
after(() => clearInterval(keepAlive));

const TOTAL = 64 * 2 ** 20;
const bench = async () => (await instantiateGlue(glue['async-bench'], { [HOST]: { tick: () => 1 } })).bench;
const rssMiB = () => process.memoryUsage().rss / 2 ** 20;

/** Runs `transfer` (returns the bytes moved) 5 times; RSS after the 2nd and the 5th may differ by little. */
async function flat(transfer) {
  const rss = [];
  for (let i = 0; i < 5; i++) {
    assert.equal(await transfer(), TOTAL);
    gc();
    rss.push(rssMiB());
  }
  // Five 64 MiB transfers: a leak of even one transfer's data shows as 64 MiB or more.
  assert.ok(
    rss[4] - rss[1] < 48,
    `RSS grew from ${rss[1].toFixed(0)} to ${rss[4].toFixed(0)} MiB over three 64 MiB transfers (${rss.map((x) => x.toFixed(0)).join(', ')})`,
  );
}

async function toJs(api, chunk) {
  let n = 0;
  for await (const c of await api.generate(BigInt(TOTAL), chunk)) {
    assert.ok(c instanceof Uint8Array);
    if (c[0] !== 0xa5 || c[c.length - 1] !== 0xa5) assert.fail('wrong bytes');
    n += c.length;
  }
  return n;
}

test('64 MiB stream<u8> guest -> JS, 64 KiB writes', opts, async () => {
  const api = await bench();
  await flat(() => toJs(api, 65536));
});

test('64 MiB stream<u8> guest -> JS, one 64 MiB write', opts, async () => {
  const api = await bench();
  await flat(() => toJs(api, TOTAL));
});

test('64 MiB stream<u8> guest -> guest (two instances), 64 KiB writes and reads', opts, async () => {
  const [a, b] = [await bench(), await bench()];
  await flat(async () => Number(await b.consume(await a.generate(BigInt(TOTAL), 65536), 65536)));
});

test('64 MiB stream<u8> guest -> guest: one 64 MiB write, 8 KiB reads, and the reverse', opts, async () => {
  const [a, b] = [await bench(), await bench()];
  assert.equal(await b.consume(await a.generate(BigInt(TOTAL), TOTAL), 8192), BigInt(TOTAL));
  assert.equal(await a.consume(await b.generate(BigInt(TOTAL), 8192), TOTAL), BigInt(TOTAL));
});

test('64 MiB stream<u8> JS -> guest: one Uint8Array, and 1024 chunks from a generator', opts, async () => {
  const api = await bench();
  assert.equal(await api.consume(new Uint8Array(TOTAL), 65536), BigInt(TOTAL));
  const chunks = function* () {
    for (let i = 0; i < 1024; i++) yield new Uint8Array(65536);
  };
  assert.equal(await api.consume(chunks(), 1 << 20), BigInt(TOTAL));
});
