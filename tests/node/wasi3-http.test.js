// WASI 0.3 HTTP: the wasi3-http-client guest against a local node:http test
// server (Node host: streaming bodies, trailers, timeouts), and the
// wasi3-http-server guest through `weft serve` (echo, streaming, trailers,
// errors) and in-process through fetchHandler3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { instantiate } from './harness.js';
import { weftServe } from './support/weft-serve.js';
import { clientTestServer } from './support/http-client-server.js';
import { createWasi, collectSink, runCommand3 } from '../../js-runtime/wasi/index.js';
import { createWasi as createBrowserWasi } from '../../js-runtime/wasi/browser.js';
import { fetchHandler3, handlerOf3 } from '../../js-runtime/wasi3/http-handler.js';

/** The client guest's output over the browser host (tests/browser/wasi3.spec.ts expects it too). */
const FETCH_OUTPUT = [
  'GET ok',
  'POST streamed ok',
  'trailers refused: fetch cannot send request trailers',
  "cookie refused: the browser's fetch cannot send the request header cookie",
  'timeout ok',
  'refused ok',
  'invalid inputs refused',
  '',
].join('\n');

/** Runs the client guest against a fresh test server; resolves to { code, out, err }. */
async function runClient(create, mode) {
  const server = await clientTestServer();
  try {
    const stdout = collectSink();
    const stderr = collectSink();
    const args = ['client', `127.0.0.1:${server.address().port}`, ...(mode ? [mode] : [])];
    const code = await runCommand3(
      await instantiate('wasi3-http-client', create({ args, network: true, stdout, stderr })),
    );
    return { code, out: stdout.text(), err: stderr.text() };
  } finally {
    server.close();
  }
}

test('wasi3-http-client: GET, streamed POST, trailers both ways, cookie, timeout, refused connection, invalid inputs (Node)', async () => {
  const r = await runClient(createWasi);
  assert.equal(r.code, 0, r.err);
  assert.equal(
    r.out,
    'GET ok\nPOST streamed ok\ntrailers ok\ncookie ok\ntimeout ok\nrefused ok\ninvalid inputs refused\n',
  );
});

test("wasi3-http-client over the browser host's fetch transport (in Node): what Fetch cannot do fails with its documented error-code", async () => {
  const r = await runClient(createBrowserWasi, 'fetch');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, FETCH_OUTPUT);
});

test('wasi3-http-client: without a network grant every request is HTTP-request-denied', async () => {
  const stderr = collectSink();
  const wasi = createWasi({ args: ['client', '127.0.0.1:9'], stdout: null, stderr });
  await assert.rejects(runCommand3(await instantiate('wasi3-http-client', wasi)));
  assert.match(stderr.text(), /GET succeeds.*HTTPRequestDenied|HttpRequestDenied/s);
});

test('wasi3-http-server in-process through fetchHandler3 (a Fetch API handler)', async () => {
  const app = await instantiate('wasi3-http-server', createWasi({ stdout: null }));
  const fetchHandler = fetchHandler3(handlerOf3(app));
  const hello = await fetchHandler(new Request('http://example.test/hello'));
  assert.equal(hello.status, 200);
  assert.equal(hello.headers.get('x-served-by'), 'weft-wasi3');
  assert.equal(await hello.text(), 'hello from wasi 0.3\n');
  const echo = await fetchHandler(
    new Request('http://example.test/echo', { method: 'POST', body: 'abc', headers: { 'x-test': 'T' } }),
  );
  assert.equal(echo.headers.get('x-method'), 'Method::Post');
  assert.equal(echo.headers.get('x-test-echo'), 'T');
  assert.equal(await echo.text(), 'abc');
  const fail = await fetchHandler(new Request('http://example.test/fail'));
  assert.equal(fail.status, 500);
  assert.match(await fail.text(), /asked to fail/);
});

/** A request through node:http; resolves to { status, headers, body, trailers }. */
function get(port, pathname, { method = 'GET', body, headers = {}, trailers, agent } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathname, method, headers, agent }, (res) => {
      const chunks = [];
      const times = [];
      res.on('data', (c) => {
        chunks.push(c);
        times.push(Date.now());
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
          trailers: res.trailers,
          times,
        }),
      );
    });
    req.on('error', reject);
    if (body !== undefined) for (const c of [].concat(body)) req.write(c);
    if (trailers) req.addTrailers(trailers);
    req.end();
  });
}

test('weft serve runs a wasi:http/handler@0.3 component: echo with trailers, streaming, errors', async () => {
  const s = await weftServe('wasi3-http-server.wasm');
  try {
    const hello = await get(s.port, '/hello');
    assert.equal(hello.status, 200);
    assert.equal(hello.body, 'hello from wasi 0.3\n');
    const echo = await get(s.port, '/echo', {
      method: 'POST',
      body: ['part one, ', 'part two'],
      headers: { 'x-test': 'T', 'transfer-encoding': 'chunked' },
      trailers: { 'x-req-trailer': 'tt' },
    });
    assert.equal(echo.body, 'part one, part two');
    assert.equal(echo.headers['x-test-echo'], 'T');
    assert.deepEqual(echo.trailers, { 'x-bytes': '18', 'x-req-trailer-echo': 'tt' });
    const stream = await get(s.port, '/stream?n=5');
    assert.equal(stream.body, [0, 1, 2, 3, 4].map((i) => `chunk ${i}\n`).join(''));
    assert.deepEqual(stream.trailers, { 'x-count': '5' });
    assert.ok(
      stream.times.length >= 3 && stream.times.at(-1) - stream.times[0] >= 40,
      'chunks arrive as the guest writes them',
    );
    const fail = await get(s.port, '/fail');
    assert.equal(fail.status, 500);
    assert.match(fail.body, /asked to fail/);
    assert.equal((await get(s.port, '/nope')).status, 404);
  } finally {
    await s.stop();
  }
});
