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
//
// This file gathers the scheduler's modules (the glue inlines them all when it
// uses the scheduler); each holds one concern:
//   pump.js      the Store: the queue of waiting threads and the pump
//   tasks.js     instances (entering sets), threads (continuations), tasks
//   lift.js      lifted functions: the callback form and the own-stack form
//   blocking.js  blocking a wasm stack (blockOn), JSPI detection
//   entry.js     calls from the host, sync-typed calls, start functions
//   builtins.js  task-level built-ins: yield, context, backpressure, return, cancel
//   threads.js   cooperative threads (canon thread.*)
export * from './pump.js';
export * from './tasks.js';
export * from './lift.js';
export * from './blocking.js';
export * from './entry.js';
export * from './builtins.js';
export * from './threads.js';
