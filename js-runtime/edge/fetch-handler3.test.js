// toFetchHandler with JS stand-ins for a WASI 0.3 component: an "instance"
// exports `wasi:http/handler@0.3.x` whose async `handle` takes a Request3
// and resolves to a Response3 (../wasi3/http.js), as the glue's would. (The
// real component on real runtimes: tests/edge/runtimes3.test.js.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fields3, Request3, Response3 } from '../wasi3/http.js';
import { toFetchHandler, trailersOf } from './index.js';

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);

/** A loader whose instances' handle is `handle(request, instanceNumber)`; records the instances made. */
function component(handle) {
  const made = [];
  const loader = () => {
    const n = made.length;
    const inst = { 'wasi:http/handler@0.3.2': { handle: (req) => handle(req, n) } };
    made.push(inst);
    return inst;
  };
  return { loader, made };
}

/** A Response3 with `status`, headers and a body from `chunks` (an async iterable), trailers from `trailers`. */
function response(status, headers, chunks, trailers = null) {
  const [res] = Response3.new(
    Fields3.fromList(headers.map(([k, v]) => [k, enc(v)])),
    chunks,
    Promise.resolve({ tag: 'ok', val: trailers }),
  );
  res.setStatusCode(status);
  return res;
}

test('a 0.3 handler: method, path, headers and a streamed body in; status, headers, body and trailers out', async () => {
  const { loader } = component(async (req) => {
    const [body] = Request3.consumeBody(req, Promise.resolve({ tag: 'ok' }));
    const echo = req.getHeaders().get('x-echo').map(dec).join(',');
    const head = `${req.getMethod().tag} ${req.getPathWithQuery()} ${req.getAuthority()} `;
    async function* out() {
      yield enc(head);
      for await (const c of body) yield c;
    }
    return response(201, [['x-reply', echo]], out(), Fields3.fromList([['x-done', enc('yes')]]));
  });
  const fetch = toFetchHandler(loader);
  const r = await fetch(
    new Request('http://example.test:8080/a?b=1', { method: 'POST', body: 'hello', headers: { 'x-echo': 'e' } }),
  );
  assert.equal(r.status, 201);
  assert.equal(r.headers.get('x-reply'), 'e');
  assert.equal(await r.text(), 'post /a?b=1 example.test:8080 hello');
  assert.deepEqual([...(await trailersOf(r))], [['x-done', 'yes']]);
});

test('the response starts before the guest finishes its body; reading pulls it (no buffering)', async () => {
  let written = 0;
  let release;
  const gate = new Promise((r) => (release = r));
  const { loader } = component(async () => {
    async function* out() {
      for (let i = 0; i < 4; i++) {
        written++;
        yield enc(`${i}`);
        if (i === 0) await gate;
      }
    }
    return response(200, [], out());
  });
  const r = await toFetchHandler(loader)(new Request('http://x.test/'));
  const reader = r.body.getReader();
  assert.equal(dec((await reader.read()).value), '0');
  assert.equal(written, 1);
  release();
  let rest = '';
  for (let s = await reader.read(); !s.done; s = await reader.read()) rest += dec(s.value);
  assert.equal(rest, '123');
});

test('pooled: one instance serves concurrent requests; per-request: one instance each', async () => {
  let inFlight = 0;
  let most = 0;
  const handle = async (_req, n) => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((r) => setTimeout(r, 10));
    inFlight--;
    return response(200, [], [enc(`i${n}`)]);
  };
  const pooled = component(handle);
  const f = toFetchHandler(pooled.loader);
  const first = await (await f(new Request('http://x.test/'))).text();
  const texts = await Promise.all(
    Array.from({ length: 8 }, async () => (await f(new Request('http://x.test/'))).text()),
  );
  assert.deepEqual([first, ...texts], Array(9).fill('i0'));
  assert.equal(pooled.made.length, 1);
  assert.equal(most, 8);
  const isolated = component(handle);
  const g = toFetchHandler(isolated.loader, { instances: 'per-request' });
  const its = await Promise.all(Array.from({ length: 3 }, async () => (await g(new Request('http://x.test/'))).text()));
  assert.deepEqual(its.sort(), ['i0', 'i1', 'i2']);
  assert.equal(isolated.made.length, 3);
  // per-request with maxInstances 1: the next request waits until the body before it is sent
  const one = component(handle);
  const h = toFetchHandler(one.loader, { instances: 'per-request', maxInstances: 1 });
  const a = await h(new Request('http://x.test/'));
  let second = false;
  const b = h(new Request('http://x.test/')).then((r) => {
    second = true;
    return r;
  });
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(second, false);
  assert.equal(await a.text(), 'i0');
  assert.equal(await (await b).text(), 'i1');
});

test('an error-code result is a 500 naming it and keeps the instance; a trap is logged and replaces it', async () => {
  const logs = [];
  const { loader, made } = component(async (req) => {
    const path = req.getPathWithQuery();
    if (path === '/fail')
      throw Object.assign(new Error('err'), { name: 'ComponentError', payload: { tag: 'internal-error', val: 'no' } });
    if (path === '/trap') throw new WebAssembly.RuntimeError('unreachable');
    return response(200, [], [enc('ok')]);
  });
  const f = toFetchHandler(loader, { log: (m) => logs.push(m) });
  const fail = await f(new Request('http://x.test/fail'));
  assert.deepEqual(
    [fail.status, await fail.text()],
    [500, 'handler returned an error: {"tag":"internal-error","val":"no"}'],
  );
  assert.equal(made.length, 1);
  assert.deepEqual(logs, []);
  const trap = await f(new Request('http://x.test/trap'));
  assert.deepEqual([trap.status, await trap.text()], [500, 'handler failed: unreachable']);
  assert.deepEqual(logs, ['wasi:http handler failed: wasm trap: unreachable']);
  const ok = await f(new Request('http://x.test/'));
  assert.deepEqual([ok.status, await ok.text()], [200, 'ok']);
  assert.equal(made.length, 2);
});

test('a given 0.3 instance: concurrent requests; after a trap every request gets a 500', async () => {
  const inst = {
    'wasi:http/handler@0.3.0': {
      handle: async (req) => {
        if (req.getPathWithQuery() === '/trap') throw new WebAssembly.RuntimeError('unreachable');
        return response(204, [], [enc('dropped: 204 has no body')]);
      },
    },
  };
  const f = toFetchHandler(inst, { log: () => {} });
  const rs = await Promise.all([f(new Request('http://x.test/')), f(new Request('http://x.test/'))]);
  assert.deepEqual(
    rs.map((r) => [r.status, r.body]),
    [
      [204, null],
      [204, null],
    ],
  );
  assert.equal((await f(new Request('http://x.test/trap'))).status, 500);
  const after = await f(new Request('http://x.test/'));
  assert.deepEqual(
    [after.status, await after.text()],
    [500, 'handler failed: the component instance trapped earlier and cannot be used again'],
  );
});
