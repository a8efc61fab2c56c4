// The WASI 0.3 fixture (fixtures/guests/wasi3-http-server, a
// `wasi:http/handler@0.3.x` component) served by `weft serve` and by the
// `weft transpile --target` entries on Node 24, Deno, Bun and workerd: the
// same requests get the same responses everywhere (GET with headers, a 404,
// POST echoed, an 8 MiB body streamed in and back out, a body written over
// time, trailers where the platform can send them, an error-code result, an
// outgoing request to a local server, concurrent requests on one instance, a
// trap and the edge entries' recovery from it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from './requests.js';
import { FIXTURE3 } from './servers.js';
import { SENDS_TRAILERS, onEveryPlatform, testBigBody, testConcurrent, testOutgoing } from './suite.js';

onEveryPlatform({ fixture: FIXTURE3, title: (p) => `${p} (WASI 0.3)` }, (ctx) => {
  const { platform } = ctx;
  test('GET with headers, and a 404', async () => {
    const r = await request(`${ctx.server.url}/hello`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/plain');
    assert.equal(r.headers['x-served-by'], 'weft-wasi3');
    assert.equal(r.text, 'hello from wasi 0.3\n');
    const missing = await request(`${ctx.server.url}/missing`);
    assert.deepEqual([missing.status, missing.text], [404, 'not found\n']);
  });

  test('POST echoed with its headers; the byte count as a trailer where trailers are sent', async () => {
    const r = await request(`${ctx.server.url}/echo`, { method: 'POST', body: 'body', headers: { 'x-test': 'p' } });
    assert.deepEqual(
      [r.status, r.text, r.headers['x-method'], r.headers['x-test-echo']],
      [200, 'body', 'Method::Post', 'p'],
    );
    assert.deepEqual(r.trailers, SENDS_TRAILERS.has(platform) ? { 'x-bytes': '4', 'x-req-trailer-echo': '' } : {});
  });

  testBigBody(ctx, '/echo');

  test('a body written over time, then trailers', async () => {
    const r = await request(`${ctx.server.url}/stream?n=3`);
    assert.deepEqual([r.status, r.text], [200, 'chunk 0\nchunk 1\nchunk 2\n']);
    assert.deepEqual(r.trailers, SENDS_TRAILERS.has(platform) ? { 'x-count': '3' } : {});
  });

  test('an error-code result is a 500 naming it', async () => {
    const r = await request(`${ctx.server.url}/fail`);
    assert.deepEqual(
      [r.status, r.text],
      [500, 'handler returned an error: {"tag":"internal-error","val":"asked to fail"}'],
    );
  });

  testOutgoing(ctx);
  testConcurrent(
    ctx,
    () => '/echo',
    (i) => `n${i}`,
  );

  // Last: `weft serve` keeps its one instance, which a trap poisons for good.
  test('a trapping handler gives a 500 with the trap message, logged; the edge entries recover', async () => {
    const r = await request(`${ctx.server.url}/trap`);
    assert.equal(r.status, 500);
    // V8 says "unreachable"; JavaScriptCore (Bun) "Unreachable code should not be executed (evaluating ...)".
    assert.match(
      r.text,
      /^handler failed: (unreachable|Unreachable code should not be executed( \(evaluating .*\))?)$/,
    );
    const next = await request(`${ctx.server.url}/hello`);
    if (platform === 'weft serve')
      assert.deepEqual(
        [next.status, next.text],
        [500, 'handler failed: cannot enter component instance: it is poisoned by an earlier trap'],
      );
    else assert.deepEqual([next.status, next.text], [200, 'hello from wasi 0.3\n']);
    if (platform !== 'weft serve')
      assert.match(ctx.server.log(), /wasi:http handler failed: wasm trap: [Uu]nreachable/);
    assert.match(ctx.server.log(), /the handler trapped on purpose/);
  });
});
