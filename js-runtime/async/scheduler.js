// Instances, threads, tasks and the event loop (definitions.py: ComponentInstance,
// Thread, Task, Store.tick/invoke/lift, canon_lift — callback form in
// startCallbackTask, own-stack forms in startStackTask — and the blocking rules).
//
// There are no real stacks here. A Thread is a continuation: while it waits,
// `cont(cancelled)` is what resumes it. A callback-form task's implicit thread
// parks with a continuation that calls the core `callback` — that is the
// whole no-JSPI story: the Store's pump (run from a microtask) resumes ready
// threads one at a time, FIFO. Only a *core stack* that must block (a sync
// wait inside wasm whose condition is not yet true) needs more: `blockOn`
// then returns a Promise, which the glue hands to core wasm through a
// `WebAssembly.Suspending` import (JSPI), or traps when it may not block.
//
// Nondeterminism (the spec's random choices) is fixed as: the pump resumes the
// first ready thread in parking order; a sync wait whose condition already
// holds returns at once (never yields); a callback-form YIELD/WAIT always goes
// through the pump (so other tasks get a turn).
import { trap } from '../intrinsics/trap.js';
import { HandleTable } from '../intrinsics/resources.js';
import { CALLBACK_EXIT, CALLBACK_YIELD, CALLBACK_MAX, EVENT_NONE, EVENT_TASK_CANCELLED, NOT_CANCELLED, CANCELLED, TASK_INITIAL, TASK_STARTED, TASK_PENDING_CANCEL, TASK_CANCEL_DELIVERED, TASK_RESOLVED } from './codes.js';

const MAX_BACKPRESSURE = 2 ** 16;

/**
 * Runs `f` in a later macrotask (after timers and I/O, where the host may make
 * new calls): setImmediate where there is one (Node, Bun), else a
 * MessageChannel (browsers: no 4 ms clamp of nested timers), else setTimeout.
 */
const macrotask = typeof setImmediate === 'function'
  ? (f) => setImmediate(f)
  : typeof MessageChannel === 'function'
    ? (() => {
        let ch = null;
        const q = [];
        return (f) => {
          if (ch === null) {
            ch = new MessageChannel();
            ch.port1.onmessage = () => q.shift()();
            ch.port1.unref?.();
          }
          q.push(f);
          ch.port2.postMessage(0);
        };
      })()
    : (f) => setTimeout(f, 0);

// Pumps scheduled by `wakeLater` in any store of this glue module: a stream
// may join two instantiations (two stores), so one store's reader may wait on
// another store's yielding writer; no store declares a deadlock meanwhile.
let deferredPumps = 0;

/** The state of one instantiation's async world (definitions.py: Store). */
export class Store {
  constructor() {
    this.waiting = []; // threads with a ready function, in parking order
    this.cur = null; // the thread whose core code runs now (set on every entry into wasm)
    this.depth = 0; // nesting of pump/entries (Store.nesting_depth)
    this.scheduled = false;
    this.hostPending = 0; // host promises (async imports, host streams) not yet settled
    this.roots = new Set(); // host-facing calls awaiting a result: { task, reject }
    this.jspi = false; // true when the glue wired blocking built-ins through WebAssembly.Suspending
    this.failure = null;
    this.deadlockCheck = false;
    this.turn = null; // JSPI: the thread whose resumed stack is running (see pump)
    this.entryDepth = 0; // JSPI: entries (promisingEntry) whose caller waits on the JS stack
    this.epoch = 0; // pump passes so far (a thread that yields waits for the next one)
    this.later = false; // a pump is scheduled as a macrotask
  }
  /** Ends the running JSPI turn of `thread` (it blocked again or its stack returned). */
  endTurn(thread) {
    if (thread === null || this.turn !== thread) return;
    this.turn = null;
    thread.task.inst.leaveTo(null);
    this.wake();
  }
  /** Schedules a pump (once) on the microtask queue. */
  wake() {
    if (this.scheduled || this.failure !== null) return;
    this.scheduled = true;
    queueMicrotask(() => this.pump());
  }
  /**
   * Schedules a pump (once) as a macrotask: a thread that yields runs again
   * only after the host had a turn (it may call in, or settle a Promise),
   * never in an endless chain of microtasks.
   */
  wakeLater() {
    if (this.later || this.failure !== null) return;
    this.later = true;
    deferredPumps++;
    macrotask(() => {
      deferredPumps--;
      this.later = false;
      this.wake();
    });
  }
  /**
   * Store.tick until no thread is ready; then detects deadlock of host-facing
   * calls. A thread that yielded during this pass waits for the next one.
   */
  pump() {
    this.scheduled = false;
    if (this.depth > 0 || this.failure !== null) return;
    const epoch = ++this.epoch;
    let yielded = false;
    const runnable = (t) => {
      if (t.yieldEpoch !== epoch) return t.readyFn();
      if (t.readyFn()) yielded = true;
      return false;
    };
    for (;;) {
      // JSPI: one suspended stack runs at a time (Store.tick runs a thread until it blocks)
      if (this.turn !== null) return;
      const i = this.waiting.findIndex(runnable);
      if (i < 0) {
        if (yielded) {
          this.wakeLater();
          return;
        }
        break;
      }
      const t = this.waiting[i];
      const inst = t.task.inst;
      this.depth++;
      try {
        inst.enterFrom(null);
        if (t.onStack) {
          // the stack resumes in a later microtask; its turn (the current
          // thread and the entered flags) lasts until it suspends again or
          // its promising call settles: no other stack resumes meanwhile
          t.onStack = false;
          this.turn = t;
          t.resume(NOT_CANCELLED);
          this.cur = t;
        } else {
          try {
            t.resume(NOT_CANCELLED);
          } finally {
            inst.leaveTo(null);
          }
        }
      } catch (e) {
        this.fail(e);
        return;
      } finally {
        this.depth--;
      }
    }
    if (this.hostPending === 0 && this.roots.size > 0 && !this.deadlockCheck) {
      // Decided a macrotask later: stacks resumed through JSPI run in microtasks
      // and may still make progress.
      this.deadlockCheck = true;
      setTimeout(() => {
        this.deadlockCheck = false;
        if (this.scheduled || this.turn !== null || this.failure !== null || this.hostPending > 0 || this.roots.size === 0) return;
        if (deferredPumps > 0) return; // a yielding thread (maybe of another store) runs next
        if (this.waiting.some((t) => t.readyFn())) return;
        this.fail(new WebAssembly.RuntimeError('deadlock detected: event loop cannot make further progress'));
      }, 0);
    }
  }
  /** A trap with no wasm caller on the stack: every pending host-facing call rejects with it. */
  fail(e) {
    this.failure = e;
    for (const r of this.roots) r.reject(e);
    this.roots.clear();
  }
}

/** One component instance's async state (definitions.py: ComponentInstance). */
export class AsyncInstance {
  constructor(store, parent = null) {
    this.store = store;
    this.parent = parent;
    this.handles = new HandleTable();
    this.threads = new HandleTable();
    this.mayEnter = true;
    this.mayLeave = true;
    this.backpressure = 0;
    this.numWaitingToEnter = 0;
    this.exclusive = null;
    this.syncPool = null; // enterSync's free pseudo-threads
    this.ancestry = undefined; // selfAndAncestors(), computed once
    this.entering = null; // caller -> entering set
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

/** A thread of a task (definitions.py: Thread): running, suspended (cont, no
 * readyFn) or waiting (cont and readyFn, listed in store.waiting). */
export class Thread {
  constructor(task) {
    this.task = task;
    this.cont = null;
    this.readyFn = null;
    this.cancellable = false;
    this.index = 0;
    this.storage = [0, 0];
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
    this.onStart = onStart;
    this.onResolve = onResolve;
    this.name = name;
    this.returnSig = returnSig;
    this.state = TASK_INITIAL;
    this.numBorrows = 0;
    this.scope = null; // the glue's borrow scope of this task's borrow params
    this.implicitThread = null;
    this.threads = [];
  }
  needsExclusive() {
    return !this.opts.async || !!this.opts.callback;
  }
  hasBackpressure() {
    const inst = this.inst;
    return inst.backpressure > 0 || (this.needsExclusive() && inst.exclusive !== null);
  }
  registerThread(t) {
    this.threads.push(t);
    t.index = this.inst.threads.add(t);
  }
  unregisterThread(t) {
    this.threads.splice(this.threads.indexOf(t), 1);
    if (this.threads.length === 0 && this.state !== TASK_RESOLVED) {
      trap(`${this.name}: the task exited without calling task.return or task.cancel`);
    }
    this.inst.threads.remove(t.index);
  }
  /** Task.enter_implicit_thread minus the wait: claims the exclusive lock and registers. */
  entered(thread) {
    if (this.isAsync && this.needsExclusive()) this.inst.exclusive = thread;
    this.registerThread(thread);
  }
  exitImplicitThread() {
    const inst = this.inst;
    this.unregisterThread(this.implicitThread);
    if (this.isAsync && this.needsExclusive()) {
      inst.exclusive = null;
      inst.store.wake();
    }
  }
  start() {
    this.state = TASK_STARTED;
    return this.onStart();
  }
  return_(result) {
    if (this.state === TASK_RESOLVED) trap(`${this.name}: task.return called after the task already resolved`);
    if (this.numBorrows > 0 || (this.scope != null && this.scope.borrows > 0)) trap(`${this.name}: borrow handles still remain at the end of the call`);
    this.onResolve(result);
    this.state = TASK_RESOLVED;
  }
  cancel() {
    if (this.state !== TASK_CANCEL_DELIVERED) trap(`${this.name}: task.cancel called without a delivered cancellation`);
    if (this.numBorrows > 0 || (this.scope != null && this.scope.borrows > 0)) trap(`${this.name}: borrow handles still remain at the end of the call`);
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
    if (this.needsExclusive() && inst.exclusive !== null && inst.exclusive !== this.implicitThread) {
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

function unpackCallbackResult(packed) {
  const code = packed & 0xf;
  if (code > CALLBACK_MAX) trap(`unsupported callback code: ${code}`);
  return code;
}

/**
 * Starts an async callback-form task (definitions.py: canon_lift with
 * opts.async_ and opts.callback). `callCore(args)` calls the core export with
 * the lowered arguments and returns its i32; `callCallback(code, p1, p2)` calls
 * the core `callback`. `getWaitableSet(i)` resolves a WAIT's set index (trapping
 * on a bad one). Returns nothing: the result arrives through task.onResolve.
 * Runs synchronously up to the first YIELD/WAIT; the pump does the rest.
 */
export function startCallbackTask(task, callCore, callCallback, getWaitableSet) {
  const inst = task.inst;
  const thread = new Thread(task);
  task.implicitThread = thread;
  if (task.isAsync && (task.hasBackpressure() || inst.numWaitingToEnter > 0)) {
    inst.numWaitingToEnter++;
    thread.park(() => !task.hasBackpressure(), true, (cancelled) => {
      inst.numWaitingToEnter--;
      if (cancelled) task.cancel();
      else beginCallbackTask(task, thread, callCore, callCallback, getWaitableSet);
    });
  } else {
    beginCallbackTask(task, thread, callCore, callCallback, getWaitableSet);
  }
}

/** Enters the task's implicit thread and runs the core entry, then the callback loop. */
function beginCallbackTask(task, thread, callCore, callCallback, getWaitableSet) {
  const store = task.inst.store;
  const prev = store.cur;
  store.cur = thread;
  try {
    task.entered(thread);
    const args = task.start();
    stepCallbackTask(task, thread, callCore(args), callCallback, getWaitableSet);
  } finally {
    if (store.cur === thread) store.cur = prev;
  }
}

/** canon_lift's callback loop from one packed result on (the closures it
 * needs are made only when the task waits). */
function stepCallbackTask(task, thread, packed, callCallback, getWaitableSet) {
  const inst = task.inst;
  const store = inst.store;
  for (;;) {
    if (typeof packed !== 'number') {
      // JSPI mode: the core call suspended (promisingEntry returned a Promise)
      packed.then((v) => {
        store.endTurn(thread);
        runOn(thread, () => stepCallbackTask(task, thread, v, callCallback, getWaitableSet));
      }).catch((e) => store.fail(e));
      return;
    }
    const code = unpackCallbackResult(packed);
    if (code === CALLBACK_EXIT) {
      task.exitImplicitThread();
      return;
    }
    inst.exclusive = null;
    let wset = null;
    let ready;
    if (code === CALLBACK_YIELD) {
      ready = () => inst.exclusive === null;
    } else {
      wset = getWaitableSet(packed >>> 4);
      ready = () => inst.exclusive === null && wset.hasPendingEvent();
    }
    if (wset !== null) wset.numWaiting++;
    const deliver = (cancelled) => {
      let ev;
      if (cancelled) ev = [EVENT_TASK_CANCELLED, 0, 0];
      else if (wset === null) ev = [EVENT_NONE, 0, 0];
      else ev = wset.getPendingEvent();
      if (wset !== null) wset.numWaiting--;
      inst.exclusive = thread;
      return callCallback(ev[0], ev[1], ev[2]);
    };
    if (task.deliverPendingCancel(true)) {
      packed = deliver(CANCELLED);
      continue;
    }
    const cont = (cancelled) => stepCallbackTask(task, thread, deliver(cancelled), callCallback, getWaitableSet);
    if (wset === null) thread.parkYield(ready, true, cont);
    else thread.park(ready, true, cont);
    return;
  }
}

/**
 * A callback-form lifted function as a FuncInst (definitions.py: Store.lift):
 * `callee(onStart, onResolve, callerInst) -> onCancel`, the shape subtask.js
 * and the host-facing glue call. Checks and sets the entering set's may_enter
 * flags around the synchronous part of the call.
 */
export function liftCallback(inst, isAsync, opts, name, returnSig, callCore, callCallback, getWaitableSet) {
  return (onStart, onResolve, caller) => {
    if (!inst.mayEnterFrom(caller)) trap('cannot enter component instance');
    const task = new Task(inst, isAsync, opts, onStart, onResolve, name, returnSig);
    inst.enterFrom(caller);
    try {
      startCallbackTask(task, callCore, callCallback, getWaitableSet);
    } finally {
      inst.leaveTo(caller);
    }
    return (c) => task.requestCancellation(c);
  };
}

/**
 * Starts a task whose core code runs on its own stack to completion: an
 * async-typed function lifted without `async` (results come back from the
 * core call; the glue lifts them and calls task.return_ inside `callCore`)
 * or a stackful `async` lift without `callback` (task.return from core).
 * In JSPI mode `callCore` goes through WebAssembly.promising and returns a
 * Promise; the task ends when it settles. Exclusive/backpressure rules as in
 * Task.enter_implicit_thread.
 */
export function startStackTask(task, callCore) {
  const inst = task.inst;
  const store = inst.store;
  const thread = new Thread(task);
  task.implicitThread = thread;
  const begin = () => {
    task.entered(thread);
    const args = task.start();
    const r = runOn(thread, () => callCore(args));
    if (r !== null && typeof r === 'object' && typeof r.then === 'function') {
      r.then(() => {
        store.endTurn(thread);
        task.exitImplicitThread();
      }).catch((e) => store.fail(e));
    } else {
      task.exitImplicitThread();
    }
  };
  if (task.isAsync && (task.hasBackpressure() || inst.numWaitingToEnter > 0)) {
    inst.numWaitingToEnter++;
    thread.park(() => !task.hasBackpressure(), true, (cancelled) => {
      inst.numWaitingToEnter--;
      if (cancelled) task.cancel();
      else begin();
    });
  } else {
    begin();
  }
}

/** startStackTask as a FuncInst (definitions.py: Store.lift), like liftCallback. */
export function liftStack(inst, isAsync, opts, name, returnSig, callCore) {
  return (onStart, onResolve, caller) => {
    if (!inst.mayEnterFrom(caller)) trap('cannot enter component instance');
    const task = new Task(inst, isAsync, opts, onStart, onResolve, name, returnSig);
    inst.enterFrom(caller);
    try {
      startStackTask(task, callCore);
    } finally {
      inst.leaveTo(caller);
    }
    return (c) => task.requestCancellation(c);
  };
}

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
  const ready = holds ? () => inst.exclusive === null && readyFn() : readyFn;
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

// ---- entries from the host and from sync lifts

/**
 * Store.invoke from the host: starts `callee` (a FuncInst) with `args` and
 * returns its result (through `convert`, if given) when the call finished
 * synchronously, else a Promise of it; throws what a synchronous failure
 * throws. The glue's async exports are `async function`s that return this
 * value as is (no Promise hop when the call is done at once) and `await` only
 * a Promise. `signal` (AbortSignal) requests cancellation. The call is a
 * root: a trap in the pump, or a deadlock, rejects it; `onTrap` sees traps.
 */
export function startFromHost(store, callee, args, signal, convert = null, onTrap = null) {
  const trapped = (e) => {
    if (onTrap !== null && e instanceof WebAssembly.RuntimeError) onTrap(e);
    return e;
  };
  if (store.failure !== null) throw trapped(store.failure);
  // settled before the Promise exists: `done` says how, `value` holds the outcome
  let done = 0; // 0 running, 1 returned, 2 failed
  let value;
  let resolve = null;
  let reject = null;
  const settle = (ok, v) => {
    if (resolve !== null) (ok ? resolve : reject)(v);
    else if (done === 0) {
      done = ok ? 1 : 2;
      value = v;
    }
  };
  const root = { reject: (e) => settle(false, trapped(e)) };
  const onResolve = (r) => {
    store.roots.delete(root);
    if (r === null) settle(false, signal?.reason ?? new DOMException('the call was cancelled', 'AbortError'));
    else if (convert === null) settle(true, r);
    else {
      // the result in its JS form (and a `result` err thrown), without another Promise hop
      let v;
      try {
        v = convert(r);
      } catch (e) {
        settle(false, e);
        return;
      }
      settle(true, v);
    }
  };
  store.roots.add(root);
  let onCancel;
  try {
    onCancel = callee(() => args, onResolve, null);
  } catch (e) {
    store.roots.delete(root);
    throw trapped(e);
  }
  if (signal != null && store.roots.has(root)) {
    if (signal.aborted) onCancel(null);
    else signal.addEventListener('abort', () => { if (store.roots.has(root)) onCancel(null); }, { once: true });
  }
  if (done === 1) return value;
  if (done === 2) throw value;
  store.wake();
  return new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
}

/** `startFromHost` as a Promise in every case. */
export function callFromHost(store, callee, args, signal, convert = null, onTrap = null) {
  try {
    return Promise.resolve(startFromHost(store, callee, args, signal, convert, onTrap));
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * The pseudo-thread of a sync-typed call into `inst` (a sync lift in an
 * instance whose built-ins read the current thread): pooled, so sync calls
 * allocate nothing after the first. Pair with `leaveSync`.
 */
export function enterSync(inst, opts = SYNC_OPTS) {
  let t = inst.syncPool?.pop();
  if (t === undefined) {
    const task = new Task(inst, false, opts, null, null, 'sync task');
    t = new Thread(task);
    task.implicitThread = t;
  } else {
    t.storage[0] = 0;
    t.storage[1] = 0;
  }
  t.task.state = TASK_STARTED;
  t.task.numBorrows = 0;
  const store = inst.store;
  t.prev = store.cur;
  store.cur = t;
  return t;
}

export function leaveSync(t) {
  const inst = t.task.inst;
  // with JSPI, a resumed stack may have made its thread current meanwhile
  if (inst.store.cur === t) inst.store.cur = t.prev;
  t.task.threads.length = 0;
  if (t.lazyIndex) {
    inst.threads.remove(t.index);
    t.index = 0;
    t.lazyIndex = false;
  }
  t.prev = null;
  t.task.state = TASK_RESOLVED;
  (inst.syncPool ??= []).push(t);
  if (inst.store.waiting.length > 0) inst.store.wake();
}

const SYNC_OPTS = { async: false, callback: false };

// ---- task-level built-ins

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
  return store.cur.storage[i];
}
export function contextSet(store, i, v) {
  store.cur.storage[i] = v;
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

/**
 * Runs a core instantiation (whose start function may call built-ins) as a
 * synchronous task of `inst`; `f` may return a Promise (async instantiation).
 */
export function runStart(inst, f) {
  const t = enterSync(inst);
  let r;
  try {
    r = f();
  } catch (e) {
    leaveSync(t);
    // Instantiation cannot be entered through JSPI's `promising`: an engine
    // that refuses a Suspending import there (Chromium) reports what the
    // spec says of a start function that would block.
    if (e?.name === 'SuspendError' || /without WebAssembly\.promising/.test(e?.message)) {
      trap('start function: cannot block a synchronous task before returning');
    }
    throw e;
  }
  if (r !== null && typeof r === 'object' && typeof r.then === 'function') {
    return r.finally(() => leaveSync(t));
  }
  leaveSync(t);
  return r;
}

// ---- JSPI (WebAssembly.Suspending / promising)

/** Whether this engine can suspend wasm stacks (JSPI). */
export const HAS_JSPI = typeof WebAssembly.Suspending === 'function' && typeof WebAssembly.promising === 'function';

/** A Promise of `v` that resolves when the pump gives `thread`'s stack a turn. */
export function resumeInTurn(thread, v) {
  return new Promise((resolve) => {
    thread.park(() => true, false, () => resolve(v));
    thread.onStack = true;
  });
}


// ---- cooperative threads (definitions.py: canon_thread_*)
//
// A thread other than a task's implicit one is a core function (from a
// funcref table) run on its own wasm stack: started through JSPI's
// `promising` (`entry`), it suspends in its Suspending imports like any
// stack. Switching is cooperative: "run `other` next" puts it at the front
// of the store's queue and parks the current thread (ready, or suspended).

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
    thread.lazyIndex = true;
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
  if ((fi >>> 0) >= table.length) trap(`thread.new-indirect: table index ${fi >>> 0} is out of bounds`);
  const f = table.get(fi);
  if (f === null) trap(`thread.new-indirect: table element ${fi >>> 0} is uninitialized`);
  // a sync call's pooled pseudo-thread becomes one of its task's threads
  if (!task.threads.includes(thread)) task.threads.push(thread);
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
  const t = (i >>> 0) < inst.threads.slots.length ? inst.threads.slots[i >>> 0] : null;
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
  if (!store.jspi) trap(`${what} in ${thread.task.name} must switch stacks, which needs JSPI (WebAssembly.Suspending); this engine lacks it`);
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
