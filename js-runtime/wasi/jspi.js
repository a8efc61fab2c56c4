// JSPI mode: waiting with Promises instead of blocking the thread.
//
// Under glue built with `weft transpile --async-mode jspi --async-imports
// <jspi-imports.json>`, the host functions listed in jspi-imports.json are
// wrapped in `WebAssembly.Suspending`: when one returns a Promise, the wasm
// stack suspends until it settles. A host created with `createWasi({ jspi:
// true })` (browser.js) makes its pollables `jspi` and gives them
// `whenReady()`; `poll` then returns a Promise where the synchronous host
// would have to block (or could not wait at all), and the ready indices
// directly when something is ready. This file owns that asynchronous wait.
import { monotonicNow } from './time.js';

export const isThenable = (v) =>
  v !== null && (typeof v === 'object' || typeof v === 'function') && typeof v.then === 'function';

/** `f(v)`, or a Promise of it when `v` is a Promise: one code path for both modes. */
export const andThen = (v, f) => (isThenable(v) ? Promise.resolve(v).then(f) : f(v));

/** Indices of the ready pollables. */
export function readyIndices(list) {
  const ready = [];
  for (let i = 0; i < list.length; i++) if (list[i].ready()) ready.push(i);
  return ready;
}

/**
 * Promise of the ready indices, once at least one pollable is ready: waits for
 * the pollables' `whenReady()` Promises and a `setTimeout` to the earliest
 * timer deadline, whichever comes first, then checks again. Throws (at once)
 * when nothing in the list can ever become ready.
 */
export function pollAsync(list) {
  const first = nextWake(list);
  if (first === null) {
    throw new Error('wasi:io/poll.poll: none of the pollables can become ready (no timer, no event to wait for)');
  }
  return (async () => {
    for (let wake = first; ; wake = nextWake(list)) {
      if (wake === null) throw new Error('wasi:io/poll.poll: none of the pollables can become ready any more');
      await wake;
      const ready = readyIndices(list);
      if (ready.length > 0) return Uint32Array.from(ready);
    }
  })();
}

/** A Promise that settles at the next event that may make a pollable of `list` ready, or null. */
function nextWake(list) {
  const waits = [];
  let deadline;
  for (const p of list) {
    const w = p.whenReady?.();
    if (isThenable(w)) waits.push(Promise.resolve(w).catch(() => {})); // failures surface at the next read
    if (p.deadline !== undefined && (deadline === undefined || p.deadline < deadline)) deadline = p.deadline;
  }
  if (deadline === undefined) return waits.length > 0 ? Promise.race(waits) : null;
  let timer;
  const ms = Math.max(0, Math.ceil(Number(deadline - monotonicNow()) / 1e6));
  waits.push(
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  );
  return Promise.race(waits).finally(() => clearTimeout(timer));
}
