// The edge host's wasi:http resources over Fetch values, one by one: an
// incoming request and response made from a Fetch `Request`/`Response`, and
// an outgoing request as the `fetch` call it becomes. (Whole exchanges
// through toFetchHandler: fetch-handler.test.js.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEdgeWasi } from './index.js';
import { IncomingRequest, fieldsFrom, headersFrom, methodValue } from './http.js';

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);

/** Reads an input stream to its end, awaiting blocking reads as JSPI would. */
async function readAll(stream) {
  const chunks = [];
  for (;;) {
    try {
      chunks.push(...(await stream.blockingRead(65536n)));
    } catch (e) {
      if (e?.tag === 'closed') return dec(new Uint8Array(chunks));
      throw e;
    }
  }
}

test('methods: the nine known ones as their tag in any case, others as `other` with the spelling kept', () => {
  assert.deepEqual(methodValue('GET'), { tag: 'get' });
  assert.deepEqual(methodValue('Patch'), { tag: 'patch' });
  assert.deepEqual(methodValue('PURGE'), { tag: 'other', val: 'PURGE' });
});

test('fields from Fetch headers and back: names lower-case, values as bytes, repeated names kept', () => {
  const f = fieldsFrom(new Headers([['X-One', 'a']]));
  f.append('set-cookie', enc('b=1'));
  f.append('set-cookie', enc('c=2'));
  assert.deepEqual(
    f.entries().map(([k, v]) => [k, dec(v)]),
    [
      ['x-one', 'a'],
      ['set-cookie', 'b=1'],
      ['set-cookie', 'c=2'],
    ],
  );
  assert.equal(f.immutable, false);
  assert.deepEqual(headersFrom(f).getSetCookie(), ['b=1', 'c=2']);
});

test('incoming request from a Fetch Request: method, scheme, authority, path, frozen headers, body taken once', async () => {
  const r = new IncomingRequest(
    new Request('https://example.test:8443/a/b?c=1#frag', {
      method: 'PURGE',
      headers: { 'X-Echo': 'e' },
      body: 'hello',
    }),
  );
  assert.deepEqual(r.method(), { tag: 'other', val: 'PURGE' });
  assert.deepEqual(r.scheme(), { tag: 'HTTPS' });
  assert.equal(r.authority(), 'example.test:8443');
  assert.equal(r.pathWithQuery(), '/a/b?c=1');
  assert.deepEqual(r.headers().get('x-echo').map(dec), ['e']);
  assert.throws(
    () => r.headers().append('x-late', enc('1')),
    (e) => e?.tag === 'immutable',
  );
  const body = r.consume();
  assert.throws(() => r.consume());
  const stream = body.stream();
  assert.throws(() => body.stream());
  assert.equal(await readAll(stream), 'hello');

  assert.deepEqual(new IncomingRequest(new Request('http://h/')).scheme(), { tag: 'HTTP' });
  const other = new IncomingRequest(new Request('ftp://h.test/x'));
  assert.deepEqual(other.scheme(), { tag: 'other', val: 'ftp' });
  assert.deepEqual(other.method(), { tag: 'get' });
  assert.equal(await readAll(other.consume().stream()), '', 'no body reads as empty');
});

test('outgoing request: `other` method and scheme spelled as set; the response from fetch read once', async () => {
  const seen = [];
  const wasi = createEdgeWasi({
    fetch: async (url, init) => {
      seen.push([url, init.method, init.redirect, init.body, init.signal]);
      return new Response('up', { status: 203, headers: { 'X-Up': '1' } });
    },
  });
  const T = wasi['wasi:http/types'];
  const req = new T.OutgoingRequest(new T.Fields());
  req.setMethod({ tag: 'other', val: 'PURGE' });
  req.setScheme({ tag: 'other', val: 'ws' });
  req.setAuthority('h.test');
  const future = wasi['wasi:http/outgoing-handler'].handle(req, undefined);
  await wasi['wasi:io/poll'].poll([future.subscribe()]);
  assert.deepEqual(seen, [['ws://h.test/', 'PURGE', 'manual', undefined, undefined]]);
  const response = future.get().val.val;
  assert.equal(response.status(), 203);
  assert.deepEqual(response.headers().get('x-up').map(dec), ['1']);
  assert.throws(
    () => response.headers().delete('x-up'),
    (e) => e?.tag === 'immutable',
  );
  const body = response.consume();
  assert.throws(() => response.consume());
  assert.equal(await readAll(body.stream()), 'up');
  assert.deepEqual(T.IncomingBody.finish(body).get(), { tag: 'ok', val: { tag: 'ok', val: undefined } });
});
