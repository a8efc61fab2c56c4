// wasi:clocks — monotonic-clock (with pollable timers) and wall-clock.
// Timers are `Pollable`s with a deadline: `block`/`poll` sleep the thread
// synchronously (Atomics.wait, or a spin where that is forbidden).
import { Pollable } from './io.js';
import { monotonicNow, monotonicResolution, wallNow } from './time.js';

function u64(v, what) {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  throw new TypeError(`${what}: expected a u64`);
}

/** A pollable that becomes ready at monotonic instant `when` (ns). */
export function timer(when) {
  return new Pollable(() => monotonicNow() >= when, { deadline: when });
}

export function clocksImports() {
  return {
    'wasi:clocks/monotonic-clock': {
      now: monotonicNow,
      resolution: () => monotonicResolution,
      subscribeInstant: (when) => timer(u64(when, 'subscribe-instant')),
      subscribeDuration: (d) => timer(monotonicNow() + u64(d, 'subscribe-duration')),
    },
    'wasi:clocks/wall-clock': {
      now: wallNow,
      resolution: () => ({ seconds: 0n, nanoseconds: 1000 }),
    },
  };
}
