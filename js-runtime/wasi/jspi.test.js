// JSPI mode of the browser host (createWasi({ jspi: true })): the blocking
// calls return a Promise where they must wait, stdin may be asynchronous, and
// jspi-imports.json names exactly the functions that may do so. No wasm
// needed: the host functions are called the way the glue calls them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createWasi, opfsDirectory } from './browser.js';
import { createWasi as createNodeWasi } from './index.js';
import { FakeDirectoryHandle } from './testing/fake-opfs.js';

const JSPI_IMPORTS = JSON.parse(readFileSync(new URL('./jspi-imports.json', import.meta.url), 'utf8'));
const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const later = (ms, v) => new Promise((r) => setTimeout(() => r(v), ms));
const isTag = (tag) => (e) => e?.tag === tag;

/** A stdin whose data the "page" supplies later: `feed(text)`, `end()`. */
function typedInput() {
  const queue = [];
  let waiting = null;
  const fn = () => {
    if (queue.length > 0) return queue.shift();
    return new Promise((r) => {
      waiting = r;
    });
  };
  const give = (v) => {
    if (!waiting) return queue.push(v);
    waiting(v);
    waiting = null;
  };
  return { fn, feed: (text) => give(text), end: () => give(null) };
}

const camel = (s) => s.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
const upper = (s) => camel(s).replace(/^./, (c) => c.toUpperCase());

/** Where the host function a `--async-imports` name denotes lives: [holder, key]. */
function resolveImport(wasi, name) {
  const [iface, func] = name.split('#');
  const entry = wasi[iface];
  assert.ok(entry, `${name}: no ${iface} in the import object`);
  const m = func.match(/^\[method\]([a-z0-9-]+)\.([a-z0-9-]+)$/);
  if (!m) return [entry, camel(func)];
  const cls = entry[upper(m[1])];
  assert.equal(typeof cls, 'function', `${name}: no resource class ${upper(m[1])}`);
  return [cls.prototype, camel(m[2])];
}

/** Runs `fn()` with the host function at [holder, key] spied on; returns what that function returned. */
function spied([holder, key], fn) {
  const orig = holder[key];
  const seen = [];
  holder[key] = function (...args) {
    const r = orig.apply(this, args);
    seen.push(r);
    return r;
  };
  try {
    fn();
  } finally {
    holder[key] = orig;
  }
  assert.equal(seen.length, 1, `${key} was called once`);
  return seen[0];
}

/** A file written on the OPFS preopen, then synced by `sync(descriptor)`. */
function syncCase(name, sync) {
  const call = (w) => {
    const [[dir]] = w['wasi:filesystem/preopens'].getDirectories();
    const f = dir.openAt({}, name, { create: true }, { read: true, write: true });
    f.write(enc('data'), 0n);
    return sync(f);
  };
  return [call, (_v, h) => assert.equal(h.opfs.text(name), 'data')];
}

/**
 * For each listed import: called the way the glue calls it, in a situation
 * where it must wait (stdin empty until the page feeds it, a 10 ms timer, a
 * sink that takes 5 ms, an OPFS write-back), with the value it settles to.
 */
const WAITS = {
  'wasi:io/poll#poll': [
    (w) => w['wasi:io/poll'].poll([w['wasi:cli/stdin'].getStdin().subscribe()]),
    (v) => assert.deepEqual([...v], [0]),
  ],
  'wasi:io/poll#[method]pollable.block': [
    (w) => w['wasi:clocks/monotonic-clock'].subscribeDuration(10_000_000n).block(),
    (v) => assert.equal(v, undefined),
  ],
  'wasi:io/streams#[method]input-stream.blocking-read': [
    (w) => w['wasi:cli/stdin'].getStdin().blockingRead(10n),
    (v) => assert.equal(dec(v), 'typed'),
  ],
  'wasi:io/streams#[method]input-stream.blocking-skip': [
    (w) => w['wasi:cli/stdin'].getStdin().blockingSkip(10n),
    (v) => assert.equal(v, 5n),
  ],
  'wasi:io/streams#[method]output-stream.blocking-write-and-flush': [
    (w) => w['wasi:cli/stdout'].getStdout().blockingWriteAndFlush(enc('x')),
    (_v, h) => assert.deepEqual(h.written, [120]),
  ],
  'wasi:io/streams#[method]output-stream.blocking-flush': [
    (w) => {
      const out = w['wasi:cli/stdout'].getStdout();
      out.write(enc('y'));
      return out.blockingFlush();
    },
    (_v, h) => assert.deepEqual(h.written, [121]),
  ],
  'wasi:io/streams#[method]output-stream.blocking-write-zeroes-and-flush': [
    (w) => w['wasi:cli/stdout'].getStdout().blockingWriteZeroesAndFlush(3n),
    (_v, h) => assert.deepEqual(h.written, [0, 0, 0]),
  ],
  'wasi:io/streams#[method]output-stream.blocking-splice': [
    (w) => w['wasi:cli/stdout'].getStdout().blockingSplice(w['wasi:cli/stdin'].getStdin(), 10n),
    (v, h) => {
      assert.equal(v, 5n);
      return h.wasi['wasi:cli/stdout'].getStdout().blockingFlush(); // the write itself finishes later
    },
  ],
  'wasi:filesystem/types#[method]descriptor.sync': syncCase('f.txt', (f) => f.sync()),
  'wasi:filesystem/types#[method]descriptor.sync-data': syncCase('g.txt', (f) => f.syncData()),
};

/** A JSPI host whose stdin is typed later, whose stdout takes 5 ms per write, with an OPFS preopen. */
async function waitingHost(jspi = true) {
  const input = typedInput();
  const opfs = new FakeDirectoryHandle();
  const tree = await opfsDirectory(opfs);
  const written = [];
  const wasi = createWasi({
    jspi,
    stdin: input.fn,
    stdout: (bytes) => later(5).then(() => written.push(...bytes)),
    stderr: null,
    preopens: { '/': { opfs: tree } },
  });
  return { wasi, input, written, opfs };
}

/** Settled within `ms`? */
const settlesWithin = (p, ms) =>
  Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    later(ms, false),
  ]);

test('jspi-imports.json: unversioned `iface#func` names, no duplicates, each a real host function', () => {
  assert.ok(Array.isArray(JSPI_IMPORTS) && JSPI_IMPORTS.length > 0);
  assert.equal(new Set(JSPI_IMPORTS).size, JSPI_IMPORTS.length);
  const wasi = createWasi({ jspi: true });
  for (const name of JSPI_IMPORTS) {
    assert.match(name, /^wasi:[a-z-]+\/[a-z-]+#(\[method\][a-z-]+\.)?[a-z-]+$/, name);
    const [holder, key] = resolveImport(wasi, name);
    assert.equal(typeof holder[key], 'function', `${name} is not provided`);
  }
  assert.deepEqual(Object.keys(WAITS).sort(), [...JSPI_IMPORTS].sort(), 'every listed import has a waiting case here');
});

for (const name of JSPI_IMPORTS) {
  test(`jspi: ${name} returns a Promise while it must wait, then settles`, async () => {
    const host = await waitingHost();
    const [call, check] = WAITS[name];
    const r = spied(resolveImport(host.wasi, name), () => call(host.wasi));
    assert.ok(r instanceof Promise, `${name} returned ${r} instead of a Promise`);
    assert.equal(await settlesWithin(r, 1), false, 'it waits');
    host.input.feed('typed');
    assert.ok(await settlesWithin(r, 2000), 'it settles once it can');
    await check(await r, host);
  });
}

test('jspi: nothing to wait for -> plain values, no Promise', async () => {
  const w = createWasi({ jspi: true, stdin: 'abc', stdout: null });
  const stdin = w['wasi:cli/stdin'].getStdin();
  const poll = w['wasi:io/poll'].poll([stdin.subscribe(), w['wasi:clocks/monotonic-clock'].subscribeDuration(0n)]);
  assert.ok(poll instanceof Uint32Array);
  assert.equal(dec(stdin.blockingRead(2n)), 'ab');
  assert.equal(stdin.blockingSkip(5n), 1n);
  assert.throws(() => stdin.blockingRead(1n), isTag('closed'));
  assert.equal(w['wasi:cli/stdout'].getStdout().blockingWriteAndFlush(enc('x')), undefined);
  assert.equal(w['wasi:clocks/monotonic-clock'].subscribeDuration(0n).block(), undefined);
});

test('jspi: a timer waits with setTimeout (the event loop keeps running), not by spinning', async () => {
  const w = createWasi({ jspi: true });
  const mc = w['wasi:clocks/monotonic-clock'];
  const t0 = mc.now();
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 1);
  const slow = mc.subscribeDuration(5_000_000_000n);
  const ready = await w['wasi:io/poll'].poll([slow, mc.subscribeDuration(40_000_000n)]);
  clearInterval(ticker);
  assert.deepEqual([...ready], [1]);
  assert.ok(mc.now() - t0 >= 40_000_000n);
  assert.ok(ticks >= 3, `the event loop ran meanwhile (${ticks} ticks)`);
});

test('jspi: poll over stdin and a long timer wakes on input (and clears its timer)', async () => {
  const host = await waitingHost();
  const mc = host.wasi['wasi:clocks/monotonic-clock'];
  const stdin = host.wasi['wasi:cli/stdin'].getStdin();
  const p = host.wasi['wasi:io/poll'].poll([mc.subscribeDuration(60_000_000_000n), stdin.subscribe()]);
  assert.ok(p instanceof Promise);
  setTimeout(() => host.input.feed('hi'), 10);
  assert.deepEqual([...(await p)], [1]);
  assert.equal(dec(stdin.read(10n)), 'hi');
});

test('jspi: stdin as a ReadableStream and as an async iterable, to the end', async () => {
  async function* lines() {
    yield 'first line\n';
    await later(10);
    yield enc('second\n');
  }
  const stream = new ReadableStream(
    {
      async pull(controller) {
        await later(5);
        if (this.n === undefined) this.n = 0;
        if (this.n++ < 2) controller.enqueue(enc(`chunk ${this.n}\n`));
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  for (const [what, stdin, want] of [
    ['iterable', lines(), 'first line\nsecond\n'],
    ['stream', stream, 'chunk 1\nchunk 2\n'],
  ]) {
    const w = createWasi({ jspi: true, stdin });
    const s = w['wasi:cli/stdin'].getStdin();
    let got = '';
    for (;;) {
      let r;
      try {
        r = s.blockingRead(4n);
        if (r instanceof Promise) r = await r;
      } catch (e) {
        assert.ok(isTag('closed')(e), `${what}: ${e}`);
        break;
      }
      assert.ok(r.length > 0 && r.length <= 4, `${what}: a blocking read returns data`);
      got += dec(r);
    }
    assert.equal(got, want, what);
  }
});

test('jspi: a failing async stdin is last-operation-failed; a failing async sink too, on the next call', async () => {
  const w = createWasi({
    jspi: true,
    stdin: () => Promise.reject(new Error('keyboard unplugged')),
    stdout: () => Promise.reject(new Error('pipe gone')),
  });
  const s = w['wasi:cli/stdin'].getStdin();
  await assert.rejects(
    s.blockingRead(1n),
    (e) => e.tag === 'last-operation-failed' && /keyboard unplugged/.test(e.val.toDebugString()),
  );
  const out = w['wasi:cli/stdout'].getStdout();
  await assert.rejects(
    out.blockingWriteAndFlush(enc('x')),
    (e) => e.tag === 'last-operation-failed' && e.val.toDebugString() === 'pipe gone',
  );
  assert.throws(() => out.checkWrite(), isTag('closed'));
});

test('jspi: a busy sink grants no writes and its pollable waits for it', async () => {
  const host = await waitingHost();
  const out = host.wasi['wasi:cli/stdout'].getStdout();
  out.write(enc('ab'));
  assert.equal(out.checkWrite(), 0n);
  const p = out.subscribe();
  assert.equal(p.ready(), false);
  const blocked = p.block();
  assert.ok(blocked instanceof Promise);
  await blocked;
  assert.ok(out.checkWrite() > 0n);
  assert.deepEqual(host.written, [97, 98]);
});

test('without jspi: the same calls never return a Promise (the Node/sync behaviour stays)', async () => {
  const host = await waitingHost(false);
  const stdin = host.wasi['wasi:cli/stdin'].getStdin();
  assert.throws(
    () => stdin.blockingRead(1n),
    (e) => e.tag === 'last-operation-failed' && /needs JSPI/.test(e.val.toDebugString()),
  );
  assert.equal(host.wasi['wasi:cli/stdout'].getStdout().blockingWriteAndFlush(enc('x')), undefined);
  const t0 = performance.now();
  assert.equal(host.wasi['wasi:clocks/monotonic-clock'].subscribeDuration(5_000_000n).block(), undefined);
  assert.ok(performance.now() - t0 >= 4);
  const [[dir]] = host.wasi['wasi:filesystem/preopens'].getDirectories();
  assert.equal(dir.sync(), undefined);
  const node = createNodeWasi({ jspi: true, stdout: null, stderr: null });
  assert.equal(node['wasi:clocks/monotonic-clock'].subscribeDuration(1_000_000n).block(), undefined);
  assert.throws(() => createWasi({ stdin: new ReadableStream() }), /needs jspi: true/);
  assert.throws(() => createWasi({ jspi: 'yes' }), TypeError);
});
