// Entries into the async world: calls from the host (Store.invoke: a root
// whose trap or deadlock rejects it, cancellable by an AbortSignal), the
// pooled pseudo-thread of a sync-typed call, and core instantiation (start
// functions) as a synchronous task.
import { trap } from '../intrinsics/trap.js';
import { Thread, Task } from './tasks.js';
import { TASK_STARTED, TASK_RESOLVED } from './codes.js';

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
  const threads = t.task.threads;
  if (threads.length !== 0) threads.length = 0; // (setting length is a slow path even when unchanged)
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
