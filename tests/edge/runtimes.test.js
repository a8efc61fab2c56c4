// The wasi-http-server fixture served by `weft serve` and by the `weft
// transpile --target` entries on Node 24, Deno, Bun and workerd: the same
// requests get the same responses everywhere (GET, headers, a 404, POST, an
// 8 MiB body streamed in and out, trailers where the platform can send them,
// an outgoing request to a local server, a trapping handler and recovery from
// it, concurrent requests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from './requests.js';
import { SENDS_TRAILERS, onEveryPlatform, testBigBody, testConcurrent, testOutgoing } from './suite.js';

onEveryPlatform({}, (ctx) => {
  const { platform } = ctx;
  test('GET with headers', async () => {
    const r = await request(`${ctx.server.url}/hello?x=1`, { headers: { 'x-echo': 'e' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/plain');
    assert.equal(r.headers['x-reply'], 'e');
    assert.equal(r.text, 'GET /hello?x=1 e ');
  });

  test('404 and POST', async () => {
    assert.equal((await request(`${ctx.server.url}/missing`)).status, 404);
    const r = await request(`${ctx.server.url}/echo`, { method: 'POST', body: 'body', headers: { 'x-echo': 'p' } });
    assert.deepEqual([r.status, r.text], [200, 'POST /echo p body']);
  });

  testBigBody(ctx, '/stream');

  test('trailers', async () => {
    const r = await request(`${ctx.server.url}/trailers`);
    assert.deepEqual([r.status, r.text], [200, 'with trailers']);
    assert.deepEqual(r.trailers, SENDS_TRAILERS.has(platform) ? { 'x-trailer': 'done' } : {});
  });

  testOutgoing(ctx);

  test('a trapping handler gives a 500 with the trap message, logged; the next request works', async () => {
    const r = await request(`${ctx.server.url}/trap`);
    assert.equal(r.status, 500);
    // V8 says "unreachable"; JavaScriptCore (Bun) "Unreachable code should not be executed".
    assert.match(r.text, /^handler failed: (unreachable|Unreachable code should not be executed)$/);
    const ok = await request(`${ctx.server.url}/after`);
    assert.deepEqual([ok.status, ok.text], [200, 'GET /after  ']);
    if (platform !== 'weft serve')
      assert.match(ctx.server.log(), /wasi:http handler failed: wasm trap: [Uu]nreachable/);
    assert.match(ctx.server.log(), /the handler trapped on purpose/);
  });

  testConcurrent(
    ctx,
    (i) => `/c${i}`,
    (i) => `POST /c${i}  n${i}`,
  );
});
