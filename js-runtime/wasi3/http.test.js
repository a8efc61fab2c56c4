import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Fields3, Request3, RequestOptions3, Response3, http3Imports, sendRequest } from './http.js';
import { browserFetchTransport, fetchTransport } from './http-fetch.js';
import { nodeTransport } from './http-node.js';

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);

async function text(iterable) {
  let s = '';
  for await (const c of iterable) s += dec(c);
  return s;
}

test('fields: 0.2 checks plus copy-all, get-and-delete, clone; received fields are immutable', () => {
  const f = Fields3.fromList([
    ['A', enc('1')],
    ['b', enc('2')],
  ]);
  assert.deepEqual(
    f.copyAll().map(([k, v]) => [k, dec(v)]),
    [
      ['a', '1'],
      ['b', '2'],
    ],
  );
  assert.deepEqual(f.getAndDelete('a').map(dec), ['1']);
  assert.equal(f.has('a'), false);
  assert.ok(f.clone() instanceof Fields3);
  assert.throws(
    () => Fields3.fromList([['bad name', enc('x')]]),
    (e) => e.tag === 'invalid-syntax',
  );
  assert.throws(
    () => f.append('host', enc('x')),
    (e) => e.tag === 'forbidden',
  );
  const r = Fields3.received([['Host', 'example.test']]);
  assert.deepEqual(r.get('host').map(dec), ['example.test']);
  assert.throws(
    () => r.append('x', enc('y')),
    (e) => e.tag === 'immutable',
  );
});

test('request and response: setters validate; headers freeze; the body is taken once', async () => {
  const [req, sent] = Request3.new(new Fields3(), [enc('body')], Promise.resolve({ tag: 'ok' }), undefined);
  assert.throws(() => req.setAuthority('a b'));
  assert.throws(() => req.setPathWithQuery('/a b'));
  assert.throws(() => req.setMethod({ tag: 'other', val: 'BAD METHOD' }));
  assert.throws(() => req.setScheme({ tag: 'other', val: '1ws' }));
  assert.throws(() => req.setAuthority(80));
  assert.throws(() => req.setPathWithQuery(['/']));
  req.setScheme({ tag: 'other', val: 'ws+tls' });
  req.setAuthority('h.test:80');
  req.setPathWithQuery('/p?q=1');
  assert.deepEqual(
    [req.getScheme(), req.getAuthority(), req.getPathWithQuery()],
    [{ tag: 'other', val: 'ws+tls' }, 'h.test:80', '/p?q=1'],
  );
  req.setMethod({ tag: 'post' });
  assert.deepEqual(req.getMethod(), { tag: 'post' });
  assert.throws(
    () => req.getHeaders().append('x', enc('1')),
    (e) => e.tag === 'immutable',
  );
  const [body, trailers] = Request3.consumeBody(req, Promise.resolve({ tag: 'ok' }));
  assert.equal(await text(body), 'body');
  assert.deepEqual(await trailers, { tag: 'ok' });
  assert.deepEqual(await sent, { tag: 'ok' });
  assert.throws(() => Request3.consumeBody(req, null), /already/);
  const [res] = Response3.new(new Fields3(), null, Promise.resolve({ tag: 'ok' }));
  assert.throws(() => res.setStatusCode(99));
  res.setStatusCode(404);
  assert.equal(res.getStatusCode(), 404);
  const o = new RequestOptions3();
  o.setFirstByteTimeout(5n);
  assert.equal(o.clone().getFirstByteTimeout(), 5n);
});

test('send without a grant is HTTP-request-denied; without an authority URI-invalid', async () => {
  const { send } = http3Imports()['wasi:http/client'];
  const [req] = Request3.new(new Fields3(), null, Promise.resolve({ tag: 'ok' }), undefined);
  await assert.rejects(send(req), (e) => e.tag === 'HTTP-request-URI-invalid');
  const [req2] = Request3.new(new Fields3(), null, Promise.resolve({ tag: 'ok' }), undefined);
  req2.setAuthority('example.test');
  await assert.rejects(send(req2), (e) => e.tag === 'HTTP-request-denied');
});

/** A server answering /echo with the request body and trailers, /slow never, /stall with one chunk and no end. */
async function server() {
  const s = http.createServer((req, res) => {
    if (req.url === '/slow') return;
    if (req.url === '/stall') return void res.writeHead(200).write('first');
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'x-method': req.method, 'transfer-encoding': 'chunked' });
      res.write(Buffer.concat(chunks));
      res.addTrailers({ 'x-trailer-in': req.trailers['x-t'] ?? 'none' });
      res.end();
    });
  });
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  return s;
}

function request(port, path, body, trailers) {
  const [req] = Request3.new(
    Fields3.fromList([['x-a', enc('1')]]),
    body,
    Promise.resolve({ tag: 'ok', val: trailers }),
    undefined,
  );
  req.setMethod({ tag: body ? 'put' : 'get' });
  req.setScheme({ tag: 'HTTP' });
  req.setAuthority(`127.0.0.1:${port}`);
  req.setPathWithQuery(path);
  return req;
}

for (const [name, transport, trailersWork] of [
  ['node:http', nodeTransport, true],
  ['fetch (the browser transport)', fetchTransport, false],
]) {
  test(`${name} transport: streamed body out and in, trailers, first-byte timeout`, async () => {
    const s = await server();
    try {
      const port = s.address().port;
      async function* body() {
        yield enc('one ');
        yield enc('two');
      }
      const sent = trailersWork ? Fields3.fromList([['x-t', enc('tv')]]) : undefined;
      const res = await sendRequest(transport, request(port, '/echo', body(), sent));
      assert.equal(res.getStatusCode(), 200);
      assert.deepEqual(res.getHeaders().get('x-method').map(dec), ['PUT']);
      const [stream, trailers] = Response3.consumeBody(res, null);
      assert.equal(await text(stream), 'one two');
      const t = await trailers;
      assert.equal(t.tag, 'ok');
      if (trailersWork) assert.deepEqual(t.val.get('x-trailer-in').map(dec), ['tv']);
      else {
        assert.equal(t.val, undefined, 'fetch has no trailers');
        await assert.rejects(
          sendRequest(transport, request(port, '/echo', body(), Fields3.fromList([['x-t', enc('tv')]]))),
          (e) => e.tag === 'internal-error' && /trailers/.test(e.val),
          'request trailers are refused, not dropped',
        );
      }
      const slow = request(port, '/slow', null);
      slow.options = new RequestOptions3();
      slow.options.setFirstByteTimeout(50_000_000n);
      await assert.rejects(sendRequest(transport, slow), (e) => e.tag === 'connection-read-timeout');
      await assert.rejects(sendRequest(transport, request(1, '/', null)), (e) =>
        ['connection-refused', 'destination-unavailable'].includes(e.tag),
      );
      const stall = request(port, '/stall', null);
      stall.options = new RequestOptions3();
      stall.options.setBetweenBytesTimeout(100_000_000n);
      const [stalled, stalledTrailers] = Response3.consumeBody(await sendRequest(transport, stall), null);
      assert.equal(await text(stalled), 'first', 'the body ends after the chunk that came');
      assert.deepEqual(await stalledTrailers, { tag: 'err', val: { tag: 'connection-read-timeout' } });
    } finally {
      s.closeAllConnections();
      s.close();
    }
  });
}

test("fetch transport with the browser's rules: headers fetch would drop fail the send; content-length must match", async () => {
  const s = await server();
  try {
    const port = s.address().port;
    const withHeader = (name, value, body) => {
      const r = request(port, '/echo', body ?? null);
      r.headers = Fields3.fromList([[name, enc(value)]]);
      return r;
    };
    for (const name of ['cookie', 'origin', 'sec-fetch-mode', 'proxy-authorization']) {
      await assert.rejects(
        sendRequest(browserFetchTransport, withHeader(name, 'x')),
        (e) => e.tag === 'internal-error' && e.val.includes(name),
      );
    }
    async function* body() {
      yield enc('abc');
    }
    await assert.rejects(
      sendRequest(browserFetchTransport, withHeader('content-length', '5', body())),
      (e) => e.tag === 'HTTP-request-body-size' && e.val === 3n,
    );
    const ok = await sendRequest(browserFetchTransport, withHeader('content-length', '3', body()));
    assert.equal(await text(Response3.consumeBody(ok, null)[0]), 'abc');
    // outside a browser (edge runtimes) the same headers go out
    const edge = await sendRequest(fetchTransport, withHeader('cookie', 'a=1'));
    assert.equal(edge.getStatusCode(), 200);
  } finally {
    s.closeAllConnections();
    s.close();
  }
});
