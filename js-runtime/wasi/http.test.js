import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Fields, httpImports } from './http.js';
import { xhrTransport } from './http-browser.js';
import { createWasi } from './index.js';
import { createWasi as createBrowserWasi } from './browser.js';

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const tag = (t) => (e) => e?.tag === t;

test('fields: case-insensitive names, validation, forbidden and immutable headers', () => {
  const f = new Fields();
  f.append('X-One', enc('a'));
  f.append('x-one', enc('b'));
  assert.deepEqual(f.get('X-ONE').map(dec), ['a', 'b']);
  assert.equal(f.has('x-one'), true);
  f.set('x-one', [enc('c')]);
  assert.deepEqual(
    f.entries().map(([k, v]) => [k, dec(v)]),
    [['x-one', 'c']],
  );
  assert.throws(() => f.append('bad name', enc('x')), tag('invalid-syntax'));
  assert.throws(() => f.append('x-ok', enc('line\r\nbreak')), tag('invalid-syntax'));
  assert.throws(() => f.append('Connection', enc('close')), tag('forbidden'));
  const c = f.clone();
  f.delete('x-one');
  assert.equal(f.has('x-one'), false);
  assert.equal(c.has('x-one'), true);
  assert.deepEqual(
    Fields.fromList([['a', enc('1')]])
      .get('a')
      .map(dec),
    ['1'],
  );
  assert.throws(() => Fields.fromList([['host', enc('x')]]), tag('forbidden'));
});

function client(send) {
  const w = httpImports(send);
  return { T: w['wasi:http/types'], handle: w['wasi:http/outgoing-handler'].handle };
}

test('outgoing request: sent when the body is finished, response read through streams', () => {
  const sent = [];
  const { T, handle } = client((req) => {
    sent.push(req);
    return { status: 201, headers: [['x-reply', enc('yes')]], body: enc('response body') };
  });
  const headers = new T.Fields();
  headers.append('x-req', enc('1'));
  const req = new T.OutgoingRequest(headers);
  req.setMethod({ tag: 'post' });
  req.setScheme({ tag: 'HTTP' });
  req.setAuthority('example.test:8080');
  req.setPathWithQuery('/p?q=1');
  assert.throws(() => req.headers().append('x-late', enc('1')), tag('immutable'));
  const body = req.body();
  assert.throws(() => req.body());
  const future = handle(req, undefined);
  assert.equal(future.get(), undefined);
  assert.equal(future.subscribe().ready(), false);
  const out = body.write();
  out.blockingWriteAndFlush(enc('abc'));
  T.OutgoingBody.finish(body, undefined);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].url, 'http://example.test:8080/p?q=1');
  assert.equal(sent[0].method, 'POST');
  assert.equal(dec(sent[0].body), 'abc');
  assert.deepEqual(
    sent[0].headers.map(([k, v]) => [k, dec(v)]),
    [['x-req', '1']],
  );
  assert.equal(future.subscribe().ready(), true);
  const got = future.get();
  assert.equal(got.tag, 'ok');
  assert.equal(got.val.tag, 'ok');
  const resp = got.val.val;
  assert.deepEqual(future.get(), { tag: 'err', val: undefined });
  assert.equal(resp.status(), 201);
  assert.deepEqual(resp.headers().get('X-Reply').map(dec), ['yes']);
  assert.throws(() => resp.headers().delete('x-reply'), tag('immutable'));
  const inBody = resp.consume();
  assert.throws(() => resp.consume());
  assert.equal(dec(inBody.stream().blockingRead(100n)), 'response body');
  const trailers = T.IncomingBody.finish(inBody);
  assert.deepEqual(trailers.get(), { tag: 'ok', val: { tag: 'ok', val: undefined } });
});

test('outgoing request: setters check their values; `other` method and scheme are sent as spelled', () => {
  let seen;
  const { T, handle } = client((req) => {
    seen = req;
    return { status: 200, headers: [['X-Up', 'text']], body: enc('') };
  });
  const req = new T.OutgoingRequest(new T.Fields());
  assert.throws(() => req.setMethod({ tag: 'other', val: 'BAD METHOD' }));
  assert.throws(() => req.setScheme({ tag: 'other', val: '1ws' }));
  assert.throws(() => req.setAuthority('user@h'));
  assert.throws(() => req.setPathWithQuery('/a b'));
  req.setMethod({ tag: 'other', val: 'PURGE' });
  req.setScheme({ tag: 'other', val: 'ws+tls' });
  req.setAuthority('h.test');
  req.setPathWithQuery('/p?q=1');
  assert.deepEqual(
    [req.method(), req.scheme(), req.authority(), req.pathWithQuery()],
    [{ tag: 'other', val: 'PURGE' }, { tag: 'other', val: 'ws+tls' }, 'h.test', '/p?q=1'],
  );
  const response = handle(req, undefined).get().val.val;
  assert.deepEqual([seen.url, seen.method, seen.timeoutMs], ['ws+tls://h.test/p?q=1', 'PURGE', undefined]);
  assert.deepEqual(
    response
      .headers()
      .entries()
      .map(([k, v]) => [k, dec(v)]),
    [['x-up', 'text']],
    'header names from the transport lower-case, string values as bytes',
  );
});

test('outgoing request: no body is sent at once; transport errors become error-codes; timeouts are passed', () => {
  let seen;
  const { T, handle } = client((req) => {
    seen = req;
    throw { tag: 'connection-refused' };
  });
  const req = new T.OutgoingRequest(new T.Fields());
  req.setAuthority('localhost');
  const opts = new T.RequestOptions();
  opts.setConnectTimeout(2_000_000_000n);
  opts.setFirstByteTimeout(500_000_000n);
  const f = handle(req, opts);
  assert.equal(seen.url, 'https://localhost/');
  assert.equal(seen.method, 'GET');
  assert.equal(seen.body, null);
  assert.equal(seen.timeoutMs, 500);
  assert.deepEqual(f.get(), { tag: 'ok', val: { tag: 'err', val: { tag: 'connection-refused' } } });
  assert.throws(() => handle(new T.OutgoingRequest(new T.Fields()), undefined), tag('HTTP-request-URI-invalid'));
});

test('outgoing request: without a network grant every request is denied', () => {
  for (const create of [createWasi, createBrowserWasi]) {
    const w = create({ stdout: null });
    const T = w['wasi:http/types'];
    const req = new T.OutgoingRequest(new T.Fields());
    req.setAuthority('127.0.0.1:9');
    const f = w['wasi:http/outgoing-handler'].handle(req, undefined);
    assert.deepEqual(f.get(), { tag: 'ok', val: { tag: 'err', val: { tag: 'HTTP-request-denied' } } });
  }
});

test('outgoing request on Node with the network granted: fetch through the worker', async (t) => {
  // The server must run in another process: this thread blocks during the request.
  const server = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `
    import http from 'node:http';
    const srv = http.createServer((req, res) => {
      let b = '';
      req.on('data', (d) => (b += d));
      req.on('end', () => {
        res.setHeader('x-method', req.method);
        res.setHeader('x-url', req.url);
        res.setHeader('x-seen', req.headers['x-req'] ?? '');
        if (req.url === '/redirect') { res.statusCode = 302; res.setHeader('location', '/elsewhere'); }
        if (req.url === '/slow') {
          res.write('first');
          setTimeout(() => res.end('second'), 300);
          return;
        }
        res.end('echo: ' + b);
      });
    });
    srv.listen(0, '127.0.0.1', () => console.log(srv.address().port));
    setTimeout(() => process.exit(0), 30000).unref();
    process.stdin.on('end', () => process.exit(0));
    process.stdin.resume();`,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  t.after(() => server.kill());
  const port = await new Promise((resolve, reject) => {
    server.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    server.once('exit', () => reject(new Error('test server exited')));
  });
  const w = createWasi({ network: true, stdout: null });
  const T = w['wasi:http/types'];
  const request = (method, path, body) => {
    const req = new T.OutgoingRequest(T.Fields.fromList([['x-req', enc('hi')]]));
    req.setMethod({ tag: method });
    req.setScheme({ tag: 'HTTP' });
    req.setAuthority(`127.0.0.1:${port}`);
    req.setPathWithQuery(path);
    if (body !== undefined) {
      const b = req.body();
      const f = w['wasi:http/outgoing-handler'].handle(req, undefined);
      b.write().blockingWriteAndFlush(enc(body));
      T.OutgoingBody.finish(b, undefined);
      return f.get().val.val;
    }
    return w['wasi:http/outgoing-handler'].handle(req, undefined).get().val.val;
  };
  const post = request('post', '/echo?x=1', 'payload');
  assert.equal(post.status(), 200);
  assert.deepEqual(
    ['x-method', 'x-url', 'x-seen'].map((h) => dec(post.headers().get(h)[0])),
    ['POST', '/echo?x=1', 'hi'],
  );
  assert.equal(dec(post.consume().stream().blockingRead(1000n)), 'echo: payload');
  // Redirects are the guest's business: not followed.
  const redirect = request('get', '/redirect');
  assert.equal(redirect.status(), 302);
  assert.equal(dec(redirect.headers().get('location')[0]), '/elsewhere');
  // The body streams: the future is ready with the headers, the rest arrives later.
  const slow = request('get', '/slow');
  const stream = slow.consume().stream();
  assert.equal(dec(stream.blockingRead(100n)), 'first');
  assert.equal(stream.read(100n).length, 0);
  stream.subscribe().block();
  assert.equal(dec(stream.blockingRead(100n)), 'second');
  assert.throws(
    () => stream.blockingRead(100n),
    (e) => e.tag === 'closed',
  );
  stream[Symbol.dispose]();
});

test('browser transport: synchronous XMLHttpRequest (mocked), binary body both ways', () => {
  const calls = [];
  class FakeXhr {
    open(method, url, async) {
      calls.push({ method, url, async, headers: {} });
    }
    overrideMimeType(t) {
      calls.at(-1).mime = t;
    }
    setRequestHeader(k, v) {
      if (k === 'x-refused') throw new Error('refused');
      calls.at(-1).headers[k] = v;
    }
    send(body) {
      calls.at(-1).body = body;
      this.status = 200;
      this.responseText = String.fromCharCode(0xf7, 0x00, 0x41);
      this.response = new Uint8Array([0xf7, 0x00, 0x41]).buffer;
    }
    getAllResponseHeaders() {
      return 'X-One: 1\r\ncontent-type: application/octet-stream\r\n';
    }
  }
  globalThis.document = {}; // pretend to be a page's main thread
  try {
    const send = xhrTransport(FakeXhr);
    const r = send({
      url: 'http://h/x',
      method: 'POST',
      headers: [
        ['x-a', enc('b')],
        ['x-refused', enc('c')],
      ],
      body: enc('hi'),
      timeoutMs: undefined,
    });
    assert.equal(calls[0].async, false);
    assert.equal(calls[0].mime, 'text/plain; charset=x-user-defined');
    assert.deepEqual(calls[0].headers, { 'x-a': 'b' });
    assert.equal(dec(calls[0].body), 'hi');
    assert.deepEqual(r.body, new Uint8Array([0xf7, 0x00, 0x41]));
    assert.deepEqual(
      r.headers.map(([k, v]) => [k, dec(v)]),
      [
        ['x-one', '1'],
        ['content-type', 'application/octet-stream'],
      ],
    );
    const get = send({ url: 'http://h/', method: 'GET', headers: [], body: new Uint8Array(0) });
    assert.equal(calls[1].body, null);
    assert.equal(get.status, 200);
  } finally {
    delete globalThis.document;
  }
  class Failing extends FakeXhr {
    send() {
      this.status = 0;
    }
  }
  assert.throws(
    () => xhrTransport(Failing)({ url: 'http://h/', method: 'GET', headers: [], body: null }),
    tag('internal-error'),
  );
});
