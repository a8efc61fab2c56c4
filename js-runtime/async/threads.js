// Cooperative threads (definitions.py: canon_thread_*): thread.index,
// thread.new-indirect, resume-later, suspend, and the switch/promote forms.
//
// A thread other than a task's implicit one is a core function (from a
// funcref table) run on its own wasm stack: started through JSPI's
// `promising` (`entry`), it suspends in its Suspending imports like any
// stack. Switching is cooperative: "run `other` next" puts it at the front
// of the store's queue and parks the current thread (ready, or suspended).
import { trap } from '../intrinsics/trap.js';
import { Thread, runOn, SYNC_RETIRE } from './tasks.js';
import { threadYield } from './builtins.js';
import { CANCELLED } from './codes.js';

function checkLeave(thread) {
  if (!thread.task.inst.mayLeave) trap('cannot leave component instance during realloc or post-return');
}

/** canon thread.index: the current thread's index in its instance's thread table. */
export function threadIndex(store) {
  const thread = store.cur;
  checkLeave(thread);
  if (thread.index === 0) {
    // a sync call's pooled pseudo-thread gets an index when asked for one
    thread.index = thread.task.inst.threads.add(thread);
    thread.sync = SYNC_RETIRE;
  }
  return thread.index;
}

/**
 * canon thread.new-indirect: a new suspended thread of the current task that
 * will run `table.get(fi)(c)`; `entry(f)` makes the function callable
 * (through `promising` with JSPI). Returns its index.
 */
export function threadNewIndirect(store, table, fi, c, entry) {
  const thread = store.cur;
  checkLeave(thread);
  const task = thread.task;
  if (fi >>> 0 >= table.length) trap(`thread.new-indirect: table index ${fi >>> 0} is out of bounds`);
  const f = table.get(fi);
  if (f === null) trap(`thread.new-indirect: table element ${fi >>> 0} is uninitialized`);
  // a sync call's pooled pseudo-thread becomes one of its task's threads
  if (!task.threads.includes(thread)) {
    task.threads.push(thread);
    thread.sync = SYNC_RETIRE;
  }
  const t = new Thread(task);
  const done = () => task.unregisterThread(t);
  t.cont = () => {
    const r = runOn(t, () => entry(f)(c));
    if (r !== null && typeof r === 'object' && typeof r.then === 'function') {
      r.then(done).catch((e) => store.fail(e));
    } else {
      done();
    }
  };
  task.registerThread(t);
  return t.index;
}

function threadAt(inst, i, what) {
  const t = i >>> 0 < inst.threads.slots.length ? inst.threads.slots[i >>> 0] : null;
  if (t == null) trap(`${what}: invalid thread index ${i >>> 0}`);
  return t;
}

/** Makes suspended thread `t` ready, ahead of (`first`) or behind the others. */
function makeReady(store, t, first) {
  t.readyFn = () => true;
  if (first) store.waiting.unshift(t);
  else store.waiting.push(t);
  store.wake();
}

/** canon thread.resume-later */
export function threadResumeLater(store, i) {
  const thread = store.cur;
  checkLeave(thread);
  const other = threadAt(thread.task.inst, i, 'thread.resume-later');
  if (!other.suspended) trap('thread.resume-later: the thread is not suspended');
  makeReady(store, other, false);
}

function blockingThreadOp(store, what) {
  const thread = store.cur;
  checkLeave(thread);
  if (!store.jspi)
    trap(
      `${what} in ${thread.task.name} must switch stacks, which needs JSPI (WebAssembly.Suspending); this engine lacks it`,
    );
  return thread;
}

/** A sync-typed task may only suspend while another of its instance's threads can run. */
function checkMayBlock(store, thread, what) {
  const task = thread.task;
  if (task.isAsync) return;
  const inst = task.inst;
  if (!store.waiting.some((t) => t.task.inst === inst && t !== thread && t.readyFn())) {
    trap(`${what}: cannot block a synchronous task before returning`);
  }
}

/** canon thread.suspend: a Promise of the cancellation flag (JSPI), or CANCELLED at once. */
export function threadSuspend(store, cancellable) {
  const thread = blockingThreadOp(store, 'thread.suspend');
  if (thread.task.deliverPendingCancel(cancellable)) return CANCELLED;
  checkMayBlock(store, thread, 'thread.suspend');
  return new Promise((resolve) => thread.suspend(cancellable, resolve));
}

/** canon thread.yield-then-resume / thread.suspend-then-resume: `other` runs next. */
export function threadSwitch(store, cancellable, i, yielding) {
  const what = yielding ? 'thread.yield-then-resume' : 'thread.suspend-then-resume';
  const thread = blockingThreadOp(store, what);
  const other = threadAt(thread.task.inst, i, what);
  if (!other.suspended) trap(`${what}: the thread is not suspended`);
  if (thread.task.deliverPendingCancel(cancellable)) return CANCELLED;
  makeReady(store, other, true);
  return new Promise((resolve) => {
    if (yielding) thread.park(() => true, cancellable, resolve);
    else thread.suspend(cancellable, resolve);
  });
}

/**
 * canon thread.yield-then-promote / thread.suspend-then-promote: if `other`
 * is ready it runs next (moved to the front of the queue); otherwise a plain
 * yield / suspend.
 */
export function threadPromote(store, cancellable, i, yielding) {
  const what = yielding ? 'thread.yield-then-promote' : 'thread.suspend-then-promote';
  const thread = blockingThreadOp(store, what);
  const other = threadAt(thread.task.inst, i, what);
  if (thread.task.deliverPendingCancel(cancellable)) return CANCELLED;
  if (other.readyFn?.()) {
    const w = store.waiting;
    w.splice(w.indexOf(other), 1);
    w.unshift(other);
    store.wake();
    return new Promise((resolve) => {
      if (yielding) thread.park(() => true, cancellable, resolve);
      else thread.suspend(cancellable, resolve);
    });
  }
  if (yielding) return threadYield(store, cancellable);
  checkMayBlock(store, thread, what);
  return new Promise((resolve) => thread.suspend(cancellable, resolve));
}
