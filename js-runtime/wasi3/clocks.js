// wasi:clocks@0.3.x — monotonic-clock with `async` waits (a `setTimeout`,
// cancelled when the guest cancels the call), system-clock, and the 0.3
// timezone functions. `now` is the 0.2 monotonic `now` (same name, same
// meaning); the 0.3 `utc-offset` is not provided here because its 0.2 twin
// holds the name (see README.md).
import { monotonicNow, monotonicResolution, wallNow } from '../wasi/time.js';

const MAX_TIMEOUT_MS = 2 ** 31 - 1; // setTimeout's limit; longer waits re-arm

function u64(v, what) {
  if (typeof v === 'bigint' && v >= 0n) return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  throw new TypeError(`${what}: expected a u64`);
}

/**
 * Resolves once `monotonicNow() >= deadline` (BigInt ns). `signal` (the
 * glue's per-call AbortSignal) clears the timer when the guest cancels.
 */
export function sleepUntilAsync(deadline, signal) {
  return new Promise((resolve) => {
    let timer = null;
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const arm = () => {
      const left = deadline - monotonicNow();
      if (left <= 0n) {
        signal?.removeEventListener?.('abort', onAbort);
        resolve();
        return;
      }
      // round up: a timer never fires early, so one turn usually suffices
      const ms = Number((left + 999_999n) / 1_000_000n);
      timer = setTimeout(arm, Math.min(ms, MAX_TIMEOUT_MS));
    };
    signal?.addEventListener?.('abort', onAbort, { once: true });
    arm();
  });
}

/** opts: { timezone: 'local' | undefined } as for the 0.2 host. */
export function clocks3Imports(opts = {}) {
  const local = opts.timezone === 'local';
  const zone = local ? Intl.DateTimeFormat().resolvedOptions().timeZone ?? undefined : 'UTC';
  return {
    'wasi:clocks/types': {},
    'wasi:clocks/monotonic-clock': {
      getResolution: () => monotonicResolution,
      waitUntil: (when, ctx) => sleepUntilAsync(u64(when, 'wait-until'), ctx?.signal),
      waitFor: (d, ctx) => sleepUntilAsync(monotonicNow() + u64(d, 'wait-for'), ctx?.signal),
    },
    'wasi:clocks/system-clock': {
      now: wallNow,
      getResolution: () => 1000n,
    },
    'wasi:clocks/timezone': {
      ianaId: () => zone,
      toDebugString: () => zone ?? 'local',
    },
  };
}
