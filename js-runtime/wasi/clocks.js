// wasi:clocks — monotonic-clock (with pollable timers) and wall-clock.
// Timers are `Pollable`s with a deadline: `block`/`poll` sleep the thread
// synchronously (Atomics.wait, or a spin where that is forbidden), or, in
// JSPI mode (`opts.jspi`), return a Promise that a `setTimeout` settles.
import { Pollable } from './io.js';
import { monotonicNow, monotonicResolution, wallNow } from './time.js';

function u64(v, what) {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  throw new TypeError(`${what}: expected a u64`);
}

/** A pollable that becomes ready at monotonic instant `when` (ns). */
export function timer(when, jspi = false) {
  return new Pollable(() => monotonicNow() >= when, { deadline: when, jspi });
}

/**
 * wasi:clocks/timezone (unstable in 0.2.x). The host's time zone is ambient
 * information, so it is UTC unless granted: `timezone: 'local'` uses the JS
 * engine's local zone.
 */
function timezone(option) {
  const local = option === 'local';
  const offset = (when) => {
    if (!local) return 0;
    const ms = Number(BigInt(when.seconds) * 1000n) + Math.floor(when.nanoseconds / 1e6);
    return -new Date(ms).getTimezoneOffset() * 60 || 0;
  };
  const name = local ? (Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'local') : 'UTC';
  return {
    utcOffset: offset,
    display(when) {
      const utcOffset = offset(when);
      const jan = offset({ seconds: BigInt(Date.UTC(new Date().getUTCFullYear(), 0, 1) / 1000), nanoseconds: 0 });
      const jul = offset({ seconds: BigInt(Date.UTC(new Date().getUTCFullYear(), 6, 1) / 1000), nanoseconds: 0 });
      return { utcOffset, name, inDaylightSavingTime: jan !== jul && utcOffset === Math.max(jan, jul) };
    },
  };
}

export function clocksImports(opts = {}) {
  const jspi = !!opts.jspi;
  return {
    'wasi:clocks/monotonic-clock': {
      now: monotonicNow,
      resolution: () => monotonicResolution,
      subscribeInstant: (when) => timer(u64(when, 'subscribe-instant'), jspi),
      subscribeDuration: (d) => timer(monotonicNow() + u64(d, 'subscribe-duration'), jspi),
    },
    'wasi:clocks/wall-clock': {
      now: wallNow,
      resolution: () => ({ seconds: 0n, nanoseconds: 1000 }),
    },
    'wasi:clocks/timezone': timezone(opts.timezone),
  };
}
