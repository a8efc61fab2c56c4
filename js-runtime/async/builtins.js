// Task-level canon built-ins: thread.yield, context.get/set,
// backpressure.inc/dec, task.return's checks, task.cancel; and `abortTask`,
// which undoes a task whose arguments could not be lowered.
import { trap } from '../intrinsics/trap.js';
import { NOT_CANCELLED, CANCELLED, TASK_RESOLVED } from './codes.js';

const MAX_BACKPRESSURE = 2 ** 16;

/**
 * canon thread.yield from core code (definitions.py: Thread.yield_). A
 * pending cancellation is delivered when `cancellable`; otherwise, with no
 * JSPI or no other ready thread, returns at once (the spec's wait_until may
 * return immediately when ready); in JSPI mode it goes to the back of the
 * queue when some other thread is ready.
 */
export function threadYield(store, cancellable) {
  const thread = store.cur;
  const task = thread.task;
  if (!task.inst.mayLeave) trap('cannot leave component instance during realloc or post-return');
  if (task.deliverPendingCancel(cancellable)) return CANCELLED;
  // With JSPI, yield to whatever is ready, and to a caller waiting for this
  // stack's first suspension (a yield "may" suspend: the caller goes on).
  if (!store.jspi || (store.entryDepth === 0 && !store.waiting.some((t) => t.readyFn()))) return NOT_CANCELLED;
  return new Promise((resolve) => thread.parkYield(() => true, cancellable, resolve));
}

/** canon context.get (`i` is 0 or 1; validated statically). */
export function contextGet(store, i) {
  const t = store.cur;
  return i === 0 ? t.context0 : t.context1;
}
export function contextSet(store, i, v) {
  const t = store.cur;
  if (i === 0) t.context0 = v;
  else t.context1 = v;
}

/** canon backpressure.inc / .dec */
export function backpressureInc(inst) {
  if (inst.backpressure + 1 >= MAX_BACKPRESSURE) trap('backpressure counter overflow');
  inst.backpressure++;
}
export function backpressureDec(inst) {
  if (inst.backpressure === 0) trap('backpressure counter underflow');
  if (--inst.backpressure === 0) inst.store.wake();
}

/**
 * The checks of canon task.return before the glue lifts the values; returns
 * the task. `sig` identifies result type + string encoding, `mem` is the
 * memory `task.return` names (null: none, accepted as wasmtime does); the
 * task's `returnSig` is `[sig, memory of the lift or null]`.
 */
export function taskReturnCheck(store, sig, mem = null) {
  const task = store.cur.task;
  if (!task.inst.mayLeave) trap('cannot leave component instance during realloc or post-return');
  if (!task.opts.async) trap('task.return called from a synchronously-lifted export');
  const [liftSig, liftMem] = task.returnSig;
  if (liftSig !== sig || (mem !== null && mem !== liftMem)) {
    trap('invalid task.return signature and/or options for the current task');
  }
  return task;
}

/** canon task.cancel */
export function taskCancel(store) {
  const task = store.cur.task;
  if (!task.inst.mayLeave) trap('cannot leave component instance during realloc or post-return');
  if (!task.opts.async) trap('task.cancel called from a synchronously-lifted export');
  task.cancel();
}

/**
 * Undoes a task whose arguments could not be lowered (a JS value of the wrong
 * type, thrown as TypeError before any core code ran): it never started, so
 * it leaves no thread, lock or table entry behind.
 */
export function abortTask(task) {
  task.state = TASK_RESOLVED;
  const t = task.implicitThread;
  const i = t === null ? -1 : task.threads.indexOf(t);
  if (i >= 0) {
    task.threads.splice(i, 1);
    task.inst.threads.remove(t.index);
  }
  if (t !== null && task.inst.exclusive === t) {
    task.inst.exclusive = null;
    task.inst.store.wake();
  }
}
