// Entries into the async world: calls from the host (Store.invoke: a root
// whose trap or deadlock rejects it, cancellable by an AbortSignal), the
// pooled pseudo-thread of a sync-typed call, and core instantiation (start
// functions) as a synchronous task.
import { trap } from '../intrinsics/trap.js';
import { Thread, Task, NO_CANCEL, SYNC_OWN, SYNC_EXTRA } from './tasks.js';
import { TASK_STARTED, TASK_RESOLVED } from './codes.js';

/**
 * One host-facing call in flight: the outcome until someone awaits it, then
 * the Promise's resolvers. It is also the call's root in `store.roots` (the
 * pump's `fail` rejects it) while it runs past its synchronous part. Its
 * `onStart`/`onResolve` (the FuncInst shape's callbacks) are made once: a
 * call that was over when the callee returned leaves its HostCall to the
 * store's next call (`store.spareCall`).
 */
class HostCall {
  constructor(store) {
    this.store = store;
    this.args = null;
    this.convert = null;
    this.signal = null;
    this.done = 0; // 0 running, 1 returned, 2 failed (before the Promise exists)
    this.value = undefined;
    this.resolve = null;
    this.rejectFn = null;
    this.rooted = false; // in store.roots
    this.onStart = () => this.args;
    this.onResolve = (r) => this.finish(r);
  }
  settle(ok, v) {
    if (this.resolve !== null) (ok ? this.resolve : this.rejectFn)(v);
    else if (this.done === 0) {
      this.done = ok ? 1 : 2;
      this.value = v;
    }
  }
  /** The root's side: the store failed (a trap, a deadlock). */
  reject(e) {
    this.rooted = false;
    this.settle(false, e);
  }
  /** The task's onResolve: its result (null: cancelled). */
  finish(r) {
    if (this.rooted) {
      this.rooted = false;
      this.store.roots.delete(this);
    }
    if (this.done !== 0) return;
    if (r === null) {
      this.settle(false, this.signal?.reason ?? new DOMException('the call was cancelled', 'AbortError'));
    } else if (this.convert === null) {
      this.settle(true, r);
    } else {
      // the result in its JS form (and a `result` err thrown), without another Promise hop
      let v;
      try {
        v = this.convert(r);
      } catch (e) {
        this.settle(false, e);
        return;
      }
      this.settle(true, v);
    }
  }
  /** Gives the outcome of a call that was over when the callee returned, and frees this HostCall. */
  outcome() {
    const { done, value } = this;
    this.args = this.convert = this.signal = null;
    this.value = undefined;
    this.done = 0;
    this.store.spareCall = this;
    if (done === 2) throw value;
    return value;
  }
}

/** The arguments of every call of a function without parameters (read, never written). */
export const NO_ARGS = Object.freeze([]);

/**
 * Store.invoke from the host: starts `callee` (a FuncInst) with `args` and
 * returns its result (through `convert`, if given) when the call finished
 * synchronously, else a Promise of it; throws what a synchronous failure
 * throws. The glue's async exports are `async function`s that return this
 * value as is (no Promise hop when the call is done at once) and `await` only
 * a Promise. `signal` (AbortSignal) requests cancellation. The call is a
 * root: a trap in the pump, a deadlock or a trap of another call rejects it;
 * a trap thrown here fails the store (every other waiter hears of it).
 *
 * A call that finishes in its synchronous part allocates nothing here: it
 * takes the store's spare HostCall and gives it back when the callee kept
 * nothing of the call (it returned `NO_CANCEL`); it joins `store.roots` only
 * if it is still running when the callee returns (only `fail` reads the
 * roots, and a call not yet rooted hears of a failure during its synchronous
 * part below) and wakes the pump only then.
 */
export function startFromHost(store, callee, args, signal, convert = null) {
  let call = store.spareCall;
  if (call === null) call = new HostCall(store);
  else store.spareCall = null;
  call.args = args;
  call.convert = convert;
  call.signal = signal ?? null;
  if (store.failure !== null) throw store.failure;
  let onCancel;
  try {
    onCancel = callee(call.onStart, call.onResolve, null);
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) store.fail(e);
    throw e;
  }
  if (call.done !== 0) {
    if (onCancel === NO_CANCEL) return call.outcome();
    if (call.done === 1) return call.value;
    throw call.value;
  }
  // the store failed inside the call (a nested call trapped): it cannot go on
  if (store.failure !== null) throw store.failure;
  call.rooted = true;
  store.roots.add(call);
  if (signal != null) {
    if (signal.aborted) onCancel(null);
    else
      signal.addEventListener(
        'abort',
        () => {
          if (call.rooted) onCancel(null);
        },
        { once: true },
      );
    if (call.done === 1) return call.value;
    if (call.done === 2) throw call.value;
  }
  store.wake();
  return new Promise((res, rej) => {
    call.resolve = res;
    call.rejectFn = rej;
  });
}

/** `startFromHost` as a Promise in every case. */
export function callFromHost(store, callee, args, signal, convert = null) {
  try {
    return Promise.resolve(startFromHost(store, callee, args, signal, convert));
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * The pseudo-thread of a sync-typed call into `inst` (a sync lift in an
 * instance whose built-ins read the current thread): pooled, so sync calls
 * allocate nothing after the first. The usual call takes the instance's own
 * pseudo-thread (`syncThread`, free while its `prev` is `FREE`); a call made
 * while that one is in use (a start function, a destructor, a JSPI stack
 * suspended in a sync task) takes another from `syncPool`. Pair with
 * `leaveSync`, which zeroes the context slots for the next task (every task
 * starts with its own zeroed slots). The pooled task's state stays STARTED:
 * nothing can reach a free pseudo-thread or its task.
 */
/**
 * A host call of a sync export entered through JSPI (its core code may
 * block): the entry's Promise, rooted in the store while it runs, so that the
 * store's failure (a trap elsewhere, a deadlock) rejects it; a stack that
 * blocked in a failed store never resumes. A value (the call did not
 * suspend) passes through.
 */
export function rootedEntry(store, p) {
  if (!(p instanceof Promise)) return p;
  return new Promise((resolve, reject) => {
    const root = { reject };
    store.roots.add(root);
    const settle = (f) => (v) => {
      store.roots.delete(root);
      f(v);
    };
    p.then(settle(resolve), settle(reject));
  });
}

export function enterSync(inst) {
  let t = inst.syncThread;
  if (t === null || t.prev !== FREE) t = takeSyncThread(inst);
  const store = inst.store;
  t.prev = store.cur;
  store.cur = t;
  inst.syncDepth++;
  return t;
}

function takeSyncThread(inst) {
  if (inst.syncThread === null) return (inst.syncThread = newSyncThread(inst));
  let t = inst.syncPool?.pop();
  if (t === undefined) {
    t = newSyncThread(inst);
    t.sync = SYNC_EXTRA;
  }
  return t;
}

function newSyncThread(inst) {
  const task = new Task(inst, false, SYNC_OPTS, null, null, 'sync task');
  task.state = TASK_STARTED;
  const t = new Thread(task);
  task.implicitThread = t;
  return t;
}

export function leaveSync(t) {
  const store = t.store;
  // with JSPI, a resumed stack may have made its thread current meanwhile
  if (store.cur === t) store.cur = t.prev;
  t.prev = FREE;
  t.context0 = 0;
  t.context1 = 0;
  t.task.inst.syncDepth--;
  if (t.sync !== SYNC_OWN) putBack(t);
  if (store.waiting.length > 0) store.wake();
}

/** An extra pseudo-thread goes back to the pool; a retiring one leaves it. */
function putBack(t) {
  if (t.sync === SYNC_EXTRA) (t.task.inst.syncPool ??= []).push(t);
  else retire(t);
}

/** `prev` of a free pseudo-thread. */
const FREE = { free: true };

/**
 * A pseudo-thread that thread.index registered, or whose task thread.new-indirect
 * gave more threads, leaves the pool: those threads keep its task, resolved.
 */
function retire(t) {
  t.task.state = TASK_RESOLVED;
  if (t === t.task.inst.syncThread) t.task.inst.syncThread = null;
  const threads = t.task.threads;
  const i = threads.indexOf(t);
  if (i >= 0) threads.splice(i, 1);
  if (t.index !== 0) t.task.inst.threads.remove(t.index);
}

const SYNC_OPTS = { async: false, callback: false };

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
