// Context slots across components (issue 10, item 2): fixtures/compose/ctx-slots.wasm
// (built by fixtures/compose/build-ctx-slots.sh from ctx-caller.wat and ctx-callee.wat)
// makes a synchronous call from one component instance into another. The callee runs
// in a fresh task (slots zeroed), its realloc and post-return and the caller's realloc
// (storing the result) run in that task, and the caller's slots survive the call; each
// side traps (`unreachable`) on anything else, so a passing call is the check.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { instantiateGlue, prepareFixtures } from './support/async.js';

const { glue, skip } = await prepareFixtures('weft', ['ctx-slots']);
const opts = { skip: skip || false, timeout: 10_000 };
const keepAlive = setInterval(() => {}, 1000);
after(() => clearInterval(keepAlive));

const caller = async () => (await instantiateGlue(glue['ctx-slots']))['test:ctx/caller'];

test('a synchronous caller: fresh callee slots on every call, its own slots kept', opts, async () => {
  const api = await caller();
  for (let i = 1; i <= 3; i++) {
    assert.equal(api.run(), 6);
    assert.equal(api.calls(), i);
  }
});

test('an async caller (callback form) between synchronous ones', opts, async () => {
  const api = await caller();
  assert.equal(await api.runAsync(), 6);
  assert.equal(api.run(), 6);
  assert.deepEqual(await Promise.all([api.runAsync(), api.runAsync()]), [6, 6]);
  assert.equal(api.calls(), 4);
});
