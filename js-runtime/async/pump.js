// The Store and its pump (definitions.py: Store, Store.tick): the queue of
// waiting threads, resumed one at a time, FIFO, from a microtask (or, after a
// yield, a macrotask); JSPI turns (one resumed wasm stack at a time);
// deadlock detection for host-facing calls; `fail` (a trap, a deadlock, a
// failed host Promise) poisons the instance and fails every host-facing waiter.
import { NOT_CANCELLED } from './codes.js';

/**
 * Runs `f` in a later macrotask (after timers and I/O, where the host may make
 * new calls): setImmediate where there is one (Node, Bun), else a
 * MessageChannel (browsers: no 4 ms clamp of nested timers), else setTimeout.
 */
const macrotask =
  typeof setImmediate === 'function'
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
  /** `onFail` (the glue's) marks the component poisoned when the store fails. */
  constructor(onFail = null) {
    this.waiting = []; // threads with a ready function, in parking order
    this.cur = null; // the thread whose core code runs now (set on every entry into wasm)
    this.depth = 0; // nesting of pump/entries (Store.nesting_depth)
    this.scheduled = false;
    this.hostPending = 0; // host promises (async imports, host streams) not yet settled
    this.roots = new Set(); // host-facing calls awaiting a result: { reject(e) }
    // the other host-facing waiters, each { reject(e) }: streams and futures
    // JS holds (reader or source), host-import Promises a guest waits for
    this.waiters = new Set();
    this.onFail = onFail;
    this.jspi = false; // true when the glue wired blocking built-ins through WebAssembly.Suspending
    this.failure = null;
    this.deadlockCheck = false;
    this.turn = null; // JSPI: the thread whose resumed stack is running (see pump)
    this.entryDepth = 0; // JSPI: entries (promisingEntry) whose caller waits on the JS stack
    this.epoch = 0; // pump passes so far (a thread that yields waits for the next one)
    this.later = false; // a pump is scheduled as a macrotask
    this.spareCall = null; // startFromHost's HostCall of the last call that was over at once
    this.instances = []; // its AsyncInstances (a failure looks through their handles)
    this.joined = false; // a stream or future joins it to another store (copy.js joinStore)
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
    if (this.hostPending === 0 && this.roots.size > 0 && !this.deadlockCheck && !this.joined) {
      // Decided a macrotask later: stacks resumed through JSPI run in microtasks
      // and may still make progress.
      this.deadlockCheck = true;
      setTimeout(() => {
        this.deadlockCheck = false;
        if (
          this.scheduled ||
          this.turn !== null ||
          this.failure !== null ||
          this.hostPending > 0 ||
          this.roots.size === 0
        )
          return;
        if (deferredPumps > 0) return; // a yielding thread (maybe of another store) runs next
        if (this.waiting.some((t) => t.readyFn())) return;
        this.fail(new WebAssembly.RuntimeError('deadlock detected: event loop cannot make further progress'));
      }, 0);
    }
  }
  /** Makes `w` ({ reject(e) }) hear of the store's failure: later, or at once if it failed already. */
  watch(w) {
    if (this.failure !== null) w.reject(this.failure);
    else this.waiters.add(w);
  }
  unwatch(w) {
    this.waiters.delete(w);
  }
  /**
   * The store is dead (a trap, a deadlock, a failed host Promise): the
   * component is poisoned and every host-facing waiter (pending calls, JS-held
   * stream and future ends, pending host imports) fails with `e`, once.
   */
  fail(e) {
    if (this.failure !== null) return;
    this.failure = e;
    this.onFail?.(e);
    for (const r of this.roots) r.reject(e);
    this.roots.clear();
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const w of waiters) w.reject(e);
    this.failJoined(e);
  }
  /**
   * A stream or future with an end held here and one held in another store
   * (`joinStore`, copy.js): that store fails too, as one store would.
   */
  failJoined(e) {
    const others = new Set();
    for (const inst of this.instances) {
      for (const h of inst.handles.slots) {
        const shared = h?.shared;
        if (shared?.moreStores == null) continue;
        for (const s of [shared.store, ...shared.moreStores]) {
          if (s !== this && s.holdsEnd(shared)) others.add(s);
        }
      }
    }
    for (const s of others) s.fail(e);
  }
  /** Whether an instance of this store holds an end of `shared`. */
  holdsEnd(shared) {
    return this.instances.some((inst) => inst.handles.slots.some((h) => h?.shared === shared));
  }
}
