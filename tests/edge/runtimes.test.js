// The wasi-http-server fixture served by `weft serve` and by the `weft
// transpile --target` entries on Node 24, Deno, Bun and workerd: the same
// requests get the same responses everywhere (GET, headers, a 404, POST, an
// 8 MiB body streamed in and out, trailers where the platform can send them,
// an outgoing request to a local server, a trapping handler and recovery from
// it, concurrent requests).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { BIG_SHA, TOTAL, bigBody, request } from './requests.js';
import { PLATFORMS, startServer, tempRoot } from './servers.js';

/** Platforms that send HTTP trailers (Fetch Responses cannot carry them). */
const SENDS_TRAILERS = new Set(['weft serve', 'node']);

let upstream;
let upstreamUrl;
const { root, remove } = tempRoot();

before(async () => {
  upstream = http.createServer((req, res) => res.writeHead(200, { 'x-up': '1' }).end(`upstream saw ${req.method} ${req.url}`));
  await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamUrl = `127.0.0.1:${upstream.address().port}`;
});
after(async () => {
  await new Promise((r) => upstream.close(r));
  remove();
});

for (const platform of PLATFORMS) {
  describe(platform, () => {
    let server;
    before(async () => { server = await startServer(platform, root); });
    after(async () => { await server?.stop(); });

    test('GET with headers', async () => {
      const r = await request(`${server.url}/hello?x=1`, { headers: { 'x-echo': 'e' } });
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], 'text/plain');
      assert.equal(r.headers['x-reply'], 'e');
      assert.equal(r.text, 'GET /hello?x=1 e ');
    });

    test('404 and POST', async () => {
      assert.equal((await request(`${server.url}/missing`)).status, 404);
      const r = await request(`${server.url}/echo`, { method: 'POST', body: 'body', headers: { 'x-echo': 'p' } });
      assert.deepEqual([r.status, r.text], [200, 'POST /echo p body']);
    });

    test('an 8 MiB body streamed in and back out', async () => {
      const r = await request(`${server.url}/stream`, { method: 'POST', body: bigBody() });
      assert.deepEqual([r.status, r.length, r.sha256], [200, TOTAL, BIG_SHA]);
    });

    test('trailers', async () => {
      const r = await request(`${server.url}/trailers`);
      assert.deepEqual([r.status, r.text], [200, 'with trailers']);
      assert.deepEqual(r.trailers, SENDS_TRAILERS.has(platform) ? { 'x-trailer': 'done' } : {});
    });

    test('an outgoing request to a local server', async () => {
      const r = await request(`${server.url}/fetch?${upstreamUrl}/hello?y=2`);
      assert.deepEqual([r.status, r.text], [200, 'upstream 200 upstream saw GET /hello?y=2']);
    });

    test('a trapping handler gives a 500 with the trap message, logged; the next request works', async () => {
      const r = await request(`${server.url}/trap`);
      assert.equal(r.status, 500);
      // V8 says "unreachable"; JavaScriptCore (Bun) "Unreachable code should not be executed".
      assert.match(r.text, /^handler failed: (unreachable|Unreachable code should not be executed)$/);
      const ok = await request(`${server.url}/after`);
      assert.deepEqual([ok.status, ok.text], [200, 'GET /after  ']);
      if (platform !== 'weft serve') assert.match(server.log(), /wasi:http handler failed: wasm trap: [Uu]nreachable/);
      assert.match(server.log(), /the handler trapped on purpose/);
    });

    test('32 concurrent requests', async () => {
      const rs = await Promise.all(Array.from({ length: 32 }, (_, i) => request(`${server.url}/c${i}`, { method: 'POST', body: `n${i}` })));
      assert.deepEqual(
        rs.map((r) => [r.status, r.text]),
        rs.map((_, i) => [200, `POST /c${i}  n${i}`]),
      );
    });
  });
}
