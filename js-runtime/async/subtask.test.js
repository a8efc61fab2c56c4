// Tests for subtask.js: async/sync lowers, subtask events, cancel and drop.
// Each test names the definitions.py function whose rule it encodes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Subtask,
  callSubtask,
  asyncLowerResult,
  syncLowerWait,
  subtaskCancel,
  subtaskDrop,
  hostCallee,
} from './subtask.js';
import { liftCallback, backpressureInc, backpressureDec } from './scheduler.js';
import { WaitableSet, waitableSetNew, waitableJoin, waitableSetPoll } from './waitable.js';
import { getAs } from './table.js';
import * as C from './codes.js';
import { world, enter, settle, isTrap } from './testkit.js';

/** An async lower from the current thread: returns [packed, results-array]. */
function lowerAsync(store, callee, args = []) {
  const out = [];
  const st = callSubtask(
    store.cur,
    callee,
    () => args,
    (r) => out.push(...r),
  );
  return [asyncLowerResult(store.cur, st), out, st];
}

test('canon_lower async: a callee that returns eagerly gives RETURNED and no handle', () => {
  const { store, inst } = world();
  enter(inst);
  const [packed, out] = lowerAsync(
    store,
    hostCallee(store, (x) => x + 1),
    [41],
  );
  assert.equal(packed, C.SUBTASK_RETURNED);
  assert.deepEqual(out, [42]);
  assert.equal(inst.handles.size, 0);
});

test('canon_lower async: a Promise-returning host import gives STARTED | i << 4, then a SUBTASK event', async () => {
  const { store, inst } = world();
  enter(inst);
  let resolve;
  const [packed, out] = lowerAsync(
    store,
    hostCallee(
      store,
      () =>
        new Promise((r) => {
          resolve = r;
        }),
    ),
  );
  assert.equal(packed & 0xf, C.SUBTASK_STARTED);
  const i = packed >>> 4;
  assert.ok(getAs(inst.handles, i, Subtask, 'x'));
  assert.equal(store.hostPending, 1);
  const si = waitableSetNew(inst);
  waitableJoin(inst, i, si);
  assert.deepEqual(waitableSetPoll(store, si, false), [C.EVENT_NONE, 0, 0]);
  assert.throws(() => subtaskDrop(inst, i), isTrap(/cannot drop a subtask which has not yet resolved/));
  resolve('v');
  await settle();
  assert.deepEqual(out, ['v']);
  assert.equal(store.hostPending, 0);
  assert.deepEqual(waitableSetPoll(store, si, false), [C.EVENT_SUBTASK, i, C.SUBTASK_RETURNED]);
  waitableJoin(inst, i, 0);
  subtaskDrop(inst, i);
  assert.equal(inst.handles.get(si) instanceof WaitableSet, true);
});

test('Subtask.add_lender/deliver_resolve: lent handles are released when the resolution is delivered', async () => {
  const { store, inst } = world();
  enter(inst);
  const h = { lends: 0 };
  let resolve;
  const st = callSubtask(
    store.cur,
    hostCallee(
      store,
      () =>
        new Promise((r) => {
          resolve = r;
        }),
    ),
    () => [],
    () => {},
  );
  st.addLender(h);
  const packed = asyncLowerResult(store.cur, st);
  resolve(1);
  await settle();
  assert.equal(h.lends, 1, 'still lent until the event is delivered');
  const si = waitableSetNew(inst);
  waitableJoin(inst, packed >>> 4, si);
  waitableSetPoll(store, si, false);
  assert.equal(h.lends, 0);
});

test('canon_subtask_cancel: a host import sees an AbortSignal and is cancelled at once; its later settlement is ignored', async () => {
  const { store, inst } = world();
  enter(inst);
  let signal;
  const fn = (opts) =>
    new Promise((_, reject) => {
      signal = opts.signal;
      signal.addEventListener('abort', () => reject(signal.reason));
    });
  const [packed] = lowerAsync(store, hostCallee(store, fn));
  const i = packed >>> 4;
  // a host Promise cannot be waited on synchronously: cancelling resolves the subtask now
  assert.equal(subtaskCancel(store, i, true), C.SUBTASK_CANCELLED_BEFORE_RETURNED);
  assert.equal(signal.aborted, true);
  assert.equal(store.hostPending, 0);
  await settle();
  assert.equal(store.failure, null, 'the rejection after abort does not fail the store');
  assert.throws(() => subtaskCancel(store, i, true), isTrap(/already resolved/));
  subtaskDrop(inst, i);
});

test('canon_subtask_cancel: resolved-but-undelivered subtask returns its state at once', async () => {
  const { store, inst } = world();
  enter(inst);
  let resolve;
  const [packed] = lowerAsync(
    store,
    hostCallee(
      store,
      () =>
        new Promise((r) => {
          resolve = r;
        }),
    ),
  );
  resolve(0);
  await settle();
  assert.equal(subtaskCancel(store, packed >>> 4, false), C.SUBTASK_RETURNED);
  subtaskDrop(inst, packed >>> 4);
});

test('canon_subtask_cancel: sync cancel of a subtask in a waitable set traps; sync cancel of a host call does not block', () => {
  const { store, inst } = world();
  enter(inst, { isAsync: false, opts: { async: false } });
  const [packed] = lowerAsync(
    store,
    hostCallee(store, () => new Promise(() => {})),
  );
  const i = packed >>> 4;
  const si = waitableSetNew(inst);
  waitableJoin(inst, i, si);
  assert.throws(
    () => subtaskCancel(store, i, false),
    isTrap(/waitable cannot be used synchronously while added to a waitable set/),
  );
  waitableJoin(inst, i, 0);
  // cancelling a host call never blocks, so even a sync task may do it
  assert.equal(subtaskCancel(store, i, false), C.SUBTASK_CANCELLED_BEFORE_RETURNED);
});

test('canon_lower sync of an async callee: done eagerly returns 0; blocking in a sync task traps (trap-if-sync-call-async)', () => {
  const { store, inst } = world();
  enter(inst, { isAsync: false, opts: { async: false } });
  const out = [];
  const st = callSubtask(
    store.cur,
    hostCallee(store, () => 5),
    () => [],
    (r) => out.push(...r),
  );
  assert.equal(syncLowerWait(store.cur, st, 'f'), 0);
  assert.deepEqual(out, [5]);
  const st2 = callSubtask(
    store.cur,
    hostCallee(store, () => new Promise(() => {})),
    () => [],
    () => {},
  );
  assert.throws(() => syncLowerWait(store.cur, st2, 'f'), isTrap(/cannot block a synchronous task/));
});

test('component-to-component: an async lower of a callback-lifted callee in another instance', async () => {
  const {
    store,
    insts: [A, B],
  } = world(2);
  const si = waitableSetNew(A); // caller's set
  const bws = waitableSetNew(B);
  let calls = 0;
  const callee = liftCallback(
    B,
    true,
    { async: true, callback: true },
    'g',
    null,
    () => {
      calls++;
      return C.CALLBACK_YIELD;
    },
    () => {
      store.cur.task.return_([calls * 100]);
      return C.CALLBACK_EXIT;
    },
    (i) => getAs(B.handles, i, WaitableSet, 'wait'),
  );
  enter(A);
  const [packed, out] = lowerAsync(store, callee, [1]);
  assert.equal(packed & 0xf, C.SUBTASK_STARTED, 'args were lifted (started) before the callee yielded');
  const i = packed >>> 4;
  waitableJoin(A, i, si);
  await settle();
  assert.deepEqual(out, [100]);
  assert.deepEqual(waitableSetPoll(store, si, false), [C.EVENT_SUBTASK, i, C.SUBTASK_RETURNED]);
  assert.ok(bws);
});

test('component-to-component: cancelling a callee held by backpressure gives CANCELLED_BEFORE_STARTED', () => {
  const {
    store,
    insts: [A, B],
  } = world(2);
  enter(B);
  backpressureInc(B);
  const callee = liftCallback(
    B,
    true,
    { async: true, callback: true },
    'g',
    null,
    () => assert.fail('must not start'),
    () => assert.fail(),
    () => null,
  );
  enter(A);
  const [packed] = lowerAsync(store, callee, []);
  assert.equal(packed & 0xf, C.SUBTASK_STARTING);
  const i = packed >>> 4;
  assert.equal(subtaskCancel(store, i, true), C.SUBTASK_CANCELLED_BEFORE_STARTED);
  subtaskDrop(A, i);
  backpressureDec(B);
});

test('Store.lift: entering an instance already on the stack traps (trap-on-reenter)', () => {
  const {
    store,
    insts: [A, B],
  } = world(2);
  const callee = liftCallback(
    A,
    true,
    { async: true, callback: true },
    'g',
    null,
    () => 0,
    () => 0,
    () => null,
  );
  enter(B);
  A.mayEnter = false; // A is on the stack: B was called from A
  assert.throws(() => lowerAsync(store, callee, []), isTrap(/cannot enter component instance/));
});
