// Lifted functions as FuncInsts (definitions.py: canon_lift, Store.lift): the
// callback form (core entry, then the callback loop, each YIELD/WAIT through
// the pump) and the own-stack form (core code runs to completion, through
// JSPI's `promising` when it may block), both behind backpressure.
import { trap } from '../intrinsics/trap.js';
import { Thread, Task, runOn, NO_CANCEL } from './tasks.js';
import { CALLBACK_EXIT, CALLBACK_YIELD, CALLBACK_MAX, EVENT_NONE, EVENT_TASK_CANCELLED, CANCELLED } from './codes.js';

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
  // (a reused task keeps its implicit thread: liftCallback)
  const thread = task.implicitThread ?? (task.implicitThread = new Thread(task));
  if (task.isAsync && (task.hasBackpressure() || inst.numWaitingToEnter > 0)) {
    inst.numWaitingToEnter++;
    thread.park(
      () => !task.hasBackpressure(),
      true,
      (cancelled) => {
        inst.numWaitingToEnter--;
        if (cancelled) task.cancel();
        else beginCallbackTask(task, thread, callCore, callCallback, getWaitableSet);
      },
    );
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
      packed
        .then((v) => {
          store.endTurn(thread);
          runOn(thread, () => stepCallbackTask(task, thread, v, callCallback, getWaitableSet));
        })
        .catch((e) => store.fail(e));
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
      ready = () => inst.stackFree();
    } else {
      wset = getWaitableSet(packed >>> 4);
      ready = () => inst.stackFree() && wset.hasPendingEvent();
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
 *
 * A call that is over when the callee returns (task.return, then EXIT, no
 * other thread: the usual async export that finishes at once) returns a
 * no-op cancel, so nothing outside keeps its Task: the next call reuses that
 * Task and its implicit Thread, reset as new (context slots zeroed).
 */
export function liftCallback(inst, isAsync, opts, name, returnSig, callCore, callCallback, getWaitableSet) {
  let spare = null;
  return (onStart, onResolve, caller) => {
    if (!inst.mayEnterFrom(caller)) trap('cannot enter component instance');
    let task = spare;
    if (task === null) task = new Task(inst, isAsync, opts, onStart, onResolve, name, returnSig);
    else {
      spare = null;
      task.reuse(onStart, onResolve);
    }
    inst.enterFrom(caller);
    try {
      startCallbackTask(task, callCore, callCallback, getWaitableSet);
    } finally {
      inst.leaveTo(caller);
    }
    if (task.over()) {
      task.onStart = task.onResolve = null; // (keeps no result alive)
      spare = task;
      return NO_CANCEL;
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
    thread.park(
      () => !task.hasBackpressure(),
      true,
      (cancelled) => {
        inst.numWaitingToEnter--;
        if (cancelled) task.cancel();
        else begin();
      },
    );
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
