// End-to-end prototypes: real core wasm wired to the async runtime by hand,
// the way the emitter will generate glue (see docs/async-design.md §3).
//  1. wait-during-callback.wast's core module, callback-lifted, no JSPI.
//  2. a callback-form core that calls an async-lowered host import and then
//     blocks in waitable-set.wait: traps without JSPI, completes with it
//     (run with `node --experimental-wasm-jspi` on Node 24 to exercise).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store, AsyncInstance, liftCallback, callFromHost, taskReturnCheck } from './scheduler.js';
import { WaitableSet, waitableJoin, waitableSetNew, waitableSetWait } from './waitable.js';
import { callSubtask, asyncLowerResult, hostCallee } from './subtask.js';
import { GuestBuffer, futureNew, futureCopy, ReadableFutureEnd, WritableFutureEnd } from './copy.js';
import { getAs } from './table.js';

const WAIT_DURING_CALLBACK =
  'AGFzbQEAAAABHwZgAX8AYAJ/fwBgAAF/YAJ/fwF/YAABfmADf39/AX8CfwgAA21lbQIAAQALdGFzay5yZXR1cm4AAAANd2FpdGFibGUuam9pbgABABB3YWl0YWJsZS1zZXQubmV3AAIAEXdhaXRhYmxlLXNldC53YWl0AAMACmZ1dHVyZS5uZXcABAALZnV0dXJlLnJlYWQAAwAMZnV0dXJlLndyaXRlAAMDAwICBQcQAgNydW4ABwZydW5fY2IACAp6AnQDAX8BfgV/EAQhASABpyECIAFCIIinIQMgAkHv/bb1fRAFIQBBfyAARwRAAAsgA0Hv/bb1fRAGIQBBACAARwRAAAsQAiEEIAIgBBABQQAhBiAEIAYQAyEFQQQgBUcEQAALIAIgBigCAEcEQAALQSoQAEEACwMAAAsAqAEEbmFtZQFuCAALdGFzay5yZXR1cm4BDXdhaXRhYmxlLmpvaW4CEHdhaXRhYmxlLXNldC5uZXcDEXdhaXRhYmxlLXNldC53YWl0BApmdXR1cmUubmV3BQtmdXR1cmUucmVhZAYMZnV0dXJlLndyaXRlBwNydW4CMQEHBwADcmV0AQVyZXQ2NAIEZnV0cgMEZnV0dwQCd3MFCmV2ZW50X2NvZGUGBHJldHA=';
const BLOCKING_WAIT =
  'AGFzbQEAAAABIAZgAX8AYAJ/fwBgAAF/YAJ/fwF/YAF/AX9gA39/fwF/AlsGAANtZW0CAAEAC3Rhc2sucmV0dXJuAAAADXdhaXRhYmxlLmpvaW4AAQAQd2FpdGFibGUtc2V0Lm5ldwACABF3YWl0YWJsZS1zZXQud2FpdAADAAVzbGVlcAAEAwMCAgUHEAIDcnVuAAUGcnVuX2NiAAYKRgJAAQN/QQcQBCEAIABBD3FBAUcEQAALEAIhASAAQQR2IAEQASABQQAQAyECIAJBAUcEQAALQQQoAgBBKGoQAEEACwMAAAsAQgRuYW1lASgFAAt0YXNrLnJldHVybgEEam9pbgIFd3NuZXcDBHdhaXQEBXNsZWVwAhEBBQMAAnN0AQJ3cwIEY29kZQ==';
const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const CB = { async: true, callback: true };
const UNIT = { name: '()', numeric: true }; // `future` with no payload

/** What the emitter would generate for one component instance with these built-ins. */
function glue(store, inst, mem, { suspending = (f) => f } = {}) {
  const dv = () => new DataView(mem.buffer);
  const storeEvent = (ptr, ev) => {
    dv().setUint32(ptr, ev[1], true);
    dv().setUint32(ptr + 4, ev[2], true);
    return ev[0];
  };
  const noElems = (ptr) => () => new GuestBuffer(0, ptr, 1, null, null, null);
  return {
    mem,
    'task.return': (v) => taskReturnCheck(store, 'u32').return_([v >>> 0]),
    'waitable.join': (w, s) => waitableJoin(inst, w, s),
    'waitable-set.new': () => waitableSetNew(inst),
    'waitable-set.wait': suspending((si, ptr) => {
      const thread = store.cur;
      const ev = waitableSetWait(store, si, false);
      if (!(ev instanceof Promise)) return storeEvent(ptr, ev);
      return ev.then((e) => {
        store.cur = thread; // every re-entry into wasm sets the current thread
        return storeEvent(ptr, e);
      });
    }),
    'future.new': () => futureNew(inst, UNIT),
    'future.read': (i, ptr) => futureCopy(store, ReadableFutureEnd, UNIT, true, i, noElems(ptr)),
    'future.write': (i, ptr) => futureCopy(store, WritableFutureEnd, UNIT, true, i, noElems(ptr)),
  };
}

function exportRun(store, inst, core, { promising = (f) => f } = {}) {
  const run = promising(core.exports.run);
  const fi = liftCallback(
    inst,
    true,
    CB,
    'run',
    ['u32', null],
    () => run(),
    (c, p1, p2) => core.exports.run_cb(c, p1, p2),
    (i) => getAs(inst.handles, i, WaitableSet, 'waitable-set.wait'),
  );
  return () => callFromHost(store, fi, []).then(([v]) => v);
}

test('wait-during-callback.wast: waitable-set.wait with a ready event needs no JSPI', async () => {
  const store = new Store();
  const inst = new AsyncInstance(store);
  const mem = new WebAssembly.Memory({ initial: 1 });
  const core = new WebAssembly.Instance(new WebAssembly.Module(bytes(WAIT_DURING_CALLBACK)), {
    '': glue(store, inst, mem),
  });
  const run = exportRun(store, inst, core);
  assert.equal(await run(), 42);
  assert.equal(inst.threads.size, 0);
});

function blockingWorld(jspi) {
  const store = new Store();
  store.jspi = jspi;
  const inst = new AsyncInstance(store);
  const mem = new WebAssembly.Memory({ initial: 1 });
  const sleepHost = hostCallee(store, (ms) => new Promise((r) => setTimeout(r, ms)));
  const imports = glue(store, inst, mem, jspi ? { suspending: (f) => new WebAssembly.Suspending(f) } : {});
  // an async-lowered import (param i32) -> i32 packed subtask
  imports.sleep = (ms) =>
    asyncLowerResult(
      store.cur,
      callSubtask(
        store.cur,
        sleepHost,
        () => [ms],
        () => {},
      ),
    );
  const core = new WebAssembly.Instance(new WebAssembly.Module(bytes(BLOCKING_WAIT)), { '': imports });
  return { store, inst, run: exportRun(store, inst, core, jspi ? { promising: WebAssembly.promising } : {}) };
}

test('a callback-form core that must block in waitable-set.wait traps clearly without JSPI', async () => {
  const { run } = blockingWorld(false);
  await assert.rejects(
    run(),
    (e) =>
      e instanceof WebAssembly.RuntimeError && /waitable-set.wait in run must block, which needs JSPI/.test(e.message),
  );
});

test('with JSPI the same core suspends in waitable-set.wait and completes', {
  skip: typeof WebAssembly.Suspending !== 'function' && 'no JSPI in this engine',
}, async () => {
  const { run, store, inst } = blockingWorld(true);
  assert.equal(await run(), 42);
  assert.equal(store.failure, null);
  assert.equal(inst.threads.size, 0);
});
