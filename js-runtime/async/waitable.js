// Waitables and waitable sets (definitions.py: Waitable, WaitableSet,
// canon_waitable_set_{new,wait,poll,drop}, canon_waitable_join, unpack_event).
// A Waitable holds at most one pending event as a thunk that computes the
// event tuple [code, p1, p2] when delivered (delivery has side effects:
// copy ends go back to idle, subtasks deliver their resolution).
import { trap } from '../intrinsics/trap.js';
import { getAs, checkMayLeave } from './table.js';
import { blockOn, afterBlock } from './scheduler.js';
import { EVENT_NONE, EVENT_TASK_CANCELLED } from './codes.js';

export class Waitable {
  constructor() {
    this.pendingEvent = null;
    this.wset = null;
    this.hasSyncWaiter = false;
  }
  setPendingEvent(thunk) {
    this.pendingEvent = thunk;
  }
  hasPendingEvent() {
    return this.pendingEvent !== null;
  }
  inWaitableSet() {
    return this.wset !== null;
  }
  getPendingEvent() {
    const thunk = this.pendingEvent;
    this.pendingEvent = null;
    return thunk();
  }
  /** Waitable.wait_for_pending_event: a sync built-in waits on this waitable alone. */
  waitForPendingEvent(thread, what, release = false) {
    this.hasSyncWaiter = true;
    return afterBlock(
      blockOn(thread, () => this.hasPendingEvent(), false, what, release),
      (c) => {
        this.hasSyncWaiter = false;
        return c;
      },
    );
  }
  join(wset) {
    if (this.wset !== null) {
      const e = this.wset.elems;
      e.splice(e.indexOf(this), 1);
    }
    this.wset = wset;
    if (wset !== null) wset.elems.push(this);
  }
  /** Waitable.drop (after the subclass's checks). */
  drop() {
    this.join(null);
  }
}
Waitable.kind = 'waitable';

export class WaitableSet {
  constructor() {
    this.elems = [];
    this.numWaiting = 0;
  }
  hasPendingEvent() {
    return this.elems.some((w) => w.pendingEvent !== null);
  }
  /** Delivers one pending event. The spec picks at random; we take the first
   * in join order and move it to the back (round-robin, no starvation). */
  getPendingEvent() {
    const e = this.elems;
    const i = e.findIndex((w) => w.pendingEvent !== null);
    const w = e[i];
    e.splice(i, 1);
    e.push(w);
    return w.getPendingEvent();
  }
}
WaitableSet.kind = 'waitable set';

/** canon waitable-set.new */
export function waitableSetNew(inst) {
  checkMayLeave(inst);
  return inst.handles.add(new WaitableSet());
}

/** canon waitable-set.wait: the event tuple, or a Promise of it (JSPI). The
 * glue stores p1, p2 at the out-pointer and returns the code. */
export function waitableSetWait(store, si, cancellable) {
  const thread = store.cur;
  const inst = thread.task.inst;
  checkMayLeave(inst);
  const wset = getAs(inst.handles, si, WaitableSet, 'waitable-set.wait');
  wset.numWaiting++;
  return afterBlock(
    blockOn(thread, () => wset.hasPendingEvent(), cancellable, 'waitable-set.wait'),
    (c) => {
      const ev = c ? [EVENT_TASK_CANCELLED, 0, 0] : wset.getPendingEvent();
      wset.numWaiting--;
      return ev;
    },
  );
}

/** canon waitable-set.poll: never blocks. */
export function waitableSetPoll(store, si, cancellable) {
  const thread = store.cur;
  const inst = thread.task.inst;
  checkMayLeave(inst);
  const wset = getAs(inst.handles, si, WaitableSet, 'waitable-set.poll');
  if (thread.task.deliverPendingCancel(cancellable)) return [EVENT_TASK_CANCELLED, 0, 0];
  if (!wset.hasPendingEvent()) return [EVENT_NONE, 0, 0];
  return wset.getPendingEvent();
}

/** canon waitable-set.drop */
export function waitableSetDrop(inst, si) {
  checkMayLeave(inst);
  const wset = getAs(inst.handles, si, WaitableSet, 'waitable-set.drop');
  if (wset.elems.length > 0) trap('cannot drop waitable set with waitables still in it');
  if (wset.numWaiting > 0) trap('cannot drop waitable set with waiters');
  inst.handles.remove(si);
}

/** canon waitable.join (`si` 0: leave the current set). */
export function waitableJoin(inst, wi, si) {
  checkMayLeave(inst);
  const w = getAs(inst.handles, wi, Waitable, 'waitable.join');
  if (w.hasSyncWaiter)
    trap(
      'waitable.join: waitable cannot be used synchronously while added to a waitable set (it has a synchronous waiter)',
    );
  w.join(si === 0 ? null : getAs(inst.handles, si, WaitableSet, 'waitable.join'));
}
