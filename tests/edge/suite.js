// What runtimes.test.js (WASI 0.2) and runtimes3.test.js (WASI 0.3) share:
// a local upstream server for outgoing requests, one `describe` per platform
// with its server started before and stopped after, and the tests whose
// requests and answers are the same for both fixtures.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { BIG_SHA, TOTAL, bigBody, request } from './requests.js';
import { PLATFORMS, startServer, tempRoot } from './servers.js';

/** Platforms that send HTTP trailers (Fetch Responses cannot carry them). */
export const SENDS_TRAILERS = new Set(['weft serve', 'node']);

/**
 * Serves `fixture` on every platform: `tests(ctx)` registers one platform's
 * tests, which read `ctx.platform`, `ctx.server` (`url`, `log()`) and
 * `ctx.upstreamUrl` (`host:port` of a server answering `upstream saw <method> <url>`).
 */
export function onEveryPlatform({ fixture, title = (p) => p }, tests) {
  const { root, remove } = tempRoot();
  let upstream;
  let upstreamUrl;
  before(async () => {
    upstream = http.createServer((req, res) =>
      res.writeHead(200, { 'x-up': '1' }).end(`upstream saw ${req.method} ${req.url}`),
    );
    await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamUrl = `127.0.0.1:${upstream.address().port}`;
  });
  after(async () => {
    await new Promise((r) => upstream.close(r));
    remove();
  });
  for (const platform of PLATFORMS) {
    describe(title(platform), () => {
      const ctx = {
        platform,
        server: null,
        get upstreamUrl() {
          return upstreamUrl;
        },
      };
      before(async () => {
        ctx.server = await startServer(platform, root, fixture);
      });
      after(async () => {
        await ctx.server?.stop();
      });
      tests(ctx);
    });
  }
}

/** An 8 MiB body POSTed to `path` comes back whole. */
export function testBigBody(ctx, path) {
  test('an 8 MiB body streamed in and back out', async () => {
    const r = await request(`${ctx.server.url}${path}`, { method: 'POST', body: bigBody() });
    assert.deepEqual([r.status, r.length, r.sha256], [200, TOTAL, BIG_SHA]);
  });
}

/** `/fetch?<host:port/path>` makes an outgoing request and answers with what came back. */
export function testOutgoing(ctx) {
  test('an outgoing request to a local server', async () => {
    const r = await request(`${ctx.server.url}/fetch?${ctx.upstreamUrl}/hello?y=2`);
    assert.deepEqual([r.status, r.text], [200, 'upstream 200 upstream saw GET /hello?y=2']);
  });
}

/** 32 concurrent POSTs of `n<i>` to `path(i)` answer `expected(i)`. */
export function testConcurrent(ctx, path, expected) {
  test('32 concurrent requests', async () => {
    const rs = await Promise.all(
      Array.from({ length: 32 }, (_, i) => request(`${ctx.server.url}${path(i)}`, { method: 'POST', body: `n${i}` })),
    );
    assert.deepEqual(
      rs.map((r) => [r.status, r.text]),
      rs.map((_, i) => [200, expected(i)]),
    );
  });
}
