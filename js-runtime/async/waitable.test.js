// Tests for waitable.js and table.js: waitable sets, join, wait/poll, drop.
// Each test names the definitions.py function whose rule it encodes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Waitable,
  waitableSetNew,
  waitableSetWait,
  waitableSetPoll,
  waitableSetDrop,
  waitableJoin,
} from './waitable.js';
import { getAs } from './table.js';
import { resourceNew, resourceType } from '../intrinsics/resources.js';
import * as C from './codes.js';
import { world, enter, settle, isTrap } from './testkit.js';

function setup() {
  const w = world();
  const t = enter(w.inst);
  const si = waitableSetNew(w.inst);
  const a = new Waitable();
  const b = new Waitable();
  const ai = w.inst.handles.add(a);
  const bi = w.inst.handles.add(b);
  return { ...w, t, si, a, b, ai, bi, ws: w.inst.handles.get(si) };
}

test('Table: one index space for waitable sets, waitables and resources (ComponentInstance.handles)', () => {
  const { inst, si, ai, bi } = setup();
  const rt = resourceType('r', null);
  const ri = resourceNew(inst.handles, rt, 5);
  assert.deepEqual([si, ai, bi, ri], [1, 2, 3, 4]);
  assert.throws(() => waitableJoin(inst, ri, si), isTrap(/not a waitable/));
  assert.throws(() => waitableJoin(inst, ai, ri), isTrap(/not a waitable set/));
  assert.throws(() => waitableJoin(inst, si, si), isTrap(/not a waitable$/));
  assert.throws(() => getAs(inst.handles, 99, Waitable, 'x'), isTrap(/invalid handle index 99/));
});

test('canon_waitable_join: join, move between sets, leave with 0', () => {
  const { inst, si, a, ai, ws } = setup();
  waitableJoin(inst, ai, si);
  assert.equal(a.wset, ws);
  const s2 = waitableSetNew(inst);
  waitableJoin(inst, ai, s2);
  assert.deepEqual(ws.elems, []);
  assert.deepEqual(inst.handles.get(s2).elems, [a]);
  waitableJoin(inst, ai, 0);
  assert.equal(a.wset, null);
  a.hasSyncWaiter = true;
  assert.throws(() => waitableJoin(inst, ai, si), isTrap(/synchronous waiter/));
});

test('canon_waitable_set_poll: NONE when nothing is pending; otherwise delivers and clears', () => {
  const { store, inst, si, a, ai } = setup();
  waitableJoin(inst, ai, si);
  assert.deepEqual(waitableSetPoll(store, si, false), [C.EVENT_NONE, 0, 0]);
  let delivered = 0;
  a.setPendingEvent(() => {
    delivered++;
    return [C.EVENT_SUBTASK, ai, 2];
  });
  assert.deepEqual(waitableSetPoll(store, si, false), [C.EVENT_SUBTASK, ai, 2]);
  assert.equal(delivered, 1);
  assert.equal(a.hasPendingEvent(), false);
});

test('canon_waitable_set_poll: a pending cancellation is reported only when cancellable', () => {
  const { store, t, si } = setup();
  t.task.state = C.TASK_PENDING_CANCEL;
  assert.deepEqual(waitableSetPoll(store, si, false), [C.EVENT_NONE, 0, 0]);
  assert.deepEqual(waitableSetPoll(store, si, true), [C.EVENT_TASK_CANCELLED, 0, 0]);
  assert.equal(t.task.state, C.TASK_CANCEL_DELIVERED);
});

test('WaitableSet.get_pending_event: every pending waitable gets its turn (round-robin)', () => {
  const { store, inst, si, a, ai, b, bi } = setup();
  waitableJoin(inst, ai, si);
  waitableJoin(inst, bi, si);
  const seen = [];
  for (let k = 0; k < 4; k++) {
    if (!a.hasPendingEvent()) a.setPendingEvent(() => [1, ai, 0]);
    if (!b.hasPendingEvent()) b.setPendingEvent(() => [1, bi, 0]);
    seen.push(waitableSetPoll(store, si, false)[1]);
  }
  assert.deepEqual(seen, [ai, bi, ai, bi]);
});

test('canon_waitable_set_wait: returns at once when an event is pending (no JSPI needed)', () => {
  const { store, inst, si, a, ai, ws } = setup();
  waitableJoin(inst, ai, si);
  a.setPendingEvent(() => [C.EVENT_FUTURE_READ, ai, 0]);
  assert.deepEqual(waitableSetWait(store, si, false), [C.EVENT_FUTURE_READ, ai, 0]);
  assert.equal(ws.numWaiting, 0);
});

test('canon_waitable_set_wait: a sync task with nothing to wait for traps (dont-block-start, trap-if-block-and-sync)', () => {
  const w = world();
  enter(w.inst, { isAsync: false, opts: { async: false } });
  const si = waitableSetNew(w.inst);
  assert.throws(() => waitableSetWait(w.store, si, false), isTrap(/cannot block a synchronous task before returning/));
});

test('canon_waitable_set_wait: an async task blocks through JSPI; the pump wakes it', async () => {
  const { store, inst, si, a, ai, ws } = setup();
  store.jspi = true;
  waitableJoin(inst, ai, si);
  const p = waitableSetWait(store, si, true);
  assert.ok(p instanceof Promise);
  assert.equal(ws.numWaiting, 1);
  assert.throws(() => waitableSetDrop(inst, si), isTrap(/waitable set with waitables/));
  waitableJoin(inst, ai, 0);
  assert.throws(() => waitableSetDrop(inst, si), isTrap(/cannot drop waitable set with waiters/));
  waitableJoin(inst, ai, si);
  a.setPendingEvent(() => [C.EVENT_STREAM_READ, ai, 0x10]);
  store.wake();
  assert.deepEqual(await p, [C.EVENT_STREAM_READ, ai, 0x10]);
  assert.equal(ws.numWaiting, 0);
});

test('canon_waitable_set_drop: empty and unwaited sets drop; the index is reused', () => {
  const { inst, si } = setup();
  waitableSetDrop(inst, si);
  assert.throws(() => inst.handles.get(si), isTrap());
  assert.equal(waitableSetNew(inst), si);
  inst.mayLeave = false;
  assert.throws(() => waitableSetNew(inst), isTrap(/cannot leave/));
});

test('Waitable.wait_for_pending_event: sets has_sync_waiter while blocked', async () => {
  const { store, t, a } = setup();
  store.jspi = true;
  const p = a.waitForPendingEvent(t, 'x');
  assert.equal(a.hasSyncWaiter, true);
  a.setPendingEvent(() => [1, 0, 0]);
  store.wake();
  await p;
  await settle();
  assert.equal(a.hasSyncWaiter, false);
});
