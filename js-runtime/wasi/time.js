// Time primitives shared by wasi:clocks and wasi:io/poll: a monotonic clock
// in nanoseconds (BigInt) and a synchronous sleep. No `node:` imports, so the
// browser entry can use this file too.

const hrtime = globalThis.process?.hrtime?.bigint;
const perf = globalThis.performance;

/** Monotonic time in nanoseconds since an arbitrary origin. */
export const monotonicNow = typeof hrtime === 'function' ? () => hrtime() : () => BigInt(Math.round(perf.now() * 1e6));

/** Resolution of `monotonicNow` in nanoseconds. */
export const monotonicResolution = typeof hrtime === 'function' ? 1n : 1000n;

/** Wall-clock time as `{ seconds, nanoseconds }` since the Unix epoch. */
export function wallNow() {
  if (perf && typeof perf.timeOrigin === 'number') {
    const ns = BigInt(Math.round(perf.timeOrigin * 1e3)) * 1000n + BigInt(Math.round(perf.now() * 1e6));
    return { seconds: ns / 1_000_000_000n, nanoseconds: Number(ns % 1_000_000_000n) };
  }
  const ms = Date.now();
  return { seconds: BigInt(Math.floor(ms / 1000)), nanoseconds: (ms % 1000) * 1e6 };
}

// Atomics.wait needs a SharedArrayBuffer and is forbidden on a browser's main
// thread; there the sleep falls back to spinning on the clock.
let cell = null;
function atomicsSleep(ms) {
  if (cell === false) return false;
  try {
    cell ??= new Int32Array(new SharedArrayBuffer(4));
    Atomics.wait(cell, 0, 0, ms);
    return true;
  } catch {
    cell = false;
    return false;
  }
}

/** Blocks the thread until `monotonicNow() >= deadline` (BigInt ns). */
export function sleepUntil(deadline) {
  for (;;) {
    const left = deadline - monotonicNow();
    if (left <= 0n) return;
    const ms = Number(left / 1_000_000n);
    if (ms >= 1) {
      if (!atomicsSleep(Math.min(ms, 2 ** 31 - 1))) spin(deadline);
    } else {
      spin(deadline);
    }
  }
}

function spin(deadline) {
  while (monotonicNow() < deadline) {
    /* busy-wait: no blocking primitive here */
  }
}
