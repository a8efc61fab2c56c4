// Tests for scheduler.js: tasks, threads, the callback loop and blocking rules.
// Each test names the definitions.py function whose rule it encodes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Task,
  startCallbackTask,
  blockOn,
  contextGet,
  contextSet,
  backpressureInc,
  backpressureDec,
  taskReturnCheck,
  taskCancel,
  liftCallback,
  callFromHost,
  startFromHost,
  enterSync,
  leaveSync,
  threadYield,
  liftStack,
  resumeInTurn,
  threadPromote,
  Thread,
  threadIndex,
  rootedEntry,
} from './scheduler.js';
import { WaitableSet, Waitable } from './waitable.js';
import { getAs } from './table.js';
import * as C from './codes.js';
import { world, enter, settle, isTrap } from './testkit.js';

const CB = { async: true, callback: true };

/** A callback-form task whose core entry and callback are JS scripts. */
function cbTask(inst, script, { name = 'f', onResolve = () => {}, isAsync = true, opts = CB } = {}) {
  const log = [];
  const task = new Task(
    inst,
    isAsync,
    opts,
    () => ['arg'],
    (r) => {
      log.push(['resolve', r]);
      onResolve(r);
    },
    name,
    'sig',
  );
  const ws = (i) => getAs(inst.handles, i, WaitableSet, 'wait');
  startCallbackTask(
    task,
    (args) => {
      log.push(['core', ...args]);
      return script.core(task);
    },
    (code, p1, p2) => {
      log.push(['cb', code, p1, p2]);
      return script.cb(task, code, p1, p2);
    },
    ws,
  );
  return { task, log };
}

test('canon_lift callback: EXIT after task.return resolves synchronously', () => {
  const { inst } = world();
  const { log, task } = cbTask(inst, {
    core: (t) => {
      t.return_([42]);
      return C.CALLBACK_EXIT;
    },
  });
  assert.deepEqual(log, [
    ['core', 'arg'],
    ['resolve', [42]],
  ]);
  assert.equal(task.state, C.TASK_RESOLVED);
  assert.equal(inst.exclusive, null, 'exclusive released on exit');
  assert.equal(inst.threads.size, 0, 'implicit thread unregistered');
});

test('Task.unregister_thread: exiting without task.return traps', () => {
  const { inst } = world();
  assert.throws(() => cbTask(inst, { core: () => C.CALLBACK_EXIT }), isTrap(/without calling task.return/));
});

test('unpack_callback_result: codes above MAX trap', () => {
  for (const code of [3, 4, 15]) {
    const { inst } = world();
    assert.throws(() => cbTask(inst, { core: () => code }), isTrap(/unsupported callback code/));
  }
});

test('canon_lift callback: YIELD resumes with EVENT_NONE from the pump, not synchronously', async () => {
  const { inst } = world();
  let n = 0;
  const { log } = cbTask(inst, {
    core: () => C.CALLBACK_YIELD,
    cb: (t) => {
      n++;
      if (n < 3) return C.CALLBACK_YIELD;
      t.return_([]);
      return C.CALLBACK_EXIT;
    },
  });
  assert.deepEqual(log, [['core', 'arg']]);
  assert.equal(inst.exclusive, null, 'exclusive released while yielded');
  for (let i = 0; i < 4; i++) await settle(); // each yield waits a macrotask
  assert.deepEqual(log.slice(1), [
    ['cb', 0, 0, 0],
    ['cb', 0, 0, 0],
    ['cb', 0, 0, 0],
    ['resolve', []],
  ]);
});

test('canon_lift callback: a task that keeps yielding lets the host run in between', async () => {
  const { inst } = world();
  let flag = false;
  let n = 0;
  // Without a host turn between yields the flag never flips: give up (and
  // fail) after many yields instead of spinning forever in microtasks.
  const { log } = cbTask(inst, {
    core: () => C.CALLBACK_YIELD,
    cb: (t) => {
      if (!flag && ++n < 100_000) return C.CALLBACK_YIELD;
      t.return_([n]);
      return C.CALLBACK_EXIT;
    },
  });
  setTimeout(() => {
    flag = true;
  }, 5);
  while (log.at(-1)?.[0] !== 'resolve') await settle();
  assert.ok(n < 100_000, `the timer never ran during ${n} yields`);
});

test("canon_lift callback: WAIT delivers the set's pending event; bad set index traps", async () => {
  const { inst } = world();
  const w = new Waitable();
  const wi = inst.handles.add(w);
  const ws = new WaitableSet();
  const si = inst.handles.add(ws);
  w.join(ws);
  const { log } = cbTask(inst, {
    core: () => C.CALLBACK_WAIT | (si << 4),
    cb: (t) => {
      t.return_([]);
      return C.CALLBACK_EXIT;
    },
  });
  await settle();
  assert.equal(log.length, 1, 'no event yet: still waiting');
  assert.equal(ws.numWaiting, 1);
  w.setPendingEvent(() => [C.EVENT_SUBTASK, wi, 2]);
  inst.store.wake();
  await settle();
  assert.deepEqual(log.slice(1), [
    ['cb', C.EVENT_SUBTASK, wi, 2],
    ['resolve', []],
  ]);
  assert.equal(ws.numWaiting, 0);
  const { inst: i2 } = world();
  assert.throws(() => cbTask(i2, { core: () => C.CALLBACK_WAIT | (7 << 4) }), isTrap());
});

test('Task.enter_implicit_thread: a second callback task waits for the exclusive lock', async () => {
  const { inst } = world();
  const a = cbTask(inst, {
    core: () => C.CALLBACK_YIELD,
    cb: (t) => {
      t.return_(['a']);
      return C.CALLBACK_EXIT;
    },
  });
  // while `a` yields, exclusive is free, so `b` may start at once
  const b = cbTask(inst, {
    core: (t) => {
      t.return_(['b']);
      return C.CALLBACK_EXIT;
    },
  });
  assert.deepEqual(b.log.at(-1), ['resolve', ['b']]);
  // a task entering while another holds exclusive must wait
  let c;
  const d = cbTask(inst, {
    core: () => {
      c = cbTask(inst, {
        core: (t) => {
          t.return_(['c']);
          return C.CALLBACK_EXIT;
        },
      });
      return C.CALLBACK_YIELD;
    },
    cb: (t) => {
      t.return_(['d']);
      return C.CALLBACK_EXIT;
    },
  });
  assert.equal(c.log.length, 0, 'c did not start while d held exclusive');
  assert.equal(inst.numWaitingToEnter, 1);
  await settle();
  assert.deepEqual(c.log, [
    ['core', 'arg'],
    ['resolve', ['c']],
  ]);
  assert.deepEqual(a.log.at(-1), ['resolve', ['a']]);
  assert.deepEqual(d.log.at(-1), ['resolve', ['d']]);
  assert.equal(inst.numWaitingToEnter, 0);
});

test('Task.needs_exclusive: stackful async lifts do not take the exclusive lock', () => {
  const { inst } = world();
  const t = new Task(
    inst,
    true,
    { async: true, callback: false },
    () => [],
    () => {},
  );
  assert.equal(t.needsExclusive, false);
  assert.equal(
    new Task(
      inst,
      true,
      { async: false },
      () => [],
      () => {},
    ).needsExclusive,
    true,
  );
});

test('Task.enter_implicit_thread: backpressure holds new async tasks until backpressure.dec', async () => {
  const { inst } = world();
  enter(inst);
  backpressureInc(inst);
  const a = cbTask(inst, {
    core: (t) => {
      t.return_([1]);
      return C.CALLBACK_EXIT;
    },
  });
  await settle();
  assert.equal(a.log.length, 0);
  assert.equal(inst.numWaitingToEnter, 1);
  backpressureDec(inst);
  await settle();
  assert.deepEqual(a.log.at(-1), ['resolve', [1]]);
  // sync-typed tasks ignore backpressure (they never wait to enter)
  backpressureInc(inst);
  const s = cbTask(
    inst,
    {
      core: (t) => {
        t.return_([2]);
        return C.CALLBACK_EXIT;
      },
    },
    { isAsync: false },
  );
  assert.deepEqual(s.log.at(-1), ['resolve', [2]]);
});

test('canon_backpressure_{inc,dec}: underflow and overflow trap', () => {
  const { inst } = world();
  assert.throws(() => backpressureDec(inst), isTrap(/underflow/));
  inst.backpressure = 2 ** 16 - 2;
  backpressureInc(inst);
  assert.throws(() => backpressureInc(inst), isTrap(/overflow/));
});

test('Task.request_cancellation in INITIAL: the waiting task resolves as cancelled without running', async () => {
  const { inst } = world();
  backpressureInc(inst);
  const a = cbTask(inst, { core: () => assert.fail('must not start') });
  a.task.requestCancellation(null);
  assert.deepEqual(a.log, [['resolve', null]]);
  assert.equal(inst.numWaitingToEnter, 0);
  assert.equal(inst.store.waiting.length, 0);
});

test('Task.request_cancellation while waiting in WAIT: callback gets TASK_CANCELLED, task.cancel resolves null', () => {
  const { inst } = world();
  const si = inst.handles.add(new WaitableSet());
  const a = cbTask(inst, {
    core: () => C.CALLBACK_WAIT | (si << 4),
    cb: (t, code) => {
      assert.equal(code, C.EVENT_TASK_CANCELLED);
      t.cancel();
      return C.CALLBACK_EXIT;
    },
  });
  a.task.requestCancellation(null);
  assert.deepEqual(a.log.slice(1), [
    ['cb', C.EVENT_TASK_CANCELLED, 0, 0],
    ['resolve', null],
  ]);
});

test('Task.request_cancellation while the instance is busy: PENDING_CANCEL, delivered at the next cancellable wait', async () => {
  const { inst } = world();
  const b = cbTask(inst, {
    core: () => C.CALLBACK_YIELD,
    cb: (t, code) => {
      if (code === C.EVENT_NONE) return C.CALLBACK_YIELD;
      t.cancel();
      return C.CALLBACK_EXIT;
    },
  });
  inst.mayEnter = false;
  b.task.requestCancellation(null);
  assert.equal(b.task.state, C.TASK_PENDING_CANCEL, 'may_enter false: cancellation stays pending');
  inst.mayEnter = true;
  await settle();
  // the wait already in progress ends normally; the next cancellable wait delivers at once
  assert.deepEqual(b.log.slice(1), [
    ['cb', C.EVENT_NONE, 0, 0],
    ['cb', C.EVENT_TASK_CANCELLED, 0, 0],
    ['resolve', null],
  ]);
  assert.equal(inst.store.failure, null);
});

test('Task.return_/cancel and canon_task_return/cancel checks trap', () => {
  const { inst, store } = world();
  const t = enter(inst);
  const mem = {};
  t.task.returnSig = ['sig', mem];
  assert.throws(() => taskReturnCheck(store, 'other', mem), isTrap(/signature/));
  assert.throws(() => taskReturnCheck(store, 'sig', {}), isTrap(/signature/));
  assert.equal(taskReturnCheck(store, 'sig', null), t.task);
  assert.equal(taskReturnCheck(store, 'sig', mem), t.task);
  t.task.returnSig = ['sig', null];
  assert.throws(() => taskReturnCheck(store, 'sig', mem), isTrap(/signature/));
  t.task.return_([1]);
  assert.throws(() => t.task.return_([1]), isTrap(/already resolved/));
  const u = enter(inst);
  assert.throws(() => taskCancel(store), isTrap(/without a delivered cancellation/));
  u.task.numBorrows = 1;
  assert.throws(() => u.task.return_([]), isTrap(/borrow handles still remain/));
  enter(inst, { opts: { async: false } });
  assert.throws(() => taskReturnCheck(store, null), isTrap(/synchronously-lifted/));
  inst.mayLeave = false;
  enter(inst);
  assert.throws(() => taskReturnCheck(store, null), isTrap(/cannot leave/));
});

test('canon_context_{get,set}: per-thread storage, zero-initialized', () => {
  const { inst, store } = world();
  const a = enter(inst);
  assert.equal(contextGet(store, 0), 0);
  contextSet(store, 0, 7);
  contextSet(store, 1, 9);
  enter(inst);
  assert.equal(contextGet(store, 0), 0);
  store.cur = a;
  assert.deepEqual([contextGet(store, 0), contextGet(store, 1)], [7, 9]);
});

test('Thread.wait_until via blockOn: returns at once when ready; sync task traps; no JSPI traps; JSPI returns a Promise', async () => {
  const { inst, store } = world();
  const t = enter(inst);
  assert.equal(
    blockOn(t, () => true, false, 'x'),
    C.NOT_CANCELLED,
  );
  const s = enter(inst, { isAsync: false, opts: { async: false } });
  assert.throws(
    () => blockOn(s, () => false, false, 'waitable-set.wait'),
    isTrap(/cannot block a synchronous task before returning/),
  );
  assert.throws(() => blockOn(t, () => false, false, 'waitable-set.wait'), isTrap(/JSPI/));
  store.jspi = true;
  let ready = false;
  const p = blockOn(t, () => ready, true, 'x');
  assert.ok(p instanceof Promise);
  ready = true;
  store.wake();
  assert.equal(await p, C.NOT_CANCELLED);
  // a pending cancellation is delivered instead of blocking (deliver_pending_cancel)
  t.task.state = C.TASK_PENDING_CANCEL;
  assert.equal(
    blockOn(t, () => false, true, 'x'),
    C.CANCELLED,
  );
  assert.equal(t.task.state, C.TASK_CANCEL_DELIVERED);
});

test('AsyncInstance.stackFree: a callback task parked in its event loop does not run while a sync call is in progress there', async () => {
  const { inst, store } = world();
  let calls = 0;
  cbTask(inst, {
    core: () => C.CALLBACK_YIELD,
    cb: (t) => {
      calls++;
      t.return_([]);
      return C.CALLBACK_EXIT;
    },
  });
  const s = enterSync(inst); // a sync-typed call in progress (blocked, say)
  assert.equal(inst.syncDepth, 1);
  assert.equal(store.waiting[0].readyFn(), false, 'not ready: it needs exclusive use of the stack');
  // nor may the sync call block on it (canon_lift: trap_if(not candidates))
  assert.throws(() => blockOn(s, () => false, false, 'waitable-set.wait'), isTrap(/cannot block a synchronous task/));
  await settle();
  await settle();
  assert.equal(calls, 0, 'the pump left it parked');
  leaveSync(s);
  assert.equal(inst.syncDepth, 0);
  await settle();
  await settle();
  assert.equal(calls, 1, 'it runs once the sync call is over');
});

test('rootedEntry: a sync entry blocked through JSPI rejects with the store failure; a value or settled entry passes', async () => {
  const { store } = world();
  assert.equal(rootedEntry(store, 7), 7, 'did not suspend');
  assert.equal(await rootedEntry(store, Promise.resolve(8)), 8);
  assert.equal(store.roots.size, 0, 'unrooted once settled');
  await assert.rejects(rootedEntry(store, Promise.reject(new Error('x'))), /x/);
  assert.equal(store.roots.size, 0);
  const blocked = rootedEntry(store, new Promise(() => {})); // a stack that never resumes
  assert.equal(store.roots.size, 1);
  const trap = new WebAssembly.RuntimeError('unreachable');
  store.fail(trap);
  await assert.rejects(blocked, (e) => e === trap);
});

test('rootedEntry: a blocked sync entry that nothing can resume fails with deadlock', async () => {
  const { store } = world();
  const blocked = rootedEntry(store, new Promise(() => {}));
  store.wake();
  await assert.rejects(blocked, /deadlock detected/);
});

test('Store.tick: a host-facing call that can never progress fails with deadlock', async () => {
  const { inst, store } = world();
  const si = inst.handles.add(new WaitableSet());
  let err;
  const a = cbTask(inst, { core: () => C.CALLBACK_WAIT | (si << 4) });
  store.roots.add({
    task: a.task,
    reject: (e) => {
      err = e;
    },
  });
  await settle();
  await settle();
  assert.ok(err instanceof WebAssembly.RuntimeError);
  assert.match(err.message, /deadlock/);
});

test('Store.pump: a trap in a callback rejects pending host-facing calls', async () => {
  const { inst, store } = world();
  let err;
  const a = cbTask(inst, {
    core: () => C.CALLBACK_YIELD,
    cb: () => {
      throw new WebAssembly.RuntimeError('unreachable');
    },
  });
  store.roots.add({
    task: a.task,
    reject: (e) => {
      err = e;
    },
  });
  await settle();
  assert.match(err.message, /unreachable/);
  assert.equal(store.failure, err);
});

/** A callback-lifted FuncInst whose core pretends to compute args[0] * 2 after one YIELD. */
function doubler(inst, { wait = false } = {}) {
  let arg;
  return liftCallback(
    inst,
    true,
    CB,
    'double',
    ['sig', null],
    ([x]) => {
      arg = x;
      return wait ? C.CALLBACK_WAIT | (inst.handles.add(new WaitableSet()) << 4) : C.CALLBACK_YIELD;
    },
    (code) => {
      if (code === C.EVENT_TASK_CANCELLED) {
        inst.store.cur.task.cancel();
        return C.CALLBACK_EXIT;
      }
      inst.store.cur.task.return_([arg * 2]);
      return C.CALLBACK_EXIT;
    },
    (i) => getAs(inst.handles, i, WaitableSet, 'wait'),
  );
}

test('callFromHost: an async export is a Promise of its task.return values', async () => {
  const { store, inst } = world();
  assert.deepEqual(await callFromHost(store, doubler(inst), [21]), [42]);
  assert.equal(store.roots.size, 0);
  assert.equal(inst.threads.size, 0);
});

test('startFromHost: a call done at once returns its value, a running one a Promise, a sync trap throws', async () => {
  const { inst, store } = world();
  const now = liftCallback(
    inst,
    true,
    CB,
    'now',
    ['sig', null],
    ([x]) => {
      inst.store.cur.task.return_([x + 1]);
      return C.CALLBACK_EXIT;
    },
    () => C.CALLBACK_EXIT,
    () => null,
  );
  assert.deepEqual(startFromHost(store, now, [1]), [2]);
  assert.equal(
    startFromHost(store, now, [1], null, (r) => r[0] * 10),
    20,
  );
  const later = startFromHost(store, doubler(inst), [21]);
  assert.ok(later instanceof Promise);
  assert.deepEqual(await later, [42]);
  const traps = [];
  const bad = liftCallback(
    inst,
    true,
    CB,
    'bad',
    ['sig', null],
    () => {
      throw new WebAssembly.RuntimeError('unreachable');
    },
    () => 0,
    () => null,
  );
  store.onFail = (e) => traps.push(e);
  assert.throws(() => startFromHost(store, bad, [], null, null), /unreachable/);
  assert.equal(traps.length, 1, 'the trap failed the store (onFail poisons the component)');
  assert.equal(store.failure, traps[0]);
  assert.throws(
    () => startFromHost(store, now, [1]),
    (e) => e === traps[0],
    'a later call fails at once',
  );
});

test('Store.fail: every pending call and waiter fails once with the trap; later waiters at once', async () => {
  const { inst, store } = world();
  const pending = startFromHost(store, doubler(inst, { wait: true }), [1]);
  const seen = [];
  const w = { reject: (e) => seen.push(e) };
  const gone = { reject: () => assert.fail('an unwatched waiter hears nothing') };
  store.watch(w);
  store.watch(gone);
  store.unwatch(gone);
  const fails = [];
  store.onFail = (e) => fails.push(e);
  const trap = new WebAssembly.RuntimeError('boom');
  store.fail(trap);
  store.fail(new WebAssembly.RuntimeError('second'));
  await assert.rejects(pending, (e) => e === trap);
  assert.deepEqual(seen, [trap]);
  assert.deepEqual(fails, [trap], 'the first failure wins');
  assert.equal(store.waiters.size, 0);
  const late = [];
  store.watch({ reject: (e) => late.push(e) });
  assert.deepEqual(late, [trap]);
});

test('callFromHost: AbortSignal cancels (Task.request_cancellation with no caller)', async () => {
  const { store, inst } = world();
  const ac = new AbortController();
  const p = callFromHost(store, doubler(inst, { wait: true }), [1], ac.signal);
  ac.abort();
  await assert.rejects(p, (e) => e.name === 'AbortError');
  assert.equal(store.roots.size, 0);
});

test('callFromHost: a task that can never finish rejects with deadlock (deadlock.wast)', async () => {
  const { store, inst } = world();
  await assert.rejects(callFromHost(store, doubler(inst, { wait: true }), [1]), /deadlock detected/);
  // the store is now failed: later calls reject at once
  await assert.rejects(callFromHost(store, doubler(inst), [1]), /deadlock detected/);
});

test('enterSync/leaveSync: sync calls reuse one pseudo-thread; context starts at 0 each call', () => {
  const { store, inst } = world();
  const t1 = enterSync(inst);
  contextSet(store, 0, 5);
  assert.equal(t1.task.isAsync, false);
  leaveSync(t1);
  assert.equal(store.cur, null);
  const t2 = enterSync(inst);
  assert.equal(t2, t1, 'pooled');
  assert.equal(contextGet(store, 0), 0);
  // a sync task may not block
  assert.throws(() => blockOn(t2, () => false, false, 'waitable-set.wait'), isTrap(/cannot block a synchronous task/));
  leaveSync(t2);
});

test('enterSync: a sync call made while the pseudo-thread is in use gets another, with its own zeroed slots', () => {
  const { store, inst } = world();
  const outer = enterSync(inst);
  contextSet(store, 0, 5);
  contextSet(store, 1, 6);
  const inner = enterSync(inst); // e.g. a destructor or start function run meanwhile
  assert.notEqual(inner, outer);
  assert.equal(contextGet(store, 0), 0);
  assert.equal(contextGet(store, 1), 0);
  contextSet(store, 0, 7);
  leaveSync(inner);
  assert.equal(store.cur, outer);
  assert.equal(contextGet(store, 0), 5, "the outer task's slots are untouched");
  assert.equal(contextGet(store, 1), 6);
  leaveSync(outer);
  assert.equal(store.cur, null);
  // both are pooled again, zeroed
  const a = enterSync(inst);
  const b = enterSync(inst);
  assert.deepEqual(new Set([a, b]), new Set([outer, inner]));
  assert.equal(contextGet(store, 0), 0);
  leaveSync(b);
  assert.equal(contextGet(store, 0), 0);
  assert.equal(contextGet(store, 1), 0);
  leaveSync(a);
});

test('enterSync: a pseudo-thread that thread.index registered leaves the pool', () => {
  const { store, inst } = world();
  const t = enterSync(inst);
  const i = threadIndex(store);
  assert.ok(i > 0);
  assert.equal(inst.threads.size, 1);
  leaveSync(t);
  assert.equal(inst.threads.size, 0, 'its index is free again');
  assert.equal(t.task.state, C.TASK_RESOLVED);
  const u = enterSync(inst);
  assert.notEqual(u, t, 'a fresh pseudo-thread');
  assert.equal(u.index, 0);
  leaveSync(u);
  assert.equal(enterSync(inst), u);
});

/** liftCallback over JS "core code": `core(call)` runs as the core entry. */
function cbFunc(inst, core, cb = () => C.CALLBACK_EXIT) {
  let n = 0;
  const ws = (i) => getAs(inst.handles, i, WaitableSet, 'wait');
  return liftCallback(
    inst,
    true,
    CB,
    'f',
    ['sig', null],
    () => core(n++),
    (code, p1, p2) => cb(code, p1, p2),
    ws,
  );
}

test('liftCallback: a call over at once leaves its Task for the next call, which starts with zeroed context slots', () => {
  const { store, inst } = world();
  const seen = [];
  const tasks = [];
  const fi = cbFunc(inst, (n) => {
    tasks.push(store.cur.task);
    seen.push([contextGet(store, 0), contextGet(store, 1)]);
    contextSet(store, 0, 100 + n);
    contextSet(store, 1, 200 + n);
    taskReturnCheck(store, 'sig').return_([n]);
    return C.CALLBACK_EXIT;
  });
  assert.deepEqual(
    [startFromHost(store, fi, []), startFromHost(store, fi, []), startFromHost(store, fi, [])],
    [[0], [1], [2]],
  );
  assert.deepEqual(seen, [
    [0, 0],
    [0, 0],
    [0, 0],
  ]);
  assert.equal(tasks[1], tasks[0], 'reused');
  assert.equal(tasks[2], tasks[0], 'reused');
  assert.equal(inst.threads.size, 0);
  assert.equal(store.roots.size, 0);
});

test('liftCallback: a call still running keeps its Task; later calls get others, and its cancel reaches only it', async () => {
  const { store, inst } = world();
  const ws = new WaitableSet();
  const si = inst.handles.add(ws);
  const tasks = [];
  const seen = [];
  let mode = 'wait';
  const fi = cbFunc(
    inst,
    () => {
      tasks.push(store.cur.task);
      seen.push(contextGet(store, 0));
      contextSet(store, 0, tasks.length);
      if (mode === 'wait') return C.CALLBACK_WAIT | (si << 4);
      taskReturnCheck(store, 'sig').return_(['now']);
      return C.CALLBACK_EXIT;
    },
    (code) => {
      // the waiting call: cancelled
      assert.equal(code, C.EVENT_TASK_CANCELLED);
      seen.push(['cb', contextGet(store, 0)]);
      taskCancel(store);
      return C.CALLBACK_EXIT;
    },
  );
  const ac = new AbortController();
  const waiting = callFromHost(store, fi, [], ac.signal);
  mode = 'exit';
  // a finished call's cancel is a no-op: the next call reuses its task undisturbed
  let staleCancel = null;
  const first = fi(
    () => [],
    () => {},
    null,
  );
  staleCancel = first;
  assert.equal(startFromHost(store, fi, [])[0], 'now');
  staleCancel(null);
  assert.equal(startFromHost(store, fi, [])[0], 'now');
  assert.notEqual(tasks[1], tasks[0], 'the waiting call keeps its own task');
  assert.equal(tasks[2], tasks[1], 'finished calls share one');
  assert.equal(tasks[3], tasks[1]);
  assert.deepEqual(seen, [0, 0, 0, 0]);
  ac.abort();
  await assert.rejects(waiting, { name: 'AbortError' });
  assert.deepEqual(seen.at(-1), ['cb', 1], 'the cancelled call saw its own slot');
  assert.equal(inst.threads.size, 0);
});

test('canon_thread_yield: delivers a pending cancellation; otherwise returns at once without JSPI', async () => {
  const { store, inst } = world();
  const t = enter(inst);
  assert.equal(threadYield(store, false), C.NOT_CANCELLED);
  t.task.state = C.TASK_PENDING_CANCEL;
  assert.equal(threadYield(store, false), C.NOT_CANCELLED, 'not cancellable: stays pending');
  assert.equal(threadYield(store, true), C.CANCELLED);
  // JSPI mode: still at once; the `suspending` import wrapper it runs under
  // queues the stack behind every thread that is ready (resumeInTurn)
  store.jspi = true;
  assert.equal(threadYield(store, false), C.NOT_CANCELLED);
});

test('canon_lift (sync lift of an async-typed function): holds exclusive for the whole call, even across a JSPI suspension', async () => {
  const { store, inst } = world();
  let release;
  const gate = new Promise((r) => {
    release = r;
  });
  // the core "suspends" (a promising call) before returning its result
  const fi = liftStack(inst, true, { async: false }, 'run', null, ([x]) =>
    gate.then(() => {
      store.cur = fi.thread; // (the glue re-sets cur on resumption)
      inst.store.cur.task.return_([x + 1]);
    }),
  );
  fi.thread = null;
  const p = callFromHost(
    store,
    (s, r, c) => {
      const k = fi(s, r, c);
      fi.thread = inst.exclusive;
      return k;
    },
    [1],
  );
  assert.notEqual(inst.exclusive, null, 'exclusive held while the stack is suspended');
  // a callback task must wait to enter meanwhile
  const other = cbTask(inst, {
    core: (t) => {
      t.return_(['other']);
      return C.CALLBACK_EXIT;
    },
  });
  assert.equal(other.log.length, 0);
  release();
  assert.deepEqual(await p, [2]);
  await settle();
  assert.deepEqual(other.log.at(-1), ['resolve', ['other']]);
  assert.equal(inst.exclusive, null);
});

test('Task.needs_exclusive: a stackful async lift lets callback tasks run concurrently', async () => {
  const { store, inst } = world();
  let release;
  const gate = new Promise((r) => {
    release = r;
  });
  const fi = liftStack(inst, true, { async: true, callback: false }, 'run', null, () => gate);
  const st = new Task(
    inst,
    true,
    { async: true, callback: false },
    () => [],
    () => {},
  );
  assert.equal(st.needsExclusive, false);
  const p = callFromHost(store, (s, r, c) => fi(s, (v) => r(v), c), []);
  const other = cbTask(inst, {
    core: (t) => {
      t.return_(['other']);
      return C.CALLBACK_EXIT;
    },
  });
  assert.deepEqual(other.log.at(-1), ['resolve', ['other']], 'ran while the stackful task is suspended');
  release();
  // the stackful core returned without task.return: that traps (Task.unregister_thread)
  await assert.rejects(p, /without calling task.return/);
});

test('Store.tick with JSPI: one resumed stack runs at a time, as the current thread with its instance entered, until it suspends again', async () => {
  const {
    store,
    insts: [A, B],
  } = world(2);
  store.jspi = true;
  const ta = enter(A);
  const tb = enter(B);
  store.cur = null;
  const order = [];
  // two suspended stacks, both ready to resume (what `suspending` does after every import call)
  const pa = resumeInTurn(ta, 'a');
  const pb = resumeInTurn(tb, 'b');
  await Promise.resolve();
  await Promise.resolve();
  assert.equal(store.turn, ta, 'first ready stack is running');
  assert.equal(store.cur, ta, 'and is the current thread');
  assert.equal(A.mayEnter, false, 'its instance stays entered while the stack runs');
  assert.equal(B.mayEnter, true);
  assert.equal(tb.cont !== null, true, 'the second stack was not resumed in the same pass');
  pa.then((v) => {
    order.push(v);
    // the resumed stack suspends again (another import call): its turn ends
    store.endTurn(ta);
  });
  pb.then((v) => order.push(v));
  await settle();
  assert.deepEqual(order, ['a', 'b']);
  assert.equal(store.turn, tb);
  assert.equal(store.cur, tb);
  store.endTurn(tb); // (its promising call settled)
  assert.equal(B.mayEnter, true);
});

test('canon_thread_{yield,suspend}_then_promote: a ready thread runs next; otherwise a plain yield or suspend', async () => {
  const { store, inst } = world();
  store.jspi = true;
  const main = enter(inst);
  const task = main.task;
  task.threads = [main];
  const order = [];
  const spawn = (name) => {
    const t = new Thread(task);
    task.registerThread(t);
    t.park(
      () => true,
      false,
      () => order.push(name),
    );
    return t;
  };
  spawn('c');
  const b = spawn('b');
  store.cur = main;
  const p = threadPromote(store, false, b.index, true);
  assert.ok(p instanceof Promise, 'main yields');
  assert.equal(store.waiting[0], b, 'b moved ahead of c');
  p.then(() => order.push('main'));
  await settle();
  assert.deepEqual(order, ['b', 'c', 'main']);
  // other not ready: plain yield (nothing else ready, no waiting caller: returns at once)
  const idle = new Thread(task);
  task.registerThread(idle);
  idle.suspend(false, () => {});
  store.cur = main;
  assert.equal(threadPromote(store, false, idle.index, true), C.NOT_CANCELLED);
  // suspend-then-promote of a non-ready thread: main suspends until resumed
  const q = threadPromote(store, false, idle.index, false);
  assert.ok(q instanceof Promise);
  assert.equal(main.suspended, true);
});
