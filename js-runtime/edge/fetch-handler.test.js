// toFetchHandler with JS stand-ins for a component: each "instance" is an
// object whose incomingHandler.handle uses the import object it was made
// with, as the glue would, awaiting the calls that return a Promise where
// JSPI glue would suspend. (The real component on real runtimes:
// tests/edge/runtimes.test.js.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEdgeWasi, memoryDirectory, toFetchHandler, trailersOf } from './index.js';

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);

/** Sets a response with the given status/headers; returns its body's output stream and the body. */
function respond(T, out, status = 200, headers = [['content-type', 'text/plain']]) {
  const response = new T.OutgoingResponse(T.Fields.fromList(headers.map(([k, v]) => [k, enc(v)])));
  response.setStatusCode(status);
  const body = response.body();
  T.ResponseOutparam.set(out, { tag: 'ok', val: response });
  return { stream: body.write(), body };
}

/** Reads an input stream to its end, awaiting blocking reads as JSPI would. */
async function readAll(stream) {
  const chunks = [];
  for (;;) {
    try {
      chunks.push(await stream.blockingRead(65536n));
    } catch (e) {
      if (e?.tag === 'closed') break;
      throw e;
    }
  }
  return Buffer.concat(chunks);
}

/** A loader whose instances run `handle(T, request, out, imports)`; counts instances. */
function component(handle) {
  const made = [];
  const loader = (imports) => {
    const T = imports['wasi:http/types'];
    const inst = { incomingHandler: { handle: (req, out) => handle(T, req, out, imports) } };
    made.push(inst);
    return inst;
  };
  return { loader, made };
}

test('echo: method, path, headers and body in; status, headers and body out', async () => {
  const { loader } = component(async (T, req, out) => {
    const body = await readAll(req.consume().stream());
    const echo = req.headers().get('x-echo').map(dec).join(',');
    const { stream, body: ob } = respond(T, out, 201, [
      ['x-reply', echo],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ]);
    await stream.blockingWriteAndFlush(
      enc(`${req.method().tag} ${req.pathWithQuery()} ${req.authority()} ${dec(body)}`),
    );
    stream[Symbol.dispose]();
    T.OutgoingBody.finish(ob, undefined);
  });
  const fetch = toFetchHandler(loader);
  const r = await fetch(
    new Request('http://example.test:8080/a/b?c=1', { method: 'POST', body: 'hello', headers: { 'x-echo': 'e' } }),
  );
  assert.equal(r.status, 201);
  assert.equal(r.headers.get('x-reply'), 'e');
  assert.deepEqual(r.headers.getSetCookie(), ['a=1', 'b=2']);
  assert.equal(await r.text(), 'post /a/b?c=1 example.test:8080 hello');
  assert.equal(await trailersOf(r), undefined);
});

test('bodies stream both ways: the response starts before the request body ends', async () => {
  const { loader } = component(async (T, req, out) => {
    const input = req.consume().stream();
    const { stream, body } = respond(T, out);
    for (;;) {
      let chunk;
      try {
        chunk = await input.blockingRead(65536n);
      } catch (e) {
        if (e?.tag === 'closed') break;
        throw e;
      }
      await stream.blockingWriteAndFlush(chunk);
    }
    stream[Symbol.dispose]();
    T.OutgoingBody.finish(body, undefined);
  });
  let feed;
  const requestBody = new ReadableStream({
    start(c) {
      feed = c;
    },
  });
  const fetch = toFetchHandler(loader);
  feed.enqueue(enc('first'));
  const r = await fetch(new Request('http://x/stream', { method: 'POST', body: requestBody, duplex: 'half' }));
  const reader = r.body.getReader();
  assert.equal(dec((await reader.read()).value), 'first'); // the request body is still open
  feed.enqueue(enc('second'));
  assert.equal(dec((await reader.read()).value), 'second');
  feed.close();
  assert.equal((await reader.read()).done, true);
});

test('a slow reader holds the guest back (backpressure), nothing piles up', async () => {
  let writes = 0;
  let suspended = 0;
  const { loader } = component(async (T, _req, out) => {
    const { stream, body } = respond(T, out);
    for (let i = 0; i < 64; i++) {
      const p = stream.blockingWriteAndFlush(new Uint8Array(1024));
      if (p instanceof Promise) suspended++;
      await p;
      writes++;
    }
    stream[Symbol.dispose]();
    T.OutgoingBody.finish(body, undefined);
  });
  const r = await toFetchHandler(loader)(new Request('http://x/'));
  await new Promise((res) => setTimeout(res, 20));
  assert.ok(writes < 10, `the guest ran ahead of the reader: ${writes} writes`);
  assert.equal((await r.arrayBuffer()).byteLength, 64 * 1024);
  assert.equal(writes, 64);
  assert.ok(suspended > 0);
});

test('trailers are handed to the entry (trailersOf)', async () => {
  const { loader } = component(async (T, _req, out) => {
    const { stream, body } = respond(T, out);
    await stream.blockingWriteAndFlush(enc('body'));
    stream[Symbol.dispose]();
    T.OutgoingBody.finish(body, T.Fields.fromList([['x-trailer', enc('done')]]));
  });
  const r = await toFetchHandler(loader)(new Request('http://x/'));
  assert.equal(await r.text(), 'body');
  assert.equal((await trailersOf(r)).get('x-trailer'), 'done');
});

test('a trap before the response: 500 with the message, logged; the pooled instance is replaced', async () => {
  const logs = [];
  const { loader, made } = component(async (T, req, out) => {
    if (req.pathWithQuery() === '/trap') throw new WebAssembly.RuntimeError('unreachable');
    respond(T, out, 204, []).body.finished = true;
  });
  const fetch = toFetchHandler(loader, { log: (m) => logs.push(m) });
  const r = await fetch(new Request('http://x/trap'));
  assert.equal(r.status, 500);
  assert.equal(await r.text(), 'handler failed: unreachable');
  assert.deepEqual(logs, ['wasi:http handler failed: wasm trap: unreachable']);
  assert.equal((await fetch(new Request('http://x/ok'))).status, 204);
  assert.equal(made.length, 2);
});

test('a trap after the response was set errors its body; no response at all is a 500', async () => {
  const { loader } = component(async (T, req, out) => {
    if (req.pathWithQuery() === '/none') return;
    const { stream } = respond(T, out);
    await stream.blockingWriteAndFlush(enc('partial'));
    throw new WebAssembly.RuntimeError('unreachable');
  });
  const fetch = toFetchHandler(loader, { log: () => {} });
  const r = await fetch(new Request('http://x/late'));
  assert.equal(r.status, 200);
  await assert.rejects(r.text(), /unreachable/);
  const none = await fetch(new Request('http://x/none'));
  assert.equal(none.status, 500);
  assert.match(await none.text(), /no response was set/);
});

test('pooled instances are reused, per-request ones are not; maxInstances queues requests', async () => {
  const gate = [];
  const { loader, made } = component(async (T, req, out) => {
    if (req.pathWithQuery() === '/wait') await new Promise((res) => gate.push(res));
    const { stream, body } = respond(T, out);
    stream[Symbol.dispose]();
    T.OutgoingBody.finish(body, undefined);
  });
  const pooled = toFetchHandler(loader);
  for (let i = 0; i < 3; i++) await (await pooled(new Request('http://x/'))).text();
  assert.equal(made.length, 1);
  const two = [pooled(new Request('http://x/wait')), pooled(new Request('http://x/wait'))];
  await new Promise((res) => setTimeout(res, 10));
  assert.equal(made.length, 2, 'concurrent requests get their own instances');
  for (const f of gate.splice(0)) f();
  await Promise.all(two);

  const single = component(async (T, _req, out) => {
    await new Promise((res) => gate.push(res));
    const { stream, body } = respond(T, out);
    stream[Symbol.dispose]();
    T.OutgoingBody.finish(body, undefined);
  });
  const capped = toFetchHandler(single.loader, { maxInstances: 1 });
  const queued = [capped(new Request('http://x/')), capped(new Request('http://x/'))];
  await new Promise((res) => setTimeout(res, 10));
  assert.equal(gate.length, 1, 'the second request waits for the only instance');
  gate.shift()();
  await new Promise((res) => setTimeout(res, 10));
  gate.shift()();
  assert.deepEqual(
    (await Promise.all(queued)).map((r) => r.status),
    [200, 200],
  );
  assert.equal(single.made.length, 1);

  const perRequest = component(async (T, _req, out) => {
    respond(T, out, 204, []).body.finished = true;
  });
  const isolated = toFetchHandler(perRequest.loader, { instances: 'per-request' });
  for (let i = 0; i < 3; i++) await isolated(new Request('http://x/'));
  assert.equal(perRequest.made.length, 3);
  assert.throws(() => toFetchHandler(loader, { instances: 'shared' }), TypeError);
});

test('a given instance serves requests in turn; after a trap every request gets a 500', async () => {
  const wasi = createEdgeWasi();
  const T = wasi['wasi:http/types'];
  let calls = 0;
  const app = {
    incomingHandler: {
      async handle(req, out) {
        calls++;
        if (req.pathWithQuery() === '/trap') throw new WebAssembly.RuntimeError('boom');
        respond(T, out, 204, []).body.finished = true;
      },
    },
  };
  const fetch = toFetchHandler(app, { log: () => {} });
  assert.deepEqual(
    (await Promise.all([fetch(new Request('http://x/')), fetch(new Request('http://x/'))])).map((r) => r.status),
    [204, 204],
  );
  assert.equal((await fetch(new Request('http://x/trap'))).status, 500);
  const after = await fetch(new Request('http://x/'));
  assert.equal(after.status, 500);
  assert.match(await after.text(), /trapped earlier/);
  assert.equal(calls, 3);
  assert.throws(() => toFetchHandler({}), /exports no wasi:http\/incoming-handler/);
});

test('outgoing requests go through fetch without blocking: the pollable waits for the response', async () => {
  const seen = [];
  let release;
  const fakeFetch = async (url, init) => {
    seen.push([url, init.method, [...init.headers], init.body && dec(init.body)]);
    await new Promise((res) => {
      release = res;
    });
    return new Response('upstream body', { status: 202, headers: { 'x-up': '1' } });
  };
  const wasi = createEdgeWasi({ fetch: fakeFetch });
  const T = wasi['wasi:http/types'];
  const req = new T.OutgoingRequest(T.Fields.fromList([['x-test', enc('yes')]]));
  req.setMethod({ tag: 'post' });
  req.setScheme({ tag: 'HTTP' });
  req.setAuthority('127.0.0.1:9');
  req.setPathWithQuery('/p?q=1');
  const body = req.body();
  const future = wasi['wasi:http/outgoing-handler'].handle(req, undefined);
  const w = body.write();
  w.write(enc('request body'));
  w[Symbol.dispose]();
  T.OutgoingBody.finish(body, undefined);
  assert.equal(future.get(), undefined);
  const pollable = future.subscribe();
  assert.equal(pollable.ready(), false);
  const waited = wasi['wasi:io/poll'].poll([pollable]);
  assert.ok(waited instanceof Promise, 'poll returns a Promise instead of blocking');
  await new Promise((res) => setTimeout(res, 5));
  release();
  assert.deepEqual([...(await waited)], [0]);
  const got = future.get();
  assert.equal(got.tag, 'ok');
  assert.equal(got.val.tag, 'ok');
  const response = got.val.val;
  assert.equal(response.status(), 202);
  assert.deepEqual(response.headers().get('x-up').map(dec), ['1']);
  assert.equal(dec(await readAll(response.consume().stream())), 'upstream body');
  assert.deepEqual(seen, [['http://127.0.0.1:9/p?q=1', 'POST', [['x-test', 'yes']], 'request body']]);
  assert.deepEqual(future.get(), { tag: 'err', val: undefined });
});

test('outgoing failures are error codes: denied without network, fetch errors, timeouts', async () => {
  const outcome = async (wasi, options) => {
    const T = wasi['wasi:http/types'];
    const req = new T.OutgoingRequest(new T.Fields());
    req.setAuthority('127.0.0.1:9');
    const future = wasi['wasi:http/outgoing-handler'].handle(req, options);
    await wasi['wasi:io/poll'].poll([future.subscribe()]);
    return future.get().val;
  };
  assert.deepEqual(await outcome(createEdgeWasi({ network: false })), {
    tag: 'err',
    val: { tag: 'HTTP-request-denied' },
  });
  const failing = createEdgeWasi({
    fetch: async () => {
      throw new TypeError('fetch failed');
    },
  });
  assert.deepEqual(await outcome(failing), { tag: 'err', val: { tag: 'internal-error', val: 'fetch failed' } });
  const slow = createEdgeWasi({
    fetch: (_url, init) =>
      new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason))),
  });
  const opts = new slow['wasi:http/types'].RequestOptions();
  opts.setConnectTimeout(5_000_000n);
  const keepAlive = setTimeout(() => {}, 1000); // Node's AbortSignal.timeout does not hold the event loop
  assert.deepEqual(await outcome(slow, opts), { tag: 'err', val: { tag: 'connection-timeout' } });
  clearTimeout(keepAlive);
  const T = failing['wasi:http/types'];
  assert.throws(
    () => failing['wasi:http/outgoing-handler'].handle(new T.OutgoingRequest(new T.Fields()), undefined),
    (e) => e.tag === 'HTTP-request-URI-invalid',
  );
});

test('what the edge lacks is a WASI error, not an exception: no preopens, no sockets; timers wait on setTimeout', async () => {
  const wasi = createEdgeWasi();
  assert.deepEqual(wasi['wasi:filesystem/preopens'].getDirectories(), []);
  assert.throws(
    () => wasi['wasi:sockets/tcp-create-socket'].createTcpSocket({ tag: 'ipv4' }),
    (e) => e === 'not-supported',
  );
  const timer = wasi['wasi:clocks/monotonic-clock'].subscribeDuration(5_000_000n);
  const p = timer.block();
  assert.ok(p instanceof Promise);
  await p;
  assert.equal(timer.ready(), true);
  const withTree = createEdgeWasi({ preopens: { '/data': memoryDirectory({ 'a.txt': 'hi' }) } });
  assert.deepEqual(
    withTree['wasi:filesystem/preopens'].getDirectories().map(([, p]) => p),
    ['/data'],
  );
  assert.equal(wasi['wasi:random/random'].getRandomBytes(8n).length, 8);
});
