// The Preview 3 async ABI through real wit-bindgen guests (fixtures/guests/async-*,
// Rust, wit-bindgen 0.61.1 async): async exports and imports, stream<u8> and
// stream<record> both ways with backpressure, future<string> both ways, result and
// error-context errors, cancellation with AbortSignal and reader.cancel(), and streams
// between two components (linked through JS, and composed: fixtures/compose/async-pipeline.wasm).
//
// The JS face (jco's conventions, docs/async-design.md §4): async exports return
// Promises and take an optional trailing `{ signal }`; host async imports may return
// Promises and get a trailing `{ signal }`; future<T> is a Promise (in: also a plain
// value); stream<T> out is a ReadableStream that is also async-iterable (stream<u8>:
// Uint8Array chunks), in: ReadableStream, async iterable, iterable or array;
// result errors reject with an Error carrying `.payload`.
//
// Skips by itself (the reason printed) while weft's transpile says
// `unsupported: <async feature>`; any other failure fails. If the glue needs JSPI and
// this Node lacks it (Node 20), the whole file runs again under Node 24
// (node_modules/node) with --experimental-wasm-jspi, as one test here.
//
//   WEFT_IMPL=jco     the same tests against jco 1.35 (needs JSPI: reruns on Node 24);
//                     what jco lacks is skipped with the reason (see jcoLacks below).
//   WEFT_BIN=path     weft binary (default target/debug/weft)
//   WEFT_TEST_KEEP=1  keep the generated glue ($TMPDIR/weft-async-*)
import { after, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { hasJspi, instantiateGlue, needsJspi, prepareFixtures, rerunUnderNode24 } from './support/async.js';

const IMPL = process.env.WEFT_IMPL ?? 'weft';
const isJco = IMPL === 'jco';
const FIXTURES = ['async-basics', 'async-producer', 'async-consumer', 'async-pipeline'];
const HOST = 'test:async-basics/host';
const { glue, skip, rerun } = await prepareFixtures(IMPL, FIXTURES, { [HOST]: makeHost().imports });

/** Test options: skipped with the file's reason, or with `jcoReason` under jco (`weftReason` under weft). */
function opts(jcoReason, weftReason) {
  const own = isJco ? jcoReason : weftReason;
  return { skip: skip || own || false, timeout: 10_000 };
}
// A call the glue never settles (a lost wake-up) must fail its own test by timeout, not
// end the whole file when the event loop runs dry: keep the loop alive until the end.
const keepAlive = setInterval(() => {}, 1000);
after(() => clearInterval(keepAlive));
// What jco 1.35 does not do (checked on Node 24 with JSPI):
const jcoLacks = {
  signal: 'jco passes no { signal } to host imports and ignores AbortSignal',
  errorContext: 'jco 1.35: "missing error ctx (handle [..], component [0], error context table [0])"',
  plainFuture: 'jco takes only a Promise for a future<T> argument',
  linkedImport: 'jco 1.35: "missing host stream with global rep [2]" when an export\'s stream feeds an import',
};

/**
 * node:test's `test`, except that a call needing JSPI on a Node without it skips (the
 * Node 24 run below covers it) instead of failing.
 */
function test(name, options, fn) {
  nodeTest(name, options, async (t) => {
    try {
      await fn(t);
    } catch (e) {
      if (hasJspi() || !needsJspi(e)) throw e;
      t.skip(`needs JSPI (${rerun ? 'covered by the Node 24 run' : 'no Node 24 here'}): ${e.message.split('\n')[0]}`);
    }
  });
}

// ---------------------------------------------------------------------------------------
// Helpers.

/**
 * The JS host for test:async-basics/host. `calls` records [name, ...args] per call,
 * `log` the guest's `log` messages, `signals` the trailing `{ signal }` of each async
 * import call. `delay(ms)` is what host-delay does (default: a timer that also honours
 * the signal), `name(id)` what fetch-name does.
 */
function makeHost({ delay, name } = {}) {
  const h = { calls: [], log: [], signals: [] };
  const defaultDelay = (ms, signal) =>
    new Promise((res, rej) => {
      const t = setTimeout(() => res(ms), ms);
      t.unref(); // a long host-delay left behind by a failed cancellation must not hold the process
      signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(t);
          rej(signal.reason);
        },
        { once: true },
      );
    });
  h.imports = {
    hostDelay(ms, opt) {
      h.calls.push(['host-delay', ms]);
      h.signals.push(opt?.signal);
      return (delay ?? defaultDelay)(ms, opt?.signal);
    },
    fetchName(id, opt) {
      h.calls.push(['fetch-name', id]);
      h.signals.push(opt?.signal);
      return name ? name(id, opt?.signal) : `user${id}`;
    },
    log(msg) {
      h.log.push(msg);
    },
  };
  return h;
}

async function basics(hostOpts) {
  const host = makeHost(hostOpts);
  const root = await instantiateGlue(glue['async-basics'], { [HOST]: host.imports });
  return { api: root.api, host };
}

/** A Promise and its resolve/reject. */
function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** 'pending' if `p` has not settled after a few macrotasks, else 'fulfilled'/'rejected'. */
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

/** Polls `cond` every 5 ms for up to `ms`; fails with `what`. */
async function until(cond, what, ms = 3000) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(5)) if (await cond()) return;
  assert.fail(`timed out after ${ms} ms waiting for ${what}`);
}

const isAbort = (e) => {
  assert.ok(e instanceof Error || e instanceof DOMException, `expected an AbortError, got ${e}`);
  assert.equal(e.name, 'AbortError', `expected an AbortError, got ${e.name}: ${e.message}`);
  return true;
};

/** Reads a stream chunk by chunk: `next()` -> chunk | undefined at the end; `cancel()`. */
function chunkReader(stream) {
  if (!isJco) {
    assert.ok(stream instanceof ReadableStream, `expected a ReadableStream, got ${stream?.constructor?.name}`);
    assert.equal(typeof stream[Symbol.asyncIterator], 'function', 'the ReadableStream is async-iterable');
    const reader = stream.getReader();
    return { next: async () => (await reader.read()).value, cancel: () => reader.cancel() };
  }
  const it = stream[Symbol.asyncIterator]();
  return { next: async () => (await it.next()).value, cancel: () => it.return?.() };
}

/** All bytes of a stream<u8> (chunks must be Uint8Arrays). */
async function readBytes(stream) {
  const chunks = [];
  for await (const c of stream) {
    assert.ok(c instanceof Uint8Array, `stream<u8> chunk is a Uint8Array, got ${c?.constructor?.name}`);
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/** Reference digest of the consumer guest (len, sum, Fletcher-16-style). */
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
const produced = (n) => Uint8Array.from({ length: n }, (_, i) => i % 251); // async-producer's bytes
/** Stream sizes for guest-to-guest tests: jco 1.35 moves about one element per ms there. */
const size = (n) => (isJco ? Math.min(n, 1500) : n);

// ---------------------------------------------------------------------------------------
// Async calls both ways.

test('async export: returns a Promise of its result', opts(), async () => {
  const { api } = await basics();
  const p = api.echo('héllo, wörld 🚀');
  assert.ok(p instanceof Promise, 'an async export returns a Promise');
  assert.equal(await p, 'héllo, wörld 🚀');
});

test("async import: the guest awaits the host's Promise", opts(), async () => {
  const { api, host } = await basics();
  const p = api.addAfterDelay(2, 3, 30);
  assert.equal(await state(p, 5), 'pending', 'still waiting for host-delay');
  assert.equal(await p, 5);
  assert.deepEqual(host.calls, [['host-delay', 30]]);
});

test(
  'async import: the host gets a trailing { signal } (an AbortSignal, not aborted)',
  opts(jcoLacks.signal),
  async () => {
    const { api, host } = await basics();
    assert.equal(await api.greet(4), 'hello, user4');
    assert.equal(host.signals.length, 1);
    assert.ok(host.signals[0] instanceof AbortSignal, 'the trailing argument has an AbortSignal');
    assert.equal(host.signals[0].aborted, false);
  },
);

test(
  'async import: the host may return a plain value or a Promise (settling later, or rejecting)',
  opts(),
  async () => {
    const gate = deferred();
    const { api } = await basics({
      name: (id) => (id === 1 ? 'plain' : id === 2 ? Promise.resolve('resolved') : gate.promise),
    });
    assert.equal(await api.greet(1), 'hello, plain');
    assert.equal(await api.greet(2), 'hello, resolved');
    const late = api.greet(3);
    assert.equal(await state(late), 'pending');
    gate.resolve('later');
    assert.equal(await late, 'hello, later');
  },
);

test('async import: several host calls of one guest task run at the same time', opts(), async () => {
  const events = [];
  const { api } = await basics({
    delay: async (ms) => {
      events.push(`start ${ms}`);
      await sleep(ms);
      events.push(`end ${ms}`);
      return ms;
    },
  });
  assert.equal(await api.delaysConcurrent(Uint32Array.of(30, 10, 20)), 60);
  assert.deepEqual(events.slice(0, 3).sort(), ['start 10', 'start 20', 'start 30'], `all started first: ${events}`);
  assert.deepEqual(events.slice(3), ['end 10', 'end 20', 'end 30']);
});

test('async exports: concurrent calls interleave (the shorter wait finishes first)', opts(), async () => {
  const { api } = await basics();
  const order = [];
  const slow = api.addAfterDelay(1, 1, 60).then((v) => order.push(v));
  const fast = api.addAfterDelay(2, 2, 5).then((v) => order.push(v));
  await Promise.all([slow, fast]);
  assert.deepEqual(order, [4, 2]);
});

test('sync exports of an async component still work between async calls', opts(), async () => {
  const { api } = await basics();
  const before = await api.cancelledCount();
  assert.equal(typeof before, 'number');
  const p = api.addAfterDelay(1, 2, 20);
  assert.equal(await api.cancelledCount(), before, 'a sync call while an async task waits');
  assert.equal(await p, 3);
  assert.equal(typeof (await api.bytesProduced()), 'bigint');
});

// ---------------------------------------------------------------------------------------
// stream<u8> out: the guest writes, JS reads.

test('stream<u8> out: JS reads every byte, in order, as Uint8Array chunks', opts(), async () => {
  const { api, host } = await basics();
  const stream = await api.generate(10_000, 1000);
  if (!isJco) {
    assert.ok(stream instanceof ReadableStream, 'stream<u8> is a ReadableStream');
    assert.equal(typeof stream[Symbol.asyncIterator], 'function', 'and async-iterable');
  }
  const bytes = await readBytes(stream);
  assert.equal(bytes.length, 10_000);
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== (i & 255)) assert.fail(`byte ${i} is ${bytes[i]}`);
  await until(() => host.log.includes('generate: done 10000'), 'the guest to finish writing');
});

test('stream<u8> out: empty and one-byte streams', opts(), async () => {
  const { api } = await basics();
  assert.equal((await readBytes(await api.generate(0, 16))).length, 0);
  assert.deepEqual([...(await readBytes(await api.generate(1, 16)))], [0]);
});

test(
  'stream<u8> out: a slow reader holds the guest back (backpressure), reader.cancel() drops the stream',
  opts(),
  async (t) => {
    const { api, host } = await basics();
    const n = 1 << 20,
      chunk = 4096;
    const start = await api.bytesProduced();
    const reader = chunkReader(await api.generate(n, chunk));
    let consumed = 0,
      maxAhead = 0;
    for (let i = 0; i < 8; i++) {
      const c = await reader.next();
      assert.ok(c instanceof Uint8Array && c.length > 0, `chunk ${i}`);
      assert.equal(c[0], consumed & 255, `chunk ${i} continues the sequence`);
      consumed += c.length;
      await sleep(10); // a slow consumer: the guest may only run ahead by what JS buffers
      const ahead = Number((await api.bytesProduced()) - start) - consumed;
      maxAhead = Math.max(maxAhead, ahead);
    }
    t.diagnostic(`the guest ran at most ${maxAhead} bytes (${chunk}-byte writes) ahead of the reader`);
    assert.ok(maxAhead <= 64 * chunk, `the guest ran ${maxAhead} bytes ahead of a slow reader (limit ${64 * chunk})`);
    assert.ok(consumed < n);
    await reader.cancel();
    await until(() => host.log.some((m) => m.startsWith('generate: dropped at ')), 'the guest to see the reader drop');
    const at = Number(host.log.find((m) => m.startsWith('generate: dropped at ')).slice(21));
    assert.ok(at >= consumed && at < n, `dropped at ${at}, after ${consumed} read of ${n}`);
    const after = await api.bytesProduced();
    await sleep(30);
    assert.equal(await api.bytesProduced(), after, 'nothing is written after the drop');
    assert.equal(await api.echo('still usable'), 'still usable');
  },
);

test('stream<u8> out: for await … break drops the stream too', opts(), async () => {
  const { api, host } = await basics();
  let seen = 0;
  for await (const c of await api.generate(1 << 20, 1000)) {
    seen += c.length;
    if (seen >= 3000) break;
  }
  await until(() => host.log.some((m) => m.startsWith('generate: dropped at ')), 'the guest to see the reader drop');
});

// ---------------------------------------------------------------------------------------
// stream<u8> in: JS writes, the guest reads.

const seq = (n, k = 0) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + k) & 255);
const total = (...arrs) => BigInt(arrs.reduce((s, a) => s + a.reduce((t, x) => t + x, 0), 0));

test('stream<u8> in: an array of bytes, a Uint8Array', opts(), async () => {
  const { api } = await basics();
  assert.equal(await api.sumStream([1, 2, 3, 250]), 256n);
  assert.equal(await api.sumStream([]), 0n);
  const big = seq(100_000);
  assert.equal(await api.sumStream(big), total(big));
});

test(
  'stream<u8> in: Uint8Array chunks from an array, an iterable, an async iterable, a ReadableStream',
  opts(),
  async () => {
    const { api } = await basics();
    const chunks = [seq(10), seq(5000, 1), new Uint8Array(0), seq(3, 2)];
    const want = total(...chunks);
    assert.equal(await api.sumStream(chunks), want, 'array of chunks');
    assert.equal(await api.sumStream(new Set(chunks)), want, 'iterable of chunks');
    assert.equal(
      await api.sumStream(
        (async function* () {
          for (const c of chunks) {
            await sleep(1);
            yield c;
          }
        })(),
      ),
      want,
      'async generator of chunks',
    );
    let i = 0;
    const rs = new ReadableStream({
      pull(ctl) {
        if (i < chunks.length) ctl.enqueue(chunks[i++]);
        else ctl.close();
      },
    });
    assert.equal(await api.sumStream(rs), want, 'ReadableStream of chunks');
  },
);

test(
  "stream<u8> in: numbers from an async iterable (jco's element-wise form)",
  opts(undefined, 'weft takes stream<u8> input as Uint8Array chunks'),
  async () => {
    const { api } = await basics();
    assert.equal(
      await api.sumStream(
        (async function* () {
          yield 1;
          await sleep(2);
          yield 2;
          yield 250;
        })(),
      ),
      253n,
    );
  },
);

test('stream<u8> in: the guest pulls a slow JS producer as it reads', opts(), async () => {
  const { api } = await basics();
  const pulled = [];
  const src = (async function* () {
    for (let k = 0; k < 5; k++) {
      pulled.push(k);
      await sleep(10);
      yield seq(100, k);
    }
  })();
  const p = api.sumStream(src);
  await sleep(15);
  assert.ok(pulled.length < 5, `the producer is pulled on demand, not drained: ${pulled}`);
  assert.equal(await p, total(seq(100), seq(100, 1), seq(100, 2), seq(100, 3), seq(100, 4)));
});

// ---------------------------------------------------------------------------------------
// stream<record>.

test('stream<record> out: each chunk is one point { x, y, label }', opts(), async () => {
  const { api } = await basics();
  const got = [];
  for await (const p of await api.points(5)) got.push(p);
  assert.deepEqual(
    got,
    [0, 1, 2, 3, 4].map((i) => ({ x: i, y: i * 0.5, label: `p${i}` })),
  );
});

test('stream<record> in: an array and an async generator of points', opts(), async () => {
  const { api } = await basics();
  const pts = [
    { x: 1, y: 2, label: 'ab' },
    { x: -0.5, y: 0.25, label: 'ü' },
  ];
  assert.equal(await api.sumPoints(pts), 1 + 2 + 2 + -0.5 + 0.25 + 2);
  assert.equal(
    await api.sumPoints(
      (async function* () {
        for (const p of pts) {
          await sleep(1);
          yield p;
        }
      })(),
    ),
    1 + 2 + 2 + -0.5 + 0.25 + 2,
  );
  const round = [];
  for await (const p of await api.points(7)) round.push(p);
  assert.equal(
    await api.sumPoints(round),
    round.reduce((s, p) => s + p.x + p.y + p.label.length, 0),
  );
});

// ---------------------------------------------------------------------------------------
// future<string>.

test("future<string> out: resolves once the host's Promise does", opts(), async () => {
  const gate = deferred();
  const { api, host } = await basics({ name: () => gate.promise });
  // weft: the export's Promise settles with the future's value (a Promise resolving
  // to a Promise is flattened); jco: it settles with a thenable FutureValue.
  const value = (async () => await await api.nameLater(3))();
  // (jco calls fetch-name only once the future is read.)
  if (!isJco) await until(() => host.calls.length === 1, 'the guest to call fetch-name');
  assert.equal(await state(value), 'pending', 'the future waits for fetch-name');
  gate.resolve('late');
  assert.equal(await value, 'late');
});

test('future<string> in: a Promise settling later', opts(), async () => {
  const { api } = await basics();
  const gate = deferred();
  const p = api.awaitFuture(gate.promise);
  assert.equal(await state(p), 'pending');
  gate.resolve('x');
  assert.equal(await p, 'got x');
  assert.equal(await api.awaitFuture(Promise.resolve('now')), 'got now');
});

test('future<string> in: a plain value', opts(jcoLacks.plainFuture), async () => {
  const { api } = await basics();
  assert.equal(await api.awaitFuture('plain'), 'got plain');
});

test(
  'future<string> in: a call awaiting a never-settling Promise is cancelled by its AbortSignal',
  opts(jcoLacks.signal),
  async () => {
    const { api } = await basics();
    const ac = new AbortController();
    const p = api.awaitFuture(new Promise(() => {}), { signal: ac.signal });
    assert.equal(await state(p), 'pending');
    ac.abort();
    await assert.rejects(p, isAbort);
    assert.equal(await api.awaitFuture(Promise.resolve('y')), 'got y', 'the instance is still usable');
  },
);

// ---------------------------------------------------------------------------------------
// Errors.

test('result<string, error-code>: ok resolves, err rejects with an Error carrying .payload', opts(), async () => {
  const { api } = await basics();
  assert.equal(await api.lookup('key'), 'value-of-key');
  await assert.rejects(api.lookup('nope'), (e) => {
    assert.ok(e instanceof Error, `rejects with an Error, got ${e}`);
    assert.equal(e.payload, 'not-found');
    return true;
  });
  await assert.rejects(api.lookup(''), (e) => e.payload === 'invalid-key');
});

test(
  "result<u32, error-context>: the err payload is an error context with the guest's message",
  opts(jcoLacks.errorContext),
  async () => {
    const { api } = await basics();
    await assert.rejects(api.failWithContext('disk on fire'), (e) => {
      assert.ok(e instanceof Error, `rejects with an Error, got ${e}`);
      assert.equal(e.payload?.debugMessage, 'disk on fire');
      return true;
    });
  },
);

// ---------------------------------------------------------------------------------------
// Cancellation.

test(
  'AbortSignal cancels a call waiting on a host import: AbortError, host signal aborted, guest task dropped',
  opts(jcoLacks.signal),
  async () => {
    const { api, host } = await basics();
    const before = await api.cancelledCount();
    const ac = new AbortController();
    const p = api.sleep(1_000_000, { signal: ac.signal });
    await until(() => host.calls.length === 1, 'the guest to call host-delay');
    assert.equal(await state(p), 'pending');
    ac.abort();
    await assert.rejects(p, isAbort);
    await until(() => host.signals[0]?.aborted, "the host import's signal to abort");
    assert.equal(await api.cancelledCount(), before + 1);
    assert.ok(host.log.includes('sleep: cancelled'), `guest log: ${host.log}`);
    assert.equal(await api.addAfterDelay(1, 1, 1), 2, 'the instance is still usable');
  },
);

test(
  'AbortSignal: a host import that ignores the abort still lets the call reject',
  opts(jcoLacks.signal),
  async () => {
    const { api } = await basics({ delay: (ms) => sleep(40, ms) });
    const ac = new AbortController();
    const p = api.sleep(40, { signal: ac.signal });
    await sleep(5);
    ac.abort();
    await assert.rejects(p, isAbort);
    assert.equal(await api.echo('ok'), 'ok');
  },
);

test('AbortSignal: an already-aborted signal rejects at once', opts(jcoLacks.signal), async () => {
  const { api } = await basics();
  await assert.rejects(api.sleep(1_000_000, { signal: AbortSignal.abort() }), isAbort);
});

test(
  'AbortSignal cancels a call reading an endless JS stream; the JS source is closed',
  opts(jcoLacks.signal),
  async () => {
    const { api } = await basics();
    const before = await api.cancelledCount();
    let yielded = 0,
      closed = false;
    const endless = (async function* () {
      try {
        for (;;) {
          await sleep(2);
          yielded++;
          yield Uint8Array.of(1, 2, 3);
        }
      } finally {
        closed = true;
      }
    })();
    const ac = new AbortController();
    const p = api.sumStream(endless, { signal: ac.signal });
    await until(() => yielded >= 3, 'the guest to read a few chunks');
    ac.abort();
    await assert.rejects(p, isAbort);
    await until(() => closed, 'the async generator to be closed (return())');
    assert.equal(await api.cancelledCount(), before + 1);
  },
);

// ---------------------------------------------------------------------------------------
// Two guests streaming to each other.

async function pair({ link = false } = {}) {
  const producer = await instantiateGlue(glue['async-producer'], {});
  const consumer = await instantiateGlue(glue['async-consumer'], {
    'test:streams/source': link ? producer.source : { produce: () => assert.fail('consumer called source') },
  });
  return { producer, consumer };
}

test("guest → guest through JS: the producer's stream is the consumer's argument", opts(), async () => {
  const { producer, consumer } = await pair();
  const s = await producer.source.produce(size(50_000), 1000);
  assert.deepEqual(await consumer.sink.checksum(s), digest(produced(size(50_000))));
});

test('guest → guest → JS: producer → consumer.invert → JS reader', opts(), async () => {
  const { producer, consumer } = await pair();
  const out = await readBytes(await consumer.sink.invert(await producer.source.produce(size(20_000), 777)));
  assert.equal(out.length, size(20_000));
  for (let i = 0; i < out.length; i++) if (out[i] !== (255 ^ (i % 251))) assert.fail(`byte ${i} is ${out[i]}`);
});

test(
  "guest → guest through an import: the consumer imports the producer's export",
  opts(jcoLacks.linkedImport),
  async () => {
    const { consumer } = await pair({ link: true });
    assert.deepEqual(await consumer.sink.pull(30_000, 512), digest(produced(30_000)));
  },
);

test('guest → guest composed (fixtures/compose/async-pipeline.wasm): pull, invert', opts(), async () => {
  const pipe = await instantiateGlue(glue['async-pipeline'], {});
  assert.deepEqual(await pipe.sink.pull(100_000, 4096), digest(produced(100_000)));
  assert.deepEqual(await pipe.sink.pull(0, 1), digest([]));
  assert.deepEqual([...(await readBytes(await pipe.sink.invert([1, 2, 3])))], [254, 253, 252]);
});

// ---------------------------------------------------------------------------------------
// Last: the whole file again under Node 24 (blocks this process while it runs).

if (rerun) {
  nodeTest(
    `the same tests under Node 24 with JSPI (this Node, ${process.version}, lacks it)`,
    { timeout: 600_000 },
    (t) => {
      const r = rerunUnderNode24(fileURLToPath(import.meta.url));
      const summary = r.stdout
        .match(/^# (tests|pass|fail|cancelled|skipped) \d+$/gm)
        ?.map((l) => l.slice(2))
        .join(', ');
      t.diagnostic(`Node 24: ${summary}`);
      // The failed tests' TAP blocks, not the whole report.
      const failed = r.stdout
        .split(/^(?=# Subtest: )/m)
        .filter((b) => /^not ok /m.test(b))
        .join('');
      assert.equal(
        r.status,
        0,
        `Node 24 run failed (${r.status ?? r.signal}; ${summary}):\n${failed || r.stdout}\n${r.stderr}`,
      );
    },
  );
}
