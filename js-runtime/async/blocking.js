// Blocking on a wasm stack (definitions.py: Thread.wait_until from a sync
// built-in or lower): `blockOn` returns at once when it may, else a Promise
// for a JSPI `Suspending` import, or traps where the task may not block.
import { trap } from '../intrinsics/trap.js';
import { NOT_CANCELLED, CANCELLED } from './codes.js';

/**
 * The core stack of `thread` must wait until `readyFn()` (definitions.py:
 * Thread.wait_until called from a synchronous built-in or a sync lower).
 * Returns NOT_CANCELLED/CANCELLED when no suspension is needed, else a
 * Promise of it (to be returned through a JSPI `Suspending` import). Traps
 * when the task may not block: a sync-typed task with no other ready thread
 * in its instance (canon_lift's `trap_if(not candidates)`), or no JSPI.
 * `what` names the built-in for messages.
 */
export function blockOn(thread, readyFn, cancellable, what, release = false) {
  const task = thread.task;
  if (task.deliverPendingCancel(cancellable)) return CANCELLED;
  if (readyFn()) return NOT_CANCELLED;
  const inst = task.inst;
  if (!task.isAsync) {
    const others = inst.store.waiting.some((t) => t.task.inst === inst && t !== inst.exclusive && t.readyFn());
    if (!others) trap(`${what}: cannot block a synchronous task before returning`);
  }
  if (!inst.store.jspi) {
    trap(`${what} in ${task.name} must block, which needs JSPI (WebAssembly.Suspending); this engine lacks it`);
  }
  // While a callback-form task's stack is blocked in a synchronous stream or
  // future copy, other async calls may start in its instance: the exclusive
  // lock is released and re-taken on resumption (what the reference host
  // does; async/sync-streams.wast). Other waits keep it
  // (async/async-calls-sync.wast).
  const holds = release && inst.exclusive === thread && !!task.opts.callback;
  if (holds) {
    inst.exclusive = null;
    inst.store.wake();
  }
  const ready = holds ? () => inst.stackFree() && readyFn() : readyFn;
  // (the `suspendingImport` shim this runs under then waits for a turn to resume)
  return new Promise((resolve) => {
    thread.park(ready, cancellable, (c) => {
      if (holds) inst.exclusive = thread;
      resolve(c);
    });
  });
}

/** Applies `f` to a value or a Promise of it (the result shape of blockOn). */
export function afterBlock(v, f) {
  return v !== null && typeof v === 'object' && typeof v.then === 'function' ? v.then(f) : f(v);
}

/** Whether this engine can suspend wasm stacks (JSPI). */
export const HAS_JSPI = typeof WebAssembly.Suspending === 'function' && typeof WebAssembly.promising === 'function';

/** A Promise of `v` that resolves when the pump gives `thread`'s stack a turn. */
export function resumeInTurn(thread, v) {
  return new Promise((resolve) => {
    thread.park(
      () => true,
      false,
      () => resolve(v),
    );
    thread.onStack = true;
  });
}
