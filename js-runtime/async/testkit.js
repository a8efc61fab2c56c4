// Test helpers for js-runtime/async/*.test.js (not shipped in glue): a store
// with instances, a current thread for running "core code", and a settle()
// that lets the microtask-driven pump run.
import { Store, AsyncInstance, Thread, Task } from './scheduler.js';

export function world(n = 1) {
  const store = new Store();
  const insts = [];
  for (let i = 0; i < n; i++) insts.push(new AsyncInstance(store));
  return { store, insts, inst: insts[0] };
}

/** Makes `store.cur` a fresh thread of a task in `inst` (as if core code of
 * that task were running). `isAsync`: the task's function type is async. */
export function enter(inst, { isAsync = true, opts = { async: true, callback: true } } = {}) {
  const task = new Task(
    inst,
    isAsync,
    opts,
    () => [],
    () => {},
    'test-task',
  );
  const t = new Thread(task);
  task.implicitThread = t;
  task.state = 2; // STARTED
  task.threads.push(t);
  inst.store.cur = t;
  return t;
}

/** Lets microtasks, the pump and (macrotask) deadlock checks run. */
export const settle = () => new Promise((r) => setTimeout(r, 1));

export const isTrap = (re) => (e) => e instanceof WebAssembly.RuntimeError && (re === undefined || re.test(e.message));
