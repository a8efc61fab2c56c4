import { trap } from './trap.js';
import { handleOf, takeOwn } from './resources.js';
// Handles through fused adapters (src/fuse/handles.rs): the adapter, core wasm,
// calls these for each handle it moves; the handle tables stay the glue's. A
// handle moves as its rep, from one table into the other, without the JS
// objects the JS adapter lifts it into on the way (same indices, checks and
// traps: the spec's lift_own/lower_own, lift_borrow/lower_borrow).
//
// `call` is one adapter's bookkeeping: the borrow scope of the callee's borrow
// handles and the caller's handles lent to the running call (recorded only where
// the call also moves an own of that type, the one thing that can see a lend in
// a sync call: see src/fuse/handles.rs). Calls of one adapter never nest (its
// callee is in its entering set: entering it again traps first), so the
// adapter keeps one and reuses it.

export function fusedCall() {
  return { lent: [], scope: { borrows: 0 } };
}

/** An own handle `i` moved from table `from` into `to`: its index there. */
export function moveOwn(from, to, rt, i) {
  const h = takeOwn(from, rt, i);
  return to.add({ rt, rep: h.rep, own: true, scope: null, lends: 0 });
}

/** The rep of handle `i` of `from`, borrowed by a callee implementing `rt`. */
export function handleRep(from, rt, i) {
  return handleOf(from, rt, i, 'borrow').rep;
}

/** The same, the handle lent to the call (the call also moves an own of `rt`). */
export function lendRep(from, rt, i, call) {
  const h = handleOf(from, rt, i, 'borrow');
  h.lends++;
  call.lent.push(h);
  return h.rep;
}

/** Handle `i` of `from` borrowed as a borrow handle in `to`, counted on the call's scope. */
export function addBorrow(from, to, rt, i, call) {
  const rep = handleOf(from, rt, i, 'borrow').rep;
  call.scope.borrows++;
  return to.add({ rt, rep, own: false, scope: call.scope, lends: 0 });
}

/** The same, the handle lent to the call. */
export function lendBorrow(from, to, rt, i, call) {
  const rep = lendRep(from, rt, i, call);
  call.scope.borrows++;
  return to.add({ rt, rep, own: false, scope: call.scope, lends: 0 });
}

function endLent(call) {
  const lent = call.lent;
  for (let k = 0; k < lent.length; k++) lent[k].lends--;
  lent.length = 0;
}

/** The call returned: its borrow handles must all be dropped, then its lends end. */
export function endCall(call) {
  if (call.scope.borrows !== 0) trap('borrowed handles are still live when the call returned');
  endLent(call);
}

/** The call threw: its lends end; borrow handles it left behind keep their own scope. */
export function abortCall(call) {
  endLent(call);
  if (call.scope.borrows !== 0) call.scope = { borrows: 0 };
}
