// Subtasks: the caller's view of an async-lowered call (definitions.py:
// Subtask, canon_lower, canon_subtask_cancel, canon_subtask_drop), plus the
// adapter that makes a host JS function (sync or returning a Promise) look
// like a lifted FuncInst: `callee(onStart, onResolve, callerInst) -> onCancel`.
import { trap } from '../intrinsics/trap.js';
import { errPayload } from '../intrinsics/ComponentError.js';
import { getAs } from './table.js';
import { blockOn, afterBlock } from './scheduler.js';
import { Waitable } from './waitable.js';
import { NO_CANCEL } from './tasks.js';
import {
  EVENT_SUBTASK,
  BLOCKED,
  SUBTASK_STARTING,
  SUBTASK_STARTED,
  SUBTASK_RETURNED,
  SUBTASK_CANCELLED_BEFORE_STARTED,
  SUBTASK_CANCELLED_BEFORE_RETURNED,
} from './codes.js';

export class Subtask extends Waitable {
  constructor() {
    super();
    this.state = SUBTASK_STARTING;
    this.onCancel = null;
    this.lenders = [];
    this.cancellationRequested = false;
    this.onProgress = null; // set once the subtask has a handle (asyncLowerResult)
  }
  resolved() {
    return this.state >= SUBTASK_RETURNED;
  }
  /** A borrowed handle lent to the callee for the call (handle.lends++ until delivery). */
  addLender(h) {
    h.lends++;
    this.lenders.push(h);
  }
  resolve(state) {
    this.state = state;
  }
  deliverResolve() {
    for (const h of this.lenders) h.lends--;
    this.lenders = null;
  }
  resolveDelivered() {
    return this.lenders === null;
  }
}
Subtask.kind = 'subtask';

/**
 * The shared core of a lowered call of an async-typed callee
 * (definitions.py: canon_lower). `liftArgs()` lifts the caller's arguments
 * (run when the callee starts); `lowerResult(v)` lowers the result into the
 * caller (at the out-pointer for async lowers). Returns the Subtask; the
 * caller then uses `asyncLowerResult` or `syncLowerWait`.
 */
export function callSubtask(thread, callee, liftArgs, lowerResult) {
  const inst = thread.task.inst;
  if (!inst.mayLeave) trap('cannot leave component instance during realloc or post-return');
  const subtask = new Subtask();
  const onStart = () => {
    if (subtask.onProgress !== null) subtask.onProgress();
    subtask.state = SUBTASK_STARTED;
    return liftArgs(subtask);
  };
  const onResolve = (result) => {
    if (subtask.onProgress !== null) subtask.onProgress();
    if (result === null) {
      subtask.resolve(
        subtask.state === SUBTASK_STARTING ? SUBTASK_CANCELLED_BEFORE_STARTED : SUBTASK_CANCELLED_BEFORE_RETURNED,
      );
    } else {
      lowerResult(result);
      subtask.resolve(SUBTASK_RETURNED);
    }
  };
  subtask.onCancel = callee(onStart, onResolve, inst);
  return subtask;
}

/** An `async` lower's return value: RETURNED when done eagerly, else
 * `state | (handle << 4)` with the subtask in the caller's table. */
export function asyncLowerResult(thread, subtask) {
  if (subtask.resolved()) {
    subtask.deliverResolve();
    return SUBTASK_RETURNED;
  }
  const i = thread.task.inst.handles.add(subtask);
  subtask.onProgress = () => {
    subtask.setPendingEvent(() => {
      if (subtask.resolved()) subtask.deliverResolve();
      return [EVENT_SUBTASK, i, subtask.state];
    });
  };
  return subtask.state | (i << 4);
}

/** A sync lower of an async-typed callee: waits for resolution (maybe via
 * JSPI, maybe trapping for a sync task). Returns 0 or a Promise of it. */
export function syncLowerWait(thread, subtask, what) {
  const done = () => {
    subtask.deliverResolve();
    return 0;
  };
  if (subtask.resolved()) return done();
  return afterBlock(
    blockOn(thread, () => subtask.resolved(), false, what),
    done,
  );
}

/** canon subtask.cancel: the final state, BLOCKED, or a Promise (sync, JSPI). */
export function subtaskCancel(store, i, isAsync) {
  const thread = store.cur;
  const inst = thread.task.inst;
  if (!inst.mayLeave) trap('cannot leave component instance during realloc or post-return');
  const subtask = getAs(inst.handles, i, Subtask, 'subtask.cancel');
  if (subtask.resolveDelivered()) trap('subtask.cancel: the subtask already resolved and delivered its result');
  if (subtask.cancellationRequested) trap('subtask.cancel: cancellation was already requested');
  if (subtask.inWaitableSet() && !isAsync) trap('waitable cannot be used synchronously while added to a waitable set');
  const finish = () => {
    const ev = subtask.getPendingEvent();
    return ev[2];
  };
  if (!subtask.resolved()) {
    subtask.cancellationRequested = true;
    subtask.onCancel(inst);
    if (!subtask.resolved()) {
      if (isAsync) return BLOCKED;
      return afterBlock(subtask.waitForPendingEvent(thread, 'subtask.cancel'), finish);
    }
  }
  return finish();
}

/** canon subtask.drop */
export function subtaskDrop(inst, i) {
  if (!inst.mayLeave) trap('cannot leave component instance during realloc or post-return');
  const subtask = getAs(inst.handles, i, Subtask, 'subtask.drop');
  if (!subtask.resolveDelivered()) trap('cannot drop a subtask which has not yet resolved');
  inst.handles.remove(i);
  subtask.drop();
}

/**
 * A host function as a callee. `fn(...args, { signal })` may return a value
 * or a Promise; an AbortSignal reports cancellation requests. A rejection
 * after abort resolves the subtask as cancelled; any other rejection fails
 * the store (it has no wasm caller to trap in).
 */
export function hostCallee(store, fn) {
  return (onStart, onResolve) => {
    const args = onStart();
    const opts = new HostCallOptions();
    const r = callWith(fn, args, opts);
    if (r === null || typeof r !== 'object' || typeof r.then !== 'function') {
      onResolve([r]);
      return NO_CANCEL;
    }
    let settled = false;
    store.hostPending++;
    // A failure of the store (its guest trapped) aborts the host's signal
    // with the trap; whatever the Promise settles to later is ignored.
    const waiter = {
      reject(e) {
        if (settled) return;
        settled = true;
        store.hostPending--;
        opts.abort(e);
      },
    };
    store.watch(waiter);
    r.then(
      (v) => {
        if (settled) return;
        settled = true;
        store.hostPending--;
        store.unwatch(waiter);
        try {
          onResolve([v]);
        } catch (e) {
          store.fail(e);
        }
        store.wake();
      },
      (e) => {
        if (settled) return;
        settled = true;
        store.hostPending--;
        store.unwatch(waiter);
        store.fail(e);
        store.wake();
      },
    );
    // Cancelling aborts the host's signal and resolves the subtask as
    // cancelled at once: a host Promise cannot be waited on synchronously,
    // and whatever it settles to later is ignored.
    return () => {
      if (!settled) {
        settled = true;
        store.hostPending--;
        store.unwatch(waiter);
        opts.abort();
        onResolve(null);
      }
    };
  };
}

/**
 * The trailing `{ signal }` of a host call. The AbortController is made only
 * when the host reads `signal` (or the call is cancelled); a class, not an
 * object literal with a getter (which V8 builds slowly, on every call).
 */
class HostCallOptions {
  #ac = null;
  get signal() {
    return (this.#ac ??= new AbortController()).signal;
  }
  /** `reason`: the trap that failed the store (else the default AbortError). */
  abort(reason) {
    (this.#ac ??= new AbortController()).abort(reason);
  }
}

/** `fn(...args, opts)` without a spread call for the usual short lists. */
function callWith(fn, args, opts) {
  switch (args.length) {
    case 0:
      return fn(opts);
    case 1:
      return fn(args[0], opts);
    case 2:
      return fn(args[0], args[1], opts);
    case 3:
      return fn(args[0], args[1], args[2], opts);
    default:
      return fn(...args, opts);
  }
}

/**
 * A sync-typed lifted function as a callee of an async lower (definitions.py:
 * canon_lift for a non-async function type): runs to completion at once.
 * `f(...args)` is the glue's lift in value form, `hasResult` whether it returns one.
 */
export function syncCallee(inst, f, hasResult) {
  return (onStart, onResolve, caller) => {
    if (!inst.mayEnterFrom(caller)) trap('cannot enter component instance');
    const args = onStart();
    inst.enterFrom(caller);
    let r;
    try {
      r = f(...args);
    } catch (e) {
      inst.leaveTo(caller);
      throw e;
    }
    if (r !== null && typeof r === 'object' && typeof r.then === 'function') {
      // JSPI: the callee's core instance is entered through `promising`
      r.then(
        (v) => {
          inst.leaveTo(caller);
          onResolve(hasResult ? [v] : []);
        },
        (e) => {
          inst.leaveTo(caller);
          inst.store.fail(e);
        },
      );
      return () => {};
    }
    inst.leaveTo(caller);
    onResolve(hasResult ? [r] : []);
    return () => {};
  };
}

/**
 * A host import whose result type is `result`: a returned value (or resolved
 * Promise) is `ok`, a thrown error (or rejection) is `err` (errPayload's
 * rules); a rejection after the call was aborted stays a rejection.
 */
export function resultCallee(fn) {
  return (...args) => {
    let r;
    try {
      r = fn(...args);
    } catch (e) {
      return { tag: 'err', val: errPayload(e) };
    }
    if (r === null || typeof r !== 'object' || typeof r.then !== 'function') return { tag: 'ok', val: r };
    const opts = args[args.length - 1];
    return r.then(
      (val) => ({ tag: 'ok', val }),
      (e) => {
        if (opts?.signal?.aborted) throw e;
        return { tag: 'err', val: errPayload(e) };
      },
    );
  };
}
