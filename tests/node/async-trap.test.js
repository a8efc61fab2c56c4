// A trap inside an async component reaches every JS waiter that depends on
// it (fixtures/components/async-trap.wat): the instance is poisoned, each
// pending export Promise, JS-read stream or future, JS-written stream and
// pending host import fails with that same WebAssembly.RuntimeError, and a
// later call of any export fails at once. A test that hangs fails by its
// timeout (or by Node's "Promise resolution is still pending" when nothing
// keeps the event loop alive), never by a timed assertion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { instantiate, jcoSkip, tmp, transpile } from './harness.js';

const opts = { ...jcoSkip('weft-specific poisoning'), timeout: 10_000 };
const isTrap = (e) => e instanceof WebAssembly.RuntimeError;
const outOfBounds = (e) => isTrap(e) && /out of bounds|out-of-bounds|exceeds|range/i.test(e.message);

/** An instance whose `wait` import never returns, recording the abort reason it gets. */
async function load() {
  const host = { aborted: null, calls: 0 };
  const e = await instantiate('async-trap', {
    wait: ({ signal }) => {
      host.calls++;
      signal.addEventListener('abort', () => {
        host.aborted = signal.reason;
      });
      return new Promise(() => {});
    },
  });
  return { e, host };
}

/** Every export of the poisoned instance fails at once with a RuntimeError. */
async function assertPoisoned(e) {
  assert.throws(
    () => e.ping(),
    (err) => isTrap(err) && /poisoned/.test(err.message),
  );
  await assert.rejects(e.trapLater(), (err) => isTrap(err) && /poisoned/.test(err.message));
  await assert.rejects(e.hang(), isTrap);
}

test('a guest that traps in stream.write errors the stream JS reads', opts, async () => {
  const { e } = await load();
  const s = await e.trapStream();
  const reader = s.getReader();
  let trap;
  await assert.rejects(reader.read(), (err) => {
    trap = err;
    return outOfBounds(err);
  });
  // a later read fails at once with the same trap
  await assert.rejects(reader.read(), (err) => err === trap);
  await assertPoisoned(e);
});

test('a trap in one export rejects the pending Promise of another', opts, async () => {
  const { e, host } = await load();
  const pending = e.hang();
  const later = e.trapLater();
  let trap;
  await assert.rejects(later, (err) => {
    trap = err;
    return isTrap(err);
  });
  await assert.rejects(pending, (err) => err === trap);
  // the host import the guest was waiting for hears of it through its signal
  assert.equal(host.calls, 1);
  assert.equal(host.aborted, trap);
  await assertPoisoned(e);
});

test('a synchronous trap rejects the pending Promise of another call', opts, async () => {
  const { e, host } = await load();
  const pending = e.hang();
  let trap;
  await assert.rejects(e.trapNow(), (err) => {
    trap = err;
    return isTrap(err);
  });
  await assert.rejects(pending, (err) => err === trap);
  assert.equal(host.aborted, trap);
  await assertPoisoned(e);
});

test('a trap in a sync export rejects the pending Promise of an async call', opts, async () => {
  const { e, host } = await load();
  const pending = e.hang();
  let trap;
  assert.throws(
    () => e.trapSync(),
    (err) => {
      trap = err;
      return isTrap(err);
    },
  );
  await assert.rejects(pending, (err) => err === trap);
  assert.equal(host.aborted, trap);
  await assertPoisoned(e);
});

test('a guest that traps in future.write rejects the future JS reads', opts, async () => {
  const { e } = await load();
  await assert.rejects(e.trapFuture(), outOfBounds);
  await assertPoisoned(e);
});

test('a guest that traps while reading a JS-written stream cancels the JS source', opts, async () => {
  const { e } = await load();
  let pulls = 0;
  let cancelled;
  const reason = new Promise((resolve) => {
    cancelled = resolve;
  });
  const source = new ReadableStream(
    {
      pull(c) {
        pulls++;
        c.enqueue(Uint8Array.of(1, 2, 3, 4));
      },
      cancel: cancelled,
    },
    { highWaterMark: 0 },
  );
  assert.equal(await e.consume(source), 4);
  assert.ok(outOfBounds(await reason), 'the source is cancelled with the trap');
  assert.equal(pulls, 1);
  await assertPoisoned(e);
});

test('nothing keeps the process alive after a trap', opts, () => {
  // a child process reads a stream whose writer traps, then simply ends: it
  // must exit by itself (code 0), with no pending timer or handle
  const js = transpile('async-trap', { instantiation: 'async' });
  const dir = tmp('trap-exit');
  const main = join(dir, 'main.mjs');
  writeFileSync(
    main,
    `import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
const js = ${JSON.stringify(pathToFileURL(js).href)};
const mod = await import(js);
const dir = dirname(fileURLToPath(js));
const e = await mod.instantiate((p) => WebAssembly.compile(readFileSync(join(dir, p))), { wait: () => new Promise(() => {}) });
const pending = e.hang();
const s = await e.trapStream();
const errs = await Promise.allSettled([s.getReader().read(), pending]);
console.log(errs.map((r) => r.status + ':' + (r.reason instanceof WebAssembly.RuntimeError)).join(' '));
`,
  );
  const out = execFileSync(process.execPath, [main], { encoding: 'utf8', timeout: 8000 });
  assert.equal(out.trim(), 'rejected:true rejected:true');
});

test('a stream from one component to another through JS carries the trap to the reader', opts, async () => {
  // A (async-trap.wat) returns a stream, then traps writing it; B, a component
  // transpiled on its own (fixtures/guests/async-bench, a store of its own),
  // reads it as a JS source: the source errors with A's trap, which fails B
  // too, as a rejected host-import Promise does (docs/async-design.md).
  const { e: a } = await load();
  const b = (await instantiate('async-bench', { 'test:async-bench/host': { tick: () => 1 } })).bench;
  const s = await a.trapStream();
  await assert.rejects(b.consume(s, 16), outOfBounds);
  await assertPoisoned(a);
  assert.throws(
    () => b.nopSync(),
    (err) => isTrap(err) && /poisoned/.test(err.message),
  );
  await assert.rejects(b.nop(), (err) => isTrap(err) && /poisoned/.test(err.message));
});

test(
  'a stream handed straight to a second instantiation of the same glue carries the trap to the reader',
  opts,
  async () => {
    // The same glue module instantiated twice: two stores, one runtime, so the
    // stream moves from A to B without a JS source in between.
    const { e: a } = await load();
    const { e: b } = await load();
    const s = await a.trapStream();
    await assert.rejects(b.consume(s), outOfBounds);
    await assertPoisoned(a);
    await assertPoisoned(b);
  },
);
