// wasi:clocks@0.3.x — monotonic-clock with `async` waits (a `setTimeout`,
// cancelled when the guest cancels the call), system-clock, and timezone.
// `now` is the 0.2 monotonic `now` (same name, same meaning).
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

/**
 * wasi:clocks/timezone@0.3: UTC unless `timezone: 'local'` grants the host's
 * zone (as on 0.2). Its `utc-offset` differs from 0.2's (nanoseconds, an
 * option), so it has a key of its own (`@0.3`).
 */
function timezone3(option) {
  const local = option === 'local';
  const zone = local ? Intl.DateTimeFormat().resolvedOptions().timeZone : 'UTC';
  return {
    ianaId: () => zone,
    utcOffset(when) {
      if (!local) return 0n;
      const ms = Number(BigInt(when.seconds) * 1000n) + Math.floor(when.nanoseconds / 1e6);
      const minutes = -new Date(ms).getTimezoneOffset();
      return Number.isFinite(minutes) ? BigInt(minutes) * 60_000_000_000n : undefined;
    },
    toDebugString: () => zone ?? 'local',
  };
}

/** opts: { timezone: 'local' | undefined } as for the 0.2 host. */
export function clocks3Imports(opts = {}) {
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
    'wasi:clocks/timezone@0.3': timezone3(opts.timezone),
  };
}
