// In-page ports of a focused part of tests/node/async-guests.test.js: the
// Preview 3 async ABI through the wit-bindgen guests, in the browser.
// /out/async-basics/ (fixtures/build/async-basics.wasm) and /out/async-pipeline/
// (fixtures/compose/async-pipeline.wasm: producer → consumer composed), both
// `--instantiation async`.
//
// JS face (docs/async-design.md §4): async exports return Promises and take a
// trailing `{ signal }`; async host imports may return Promises and get a
// trailing `{ signal }`; stream<u8> out is a ReadableStream of Uint8Array
// chunks; stream<u8> in takes a ReadableStream; future<T> is a Promise.
import assert from '../assert.js';
import { isTrap, load } from '../load.js';

const HOST = 'test:async-basics/host';
const sleep = (ms, v) => new Promise((res) => setTimeout(() => res(v), ms));

/** The host for test:async-basics/host; `calls`/`signals`/`log` record what the guest did. */
function makeHost({ name } = {}) {
  const h = { calls: [], signals: [], log: [] };
  h.imports = {
    hostDelay(ms, opt) {
      h.calls.push(['host-delay', ms]);
      h.signals.push(opt?.signal);
      return new Promise((res, rej) => {
        const t = setTimeout(() => res(ms), ms);
        opt?.signal?.addEventListener(
          'abort',
          () => {
            clearTimeout(t);
            rej(opt.signal.reason);
          },
          { once: true },
        );
      });
    },
    fetchName(id, opt) {
      h.calls.push(['fetch-name', id]);
      h.signals.push(opt?.signal);
      return name ? name(id) : sleep(5, `user${id}`);
    },
    log(msg) {
      h.log.push(msg);
    },
  };
  return h;
}

async function basics(hostOpts) {
  const host = makeHost(hostOpts);
  const root = await load('async-basics', 'async-basics', { [HOST]: host.imports });
  return { api: root.api, host };
}

function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** 'pending' if `p` has not settled after `ms`, else 'fulfilled'/'rejected'. */
async function state(p, ms = 20) {
  const mark = {};
  const r = await Promise.race([
    p.then(
      () => 'fulfilled',
      () => 'rejected',
    ),
    sleep(ms, mark),
  ]);
  return r === mark ? 'pending' : r;
}

async function until(cond, what, ms = 3000) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(5)) if (await cond()) return;
  assert.ok(false, `timed out after ${ms} ms waiting for ${what}`);
}

/** All chunks of a ReadableStream, read with its reader. */
async function readAll(stream) {
  assert.ok(stream instanceof ReadableStream, `expected a ReadableStream, got ${stream?.constructor?.name}`);
  const reader = stream.getReader();
  const chunks = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}

function concat(chunks) {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The consumer guest's digest (len, sum, Fletcher-16-style), as in the Node test. */
function digest(bytes) {
  let sum = 0n,
    a = 0,
    b = 0;
  for (const x of bytes) {
    sum += BigInt(x);
    a = (a + x) % 255;
    b = (b + a) % 255;
  }
  return { len: BigInt(bytes.length), sum, fletcher: (b << 8) | a };
}

export async function asyncImportPromise() {
  const { api, host } = await basics();
  const p = api.addAfterDelay(2, 3, 30);
  assert.ok(p instanceof Promise, 'an async export returns a Promise');
  assert.equal(await state(p, 5), 'pending', 'still waiting for host-delay');
  assert.equal(await p, 5);
  assert.deepEqual(host.calls, [['host-delay', 30]]);
  assert.ok(host.signals[0] instanceof AbortSignal, 'host-delay got a trailing { signal }');
  assert.equal(host.signals[0].aborted, false);
  assert.equal(await api.greet(4), 'hello, user4', "fetch-name's Promise (5 ms later)");
  assert.deepEqual(host.calls, [
    ['host-delay', 30],
    ['fetch-name', 4],
  ]);
}

export async function streamOut() {
  const { api, host } = await basics();
  const chunks = await readAll(await api.generate(10_000, 1000));
  for (const c of chunks)
    assert.ok(c instanceof Uint8Array, `stream<u8> chunk is a Uint8Array, got ${c?.constructor?.name}`);
  const bytes = concat(chunks);
  assert.equal(bytes.length, 10_000);
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== (i & 255)) assert.equal(bytes[i], i & 255, `byte ${i}`);
  await until(() => host.log.includes('generate: done 10000'), 'the guest to finish writing');
}

export async function streamIn() {
  const { api } = await basics();
  const chunks = [
    Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) & 255),
    new Uint8Array(0),
    Uint8Array.of(1, 2, 3, 250),
    Uint8Array.from({ length: 70_000 }, (_, i) => (i * 13 + 1) & 255),
  ];
  let sum = 0n;
  for (const c of chunks) for (const x of c) sum += BigInt(x);
  let pulls = 0;
  const rs = new ReadableStream({
    async pull(ctl) {
      await sleep(2); // a producer that is slower than the guest
      if (pulls < chunks.length) ctl.enqueue(chunks[pulls++]);
      else ctl.close();
    },
  });
  assert.equal(await api.sumStream(rs), sum);
  assert.equal(pulls, chunks.length, 'every chunk was pulled');
}

export async function futures() {
  const gate = deferred();
  const { api, host } = await basics({ name: () => gate.promise });
  // future<string> out: the export's Promise settles with the future's value.
  const value = (async () => await await api.nameLater(3))();
  await until(() => host.calls.length === 1, 'the guest to call fetch-name');
  assert.deepEqual(host.calls, [['fetch-name', 3]]);
  assert.equal(await state(value), 'pending', 'the future waits for fetch-name');
  gate.resolve('late');
  assert.equal(await value, 'late');
  // future<string> in: a Promise settling later.
  const later = deferred();
  const p = api.awaitFuture(later.promise);
  assert.equal(await state(p), 'pending');
  later.resolve('x');
  assert.equal(await p, 'got x');
}

export async function abortSignal() {
  const { api, host } = await basics();
  const before = await api.cancelledCount();
  const ac = new AbortController();
  const p = api.sleep(1_000_000, { signal: ac.signal });
  await until(() => host.calls.length === 1, 'the guest to call host-delay');
  assert.equal(await state(p), 'pending');
  ac.abort();
  await assert.rejects(
    p,
    (e) => (e instanceof Error || e instanceof DOMException) && e.name === 'AbortError',
    'the call rejects with an AbortError',
  );
  await until(() => host.signals[0]?.aborted, "the host import's signal to abort");
  assert.equal(await api.cancelledCount(), before + 1, 'the guest task was dropped');
  assert.ok(host.log.includes('sleep: cancelled'), `guest log: ${host.log}`);
  assert.equal(await api.addAfterDelay(1, 1, 1), 2, 'the instance is still usable');
}

export async function composedPipeline() {
  const pipe = await load('async-pipeline', 'async-pipeline', {});
  const produced = (n) => Uint8Array.from({ length: n }, (_, i) => i % 251); // async-producer's bytes
  assert.deepEqual(await pipe.sink.pull(100_000, 4096), digest(produced(100_000)));
  assert.deepEqual(await pipe.sink.pull(0, 1), digest([]));
  assert.deepEqual([...concat(await readAll(await pipe.sink.invert([1, 2, 3])))], [254, 253, 252]);
}

/**
 * 64 MiB of stream<u8> guest -> JS and guest -> guest (two instances of
 * /out/async-bench/, fixtures/guests/async-bench), three rounds: every byte
 * arrives, with 64 KiB and 64 MiB writes. (Memory stays bounded: checked on
 * Node, tests/node/async-big-streams.test.js; Chromium's heap readings are too
 * coarse to tell.)
 */
export async function bigStreams() {
  const TOTAL = 64 * 2 ** 20;
  const bench = async () =>
    (await load('async-bench', 'async-bench', { 'test:async-bench/host': { tick: () => 1 } })).bench;
  const [a, b] = [await bench(), await bench()];
  for (let i = 0; i < 3; i++) {
    let n = 0;
    const reader = (await a.generate(BigInt(TOTAL), 65536)).getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) n += r.value.length;
    assert.equal(n, TOTAL, 'guest -> JS: every byte');
    assert.equal(
      await b.consume(await a.generate(BigInt(TOTAL), 65536), 65536),
      BigInt(TOTAL),
      'guest -> guest: every byte',
    );
    assert.equal(
      await a.consume(await b.generate(BigInt(TOTAL), TOTAL), 8192),
      BigInt(TOTAL),
      'one 64 MiB write, 8 KiB reads',
    );
  }
}

/**
 * A trap reaches every JS waiter (/out/async-trap/, fixtures/components/async-trap.wat;
 * tests/node/async-trap.test.js): a stream JS reads whose writer traps errors
 * with the trap, so do the pending Promise of another call and the host
 * import's signal, and the poisoned instance refuses later calls.
 */
export async function trapReachesWaiters() {
  let aborted = null;
  const e = await load('async-trap', 'async-trap', {
    wait: ({ signal }) => {
      signal.addEventListener('abort', () => {
        aborted = signal.reason;
      });
      return new Promise(() => {});
    },
  });
  const pending = e.hang();
  const reader = (await e.trapStream()).getReader();
  let trap;
  await assert.rejects(reader.read(), (err) => {
    trap = err;
    return isTrap(/out of bounds/)(err);
  });
  await assert.rejects(pending, (err) => err === trap);
  assert.equal(aborted, trap, 'the host import was aborted with the trap');
  await assert.rejects(reader.read(), (err) => err === trap);
  assert.throws(() => e.ping(), isTrap(/poisoned/));
}
