// The handle helpers fused adapters import (js-runtime/intrinsics/resourcesFused.js):
// the same table operations, checks and traps as the JS adapter's lift/lower of
// own and borrow handles (resources.js), without the JS objects in between.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HandleTable, resourceType, resourceNew, resourceDropHandle } from '../intrinsics/resources.js';
import {
  fusedCall,
  moveOwn,
  handleRep,
  lendRep,
  addBorrow,
  lendBorrow,
  endCall,
  abortCall,
} from '../intrinsics/resourcesFused.js';

const trap = (re) => (e) => e instanceof WebAssembly.RuntimeError && re.test(e.message);

function setup() {
  const x = resourceType('x', 0);
  const y = resourceType('y', 0);
  return { x, y, from: new HandleTable(), to: new HandleTable() };
}

test('moveOwn: the handle leaves one table for the other (LIFO slot reuse on both sides), rep and all', () => {
  const { x, from, to } = setup();
  const [a, b] = [resourceNew(from, x, 10), resourceNew(from, x, 20)];
  assert.equal(moveOwn(from, to, x, b), 1);
  assert.equal(moveOwn(from, to, x, a), 2);
  assert.equal(from.size, 0);
  assert.deepEqual([to.get(1).rep, to.get(2).rep, to.get(1).own], [20, 10, true]);
  assert.equal(resourceNew(from, x, 30), a, "the caller's last freed slot first");
});

test('moveOwn traps on a dangling, wrong-type, borrowed or lent handle, and leaves the target alone', () => {
  const { x, y, from, to } = setup();
  assert.throws(() => moveOwn(from, to, x, 3), trap(/invalid handle index 3/));
  const hy = resourceNew(from, y, 1);
  assert.throws(() => moveOwn(from, to, x, hy), trap(/handle 1 is of resource type y, expected x/));
  const call = fusedCall();
  const h = resourceNew(from, x, 2);
  const bh = lendBorrow(from, to, x, h, call);
  assert.throws(() => moveOwn(from, to, x, h), trap(/lent out/));
  assert.throws(() => moveOwn(to, from, x, bh), trap(/expected an owned handle, got a borrow/));
  assert.equal(to.size, 1, 'only the borrow handle');
});

test('lendRep/lendBorrow lend for the call; endCall ends the lends and checks the borrow handles', () => {
  const { x, from, to } = setup();
  const call = fusedCall();
  const h = resourceNew(from, x, 7);
  assert.equal(lendRep(from, x, h, call), 7);
  const bh = lendBorrow(from, to, x, h, call);
  assert.deepEqual([to.get(bh).own, to.get(bh).rep, from.get(h).lends], [false, 7, 2]);
  assert.throws(() => resourceDropHandle(from, x, h), trap(/lent out/), 'the lender cannot drop it');
  assert.throws(() => endCall(call), trap(/borrowed handles are still live/));
  resourceDropHandle(to, x, bh);
  endCall(call);
  assert.equal(from.get(h).lends, 0);
  resourceDropHandle(from, x, h);
  // The scope is reused: a later call counts from zero.
  const h2 = resourceNew(from, x, 8);
  const bh2 = lendBorrow(from, to, x, h2, call);
  resourceDropHandle(to, x, bh2);
  endCall(call);
});

test('handleRep/addBorrow check the handle but lend nothing; addBorrow counts on the scope', () => {
  const { x, y, from, to } = setup();
  const call = fusedCall();
  const h = resourceNew(from, x, 4);
  assert.equal(handleRep(from, x, h), 4);
  const bh = addBorrow(from, to, x, h, call);
  assert.deepEqual([to.get(bh).own, to.get(bh).rep, from.get(h).lends], [false, 4, 0]);
  assert.throws(() => handleRep(from, x, 9), trap(/invalid handle index 9/));
  assert.throws(() => addBorrow(from, to, y, h, call), trap(/handle 1 is of resource type x, expected y/));
  assert.throws(() => endCall(call), trap(/still live/));
  resourceDropHandle(to, x, bh);
  endCall(call);
});

test('abortCall ends the lends; borrow handles left behind keep a scope of their own', () => {
  const { x, from, to } = setup();
  const call = fusedCall();
  const h = resourceNew(from, x, 1);
  const left = lendBorrow(from, to, x, h, call);
  abortCall(call);
  assert.equal(from.get(h).lends, 0);
  const bh = lendBorrow(from, to, x, h, call);
  resourceDropHandle(to, x, left);
  assert.throws(() => endCall(call), trap(/still live/), "dropping the old handle does not count for this call's");
  resourceDropHandle(to, x, bh);
  endCall(call);
});
