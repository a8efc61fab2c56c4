import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli3Imports, drainToSink, sourceChunks } from './cli.js';
import { bytesSource, collectSink, functionSource } from '../wasi/io.js';

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);

async function collect(iterable) {
  const parts = [];
  for await (const c of iterable) parts.push(dec(c));
  return parts.join('');
}

test('drainToSink writes every chunk in order and resolves ok', async () => {
  const sink = collectSink();
  const r = await drainToSink([enc('ab'), enc('cd')].values(), sink);
  assert.deepEqual(r, { tag: 'ok' });
  assert.equal(sink.text(), 'abcd');
});

test('drainToSink waits for asynchronous sinks and maps EPIPE to pipe, others to io', async () => {
  const got = [];
  const slow = { write: (b) => new Promise((r) => setTimeout(() => r(got.push(dec(b))), 5)) };
  async function* src() {
    yield enc('1');
    yield enc('2');
  }
  assert.deepEqual(await drainToSink(src(), slow), { tag: 'ok' });
  assert.deepEqual(got, ['1', '2']);
  let returned = false;
  const stream = {
    [Symbol.asyncIterator]: () => ({
      next: async () => ({ done: false, value: enc('x') }),
      return: async () => {
        returned = true;
        return { done: true };
      },
    }),
  };
  const epipe = {
    write() {
      throw Object.assign(new Error('EPIPE'), { code: 'EPIPE' });
    },
  };
  assert.deepEqual(await drainToSink(stream, epipe), { tag: 'err', val: 'pipe' });
  assert.ok(returned, 'the guest stream is cancelled on failure');
  const broken = {
    write() {
      throw new Error('disk full');
    },
  };
  assert.deepEqual(await drainToSink([enc('x')].values(), broken), { tag: 'err', val: 'io' });
});

test('sourceChunks: synchronous, asynchronous (whenReady) and readAsync sources', async () => {
  assert.equal(await collect(sourceChunks(bytesSource('hello'), {})), 'hello');
  const queue = ['a', Promise.resolve('b'), new Promise((r) => setTimeout(() => r('c'), 5)), null];
  assert.equal(
    await collect(
      sourceChunks(
        functionSource(() => queue.shift(), { eager: true }),
        {},
      ),
    ),
    'abc',
  );
  const chunks = [enc('x'), enc('y'), null];
  assert.equal(await collect(sourceChunks({ readAsync: async () => chunks.shift() }, {})), 'xy');
});

test('sourceChunks records a failing source and ends', async () => {
  const outcome = { error: null };
  const src = {
    read() {
      throw Object.assign(new Error('gone'), { code: 'EPIPE' });
    },
  };
  assert.equal(await collect(sourceChunks(src, outcome)), '');
  assert.equal(outcome.error, 'pipe');
});

test('read-via-stream: a stream of stdin and a future that resolves when it ends', async () => {
  const cli = cli3Imports({ stdin: bytesSource('in'), stdout: collectSink(), stderr: collectSink() });
  const [stream, done] = cli['wasi:cli/stdin'].readViaStream();
  let settled = false;
  done.then(() => (settled = true));
  await new Promise((r) => setTimeout(r, 1));
  assert.equal(settled, false, 'not before the stream is read to its end');
  assert.equal(await collect(stream), 'in');
  assert.deepEqual(await done, { tag: 'ok' });
  const bad = cli3Imports({
    stdin: {
      read() {
        throw new Error('x');
      },
    },
  });
  const [s2, d2] = bad['wasi:cli/stdin'].readViaStream();
  await collect(s2);
  assert.deepEqual(await d2, { tag: 'err', val: 'io' });
});

test('write-via-stream goes to the granted sinks; get-initial-cwd is the granted cwd', async () => {
  const stdout = collectSink();
  const stderr = collectSink();
  const cli = cli3Imports({ stdout, stderr, cwd: '/w' });
  assert.deepEqual(await cli['wasi:cli/stdout'].writeViaStream([enc('o')].values()), { tag: 'ok' });
  assert.deepEqual(await cli['wasi:cli/stderr'].writeViaStream([enc('e')].values()), { tag: 'ok' });
  assert.equal(stdout.text(), 'o');
  assert.equal(stderr.text(), 'e');
  assert.equal(cli['wasi:cli/environment'].getInitialCwd(), '/w');
  assert.equal(cli3Imports({})['wasi:cli/environment'].getInitialCwd(), undefined);
});
