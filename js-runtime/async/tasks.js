// The async world's objects besides the Store (definitions.py: ComponentInstance,
// Thread, Task): instances with their entering sets and locks, threads as
// continuations (park / suspend / resume), tasks with their state machine and
// cancellation, and `runOn` (the current thread during a call into wasm).
import { trap } from '../intrinsics/trap.js';
import { HandleTable } from '../intrinsics/resources.js';
import {
  CANCELLED,
  TASK_INITIAL,
  TASK_STARTED,
  TASK_PENDING_CANCEL,
  TASK_CANCEL_DELIVERED,
  TASK_RESOLVED,
} from './codes.js';

/** One component instance's async state (definitions.py: ComponentInstance). */
export class AsyncInstance {
  /** `mayEnter`/`mayLeave` are the instance's flags, plain data fields: the
   * glue reads and writes them directly (`ai0.mayEnter`), and every instance
   * keeps one hidden class, so runtime code stays monomorphic however many
   * instances a page makes. */
  constructor(store, parent = null) {
    this.store = store;
    store.instances.push(this);
    this.parent = parent;
    this.handles = new HandleTable();
    this.threads = new HandleTable();
    this.mayEnter = true;
    this.mayLeave = true;
    this.backpressure = 0;
    this.numWaitingToEnter = 0;
    this.exclusive = null;
    this.syncDepth = 0; // sync-typed calls in progress here (enterSync .. leaveSync)
    this.syncThread = null; // enterSync's pseudo-thread (made on first use)
    this.syncPool = null; // more of them, for sync calls made while that one is in use
    this.ancestry = undefined; // selfAndAncestors(), computed once
    this.entering = null; // caller -> entering set
    this.hostEntering = null; // the entering set from the host (caller null), the usual one
  }
  /**
   * Whether a thread that needs exclusive use of the stack (a callback-form
   * task's event loop) may run: no such thread holds it, and no sync-typed
   * call is in progress here (a blocked one must not see it run:
   * async/during-sync-call-no-exclusive-resume.wast).
   */
  stackFree() {
    return this.exclusive === null && this.syncDepth === 0;
  }
  selfAndAncestors() {
    if (this.ancestry === undefined) {
      const s = [];
      for (let i = this; i !== null; i = i.parent) s.push(i);
      this.ancestry = s;
    }
    return this.ancestry;
  }
  /** The entering set from `caller` (cached: the instance tree never changes). */
  enteringSet(caller) {
    if (caller === null && this.hostEntering !== null) return this.hostEntering;
    const cache = this.entering ?? (this.entering = new Map());
    let set = cache.get(caller);
    if (set === undefined) {
      const mine = this.selfAndAncestors();
      if (caller === null) {
        set = mine;
      } else {
        const theirs = caller.selfAndAncestors();
        set = mine.filter((i) => !theirs.includes(i));
        // Calls between an instance and its ancestor trap (async/trap-on-reenter.wast).
        if (caller !== this && (theirs.includes(this) || mine.includes(caller))) set.nested = true;
      }
      cache.set(caller, set);
      if (caller === null) this.hostEntering = set;
    }
    return set;
  }
  mayEnterFrom(caller) {
    const set = this.enteringSet(caller);
    if (set.nested === true) return false;
    for (let k = 0; k < set.length; k++) if (!set[k].mayEnter) return false;
    return true;
  }
  enterFrom(caller) {
    const set = this.enteringSet(caller);
    for (let k = 0; k < set.length; k++) set[k].mayEnter = false;
  }
  leaveTo(caller) {
    const set = this.enteringSet(caller);
    for (let k = 0; k < set.length; k++) set[k].mayEnter = true;
  }
}

/** What leaveSync does with a sync call's pseudo-thread (`Thread.sync`): keep it
 * as the instance's own, return it to the instance's pool of extra ones, or
 * drop it (thread.index or thread.new-indirect gave it a life beyond the call). */
export const SYNC_OWN = 0;
export const SYNC_EXTRA = 1;
export const SYNC_RETIRE = 2;

/** A thread of a task (definitions.py: Thread): running, suspended (cont, no
 * readyFn) or waiting (cont and readyFn, listed in store.waiting). */
export class Thread {
  constructor(task) {
    this.task = task;
    this.store = task.inst.store;
    this.sync = SYNC_OWN; // for a sync call's pseudo-thread: where leaveSync puts it
    this.reset();
  }
  /** The state of a new thread; again for a reused task (Task.reuse): the context slots are zeroed. */
  reset() {
    this.cont = null;
    this.readyFn = null;
    this.cancellable = false;
    this.index = 0;
    // context.get/set's two slots: fields, not an array (a `[0, 0]` literal is
    // copied on its first write: one more allocation per task)
    this.context0 = 0;
    this.context1 = 0;
    this.prev = null; // enterSync: the thread to restore on leaveSync
    this.onStack = false; // parked by blockOn: a suspended wasm stack (JSPI)
    this.yieldEpoch = -1; // the pump pass in which it last yielded (Store.pump)
  }
  get suspended() {
    return this.cont !== null && this.readyFn === null;
  }
  get waiting() {
    return this.readyFn !== null;
  }
  /** Parks until `readyFn()` (or cancellation, if `cancellable`); `cont(cancelled)` resumes. */
  park(readyFn, cancellable, cont) {
    this.readyFn = readyFn;
    this.cancellable = cancellable;
    this.cont = cont;
    const store = this.task.inst.store;
    store.waiting.push(this);
    if (this.yieldEpoch === store.epoch) store.wakeLater();
    else store.wake();
  }
  /** Parks after a yield: ready at once, but it runs again in the next pump pass. */
  parkYield(readyFn, cancellable, cont) {
    this.yieldEpoch = this.task.inst.store.epoch;
    this.park(readyFn, cancellable, cont);
  }
  /** Parks with no ready function (thread.suspend); only an explicit resume wakes it. */
  suspend(cancellable, cont) {
    this.cancellable = cancellable;
    this.cont = cont;
  }
  /** Thread.resume: runs the continuation now, on the caller's JS stack. */
  resume(cancelled) {
    if (this.readyFn !== null) {
      const w = this.task.inst.store.waiting;
      w.splice(w.indexOf(this), 1);
      this.readyFn = null;
    }
    const k = this.cont;
    this.cont = null;
    this.onStack = false;
    const store = this.task.inst.store;
    const prev = store.cur;
    store.cur = this;
    try {
      k(cancelled);
    } finally {
      if (store.cur === this) store.cur = prev;
    }
  }
}

/**
 * A call into a lifted function (definitions.py: Task). `isAsync`: the function
 * type is `async`; `opts`: `{ async, callback }` of the lift. `onStart()` returns
 * the arguments, `onResolve(result | null)` takes the result (null: cancelled).
 * `returnSig` is `[result type + encoding id, lift memory]` for task.return's check.
 */
export class Task {
  constructor(inst, isAsync, opts, onStart, onResolve, name = 'task', returnSig = null) {
    this.inst = inst;
    this.isAsync = isAsync;
    this.opts = opts;
    // Its threads need exclusive use of the instance's stack (sync-lifted, or an
    // async callback-form lift): a field, read on every call's entry and exit.
    this.needsExclusive = !opts.async || !!opts.callback;
    this.onStart = onStart;
    this.onResolve = onResolve;
    this.name = name;
    this.returnSig = returnSig;
    this.state = TASK_INITIAL;
    this.numBorrows = 0;
    this.scope = null; // the glue's borrow scope of this task's borrow params
    this.implicitThread = null;
    this.threads = [];
    this.reused = false; // serves a later call too (liftCallback)
  }
  /**
   * Over: resolved, every thread exited, and the implicit one not parked. Only
   * liftCallback asks, when its call returns: then nothing else refers to the task.
   */
  over() {
    return this.state === TASK_RESOLVED && this.threads.length === 0 && this.implicitThread.cont === null;
  }
  /** This task object serves a new call of the same function: reset as new. */
  reuse(onStart, onResolve) {
    this.onStart = onStart;
    this.onResolve = onResolve;
    this.state = TASK_INITIAL;
    this.numBorrows = 0;
    this.scope = null;
    this.reused = true;
    this.implicitThread.reset();
  }
  hasBackpressure() {
    const inst = this.inst;
    return inst.backpressure > 0 || (this.needsExclusive && inst.exclusive !== null);
  }
  registerThread(t) {
    // the usual first thread: a one-slot array, not push's 16-slot growth
    // (a reused task keeps its array)
    if (this.threads.length === 0 && !this.reused) this.threads = [t];
    else this.threads.push(t);
    t.index = this.inst.threads.add(t);
  }
  unregisterThread(t) {
    const i = this.threads.indexOf(t);
    if (i === this.threads.length - 1)
      this.threads.pop(); // the usual case; splice allocates
    else this.threads.splice(i, 1);
    if (this.threads.length === 0 && this.state !== TASK_RESOLVED) {
      trap(`${this.name}: the task exited without calling task.return or task.cancel`);
    }
    this.inst.threads.remove(t.index);
  }
  /** Task.enter_implicit_thread minus the wait: claims the exclusive lock and registers. */
  entered(thread) {
    if (this.isAsync && this.needsExclusive) this.inst.exclusive = thread;
    this.registerThread(thread);
  }
  exitImplicitThread() {
    const inst = this.inst;
    this.unregisterThread(this.implicitThread);
    if (this.isAsync && this.needsExclusive) {
      inst.exclusive = null;
      // Releasing the lock matters only to a parked thread, or to the pump's
      // deadlock check of a pending host call: no pump pass otherwise.
      const store = inst.store;
      if (store.waiting.length > 0 || store.roots.size > 0) store.wake();
    }
  }
  start() {
    this.state = TASK_STARTED;
    return this.onStart();
  }
  return_(result) {
    if (this.state === TASK_RESOLVED) trap(`${this.name}: task.return called after the task already resolved`);
    if (this.numBorrows > 0 || (this.scope != null && this.scope.borrows > 0))
      trap(`${this.name}: borrow handles still remain at the end of the call`);
    this.onResolve(result);
    this.state = TASK_RESOLVED;
  }
  cancel() {
    if (this.state !== TASK_CANCEL_DELIVERED) trap(`${this.name}: task.cancel called without a delivered cancellation`);
    if (this.numBorrows > 0 || (this.scope != null && this.scope.borrows > 0))
      trap(`${this.name}: borrow handles still remain at the end of the call`);
    this.onResolve(null);
    this.state = TASK_RESOLVED;
  }
  deliverPendingCancel(cancellable) {
    if (cancellable && this.state === TASK_PENDING_CANCEL) {
      this.state = TASK_CANCEL_DELIVERED;
      return true;
    }
    return false;
  }
  /** Task.request_cancellation: the caller's subtask.cancel (or an AbortSignal) asks. */
  requestCancellation(caller) {
    const inst = this.inst;
    if (this.state === TASK_INITIAL) {
      this.state = TASK_CANCEL_DELIVERED;
      this.implicitThread.resume(CANCELLED);
      return;
    }
    if (this.state !== TASK_STARTED) return; // already pending/delivered/resolved
    let candidates = this.threads.filter((t) => t.cont !== null && t.cancellable);
    if (this.needsExclusive && inst.exclusive !== null && inst.exclusive !== this.implicitThread) {
      candidates = candidates.filter((t) => t !== this.implicitThread);
    }
    if (candidates.length > 0 && inst.mayEnterFrom(caller)) {
      this.state = TASK_CANCEL_DELIVERED;
      inst.enterFrom(caller);
      try {
        candidates[0].resume(CANCELLED);
      } finally {
        inst.leaveTo(caller);
      }
    } else {
      this.state = TASK_PENDING_CANCEL;
    }
  }
}

/**
 * The cancel a FuncInst returns for a call that is already over (nothing to
 * do: Task.request_cancellation of a resolved task). The caller may take it
 * as "the callee keeps nothing of this call" (startFromHost reuses its HostCall).
 */
export const NO_CANCEL = () => {};

/** Runs `f` with `thread` as the current thread (every entry into wasm sets it). */
export function runOn(thread, f) {
  const store = thread.task.inst.store;
  const prev = store.cur;
  store.cur = thread;
  try {
    return f();
  } finally {
    if (store.cur === thread) store.cur = prev;
  }
}
