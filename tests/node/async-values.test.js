// The JS face of async values at the boundary: what JS may pass as a stream
// or a future, and how a bad argument is reported (a rejection naming it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isJco, instantiate } from './harness.js';

const skip = isJco && 'weft-specific error wording';

test('stream/future params: JS shapes accepted, handles passed in', { skip }, async () => {
  const { take } = await instantiate('async-stream-param');
  // each call lowers a new readable end for the stream and one for the future (handles 1 and 2,
  // then the freed slots are reused only after the guest drops them: here it never does)
  const a = await take(new Uint8Array([1, 2]), Promise.resolve(5));
  const b = await take([Uint8Array.of(3)], 7);
  const c = await take(
    (async function* () {
      yield Uint8Array.of(4);
    })(),
    Promise.resolve(1),
  );
  assert.deepEqual([a, b, c], [1 + 2, 3 + 4, 5 + 6]);
});

test('a value that is not a stream rejects with a TypeError naming the param', { skip }, async () => {
  const { take } = await instantiate('async-stream-param');
  const p = take(42, 1);
  assert.ok(p instanceof Promise, 'a rejection, not a synchronous throw');
  await assert.rejects(p, (e) => e instanceof TypeError && /take: param s: expected a ReadableStream/.test(e.message));
});
