// Tests for host.js (the JS face of streams/futures) and errorContext.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { streamToJs, streamFromJs, futureToJs, futureFromJs } from './host.js';
import {
  GuestBuffer,
  streamNew,
  futureNew,
  streamCopy,
  futureCopy,
  liftEnd,
  lowerEnd,
  dropEnd,
  ReadableStreamEnd,
  WritableStreamEnd,
  ReadableFutureEnd,
  WritableFutureEnd,
} from './copy.js';
import { waitableSetNew, waitableJoin, waitableSetPoll } from './waitable.js';
import {
  ErrorContext,
  errorContextNew,
  errorContextDebugMessage,
  errorContextDrop,
  liftErrorContext,
  lowerErrorContext,
} from './errorContext.js';
import * as C from './codes.js';
import { world, enter, settle, isTrap } from './testkit.js';

const U8 = { name: 'u8', numeric: true };

function mem() {
  const m = [];
  const buf = (ptr, n) => () =>
    new GuestBuffer(
      1,
      ptr,
      n,
      (p, k) => m.slice(p, p + k),
      (p, vs) =>
        vs.forEach((v, j) => {
          m[p + j] = v;
        }),
      null,
    );
  return { m, buf };
}
const split = (p) => [Number(p & 0xffffffffn), Number(p >> 32n)];

test('streamToJs: a guest-written stream reads as a ReadableStream and async iterable, closing on drop', async () => {
  const { store, inst } = world();
  const a = mem();
  enter(inst);
  const [r, w] = split(streamNew(inst, U8));
  const rs = streamToJs(store, liftEnd(inst, ReadableStreamEnd, U8, r));
  const got = [];
  const consumer = (async () => {
    for await (const v of rs) got.push(v);
  })();
  await settle();
  a.m.push(1, 2, 3);
  enter(inst);
  for (let done = 0; done < 3; ) {
    await settle();
    enter(inst);
    const res = streamCopy(store, WritableStreamEnd, U8, true, w, a.buf(done, 3 - done));
    assert.equal(res & 0xf, C.COPY_COMPLETED, 'the JS reader is waiting: writes complete eagerly');
    done += res >>> 4;
  }
  dropEnd(inst, WritableStreamEnd, U8, w);
  await consumer;
  assert.deepEqual(got, [1, 2, 3]);
  assert.equal(store.hostPending, 0, 'a closed JS stream no longer holds the store');
});

test('streamFromJs: arrays, async iterables and ReadableStreams feed guest reads; the end is DROPPED after the last value', async () => {
  for (const mk of [
    () => [1, 2, 3],
    async function* () {
      yield 1;
      yield 2;
      yield 3;
    },
    () =>
      new ReadableStream({
        start(c) {
          c.enqueue(1);
          c.enqueue(2);
          c.enqueue(3);
          c.close();
        },
      }),
  ]) {
    const { store, inst } = world();
    const b = mem();
    const t = enter(inst);
    const src = typeof mk === 'function' && mk.constructor.name === 'AsyncGeneratorFunction' ? mk() : mk();
    const ri = lowerEnd(inst, ReadableStreamEnd, streamFromJs(store, U8, src));
    const si = waitableSetNew(inst);
    const got = [];
    for (let k = 0; k < 10; k++) {
      store.cur = t;
      let res = streamCopy(store, ReadableStreamEnd, U8, true, ri, b.buf(got.length, 2));
      if (res === C.BLOCKED) {
        waitableJoin(inst, ri, si);
        await settle();
        store.cur = t;
        res = waitableSetPoll(store, si, false)[2];
        waitableJoin(inst, ri, 0);
      }
      const n = res >>> 4;
      got.push(...b.m.slice(got.length, got.length + n));
      if ((res & 0xf) === C.COPY_DROPPED) break;
    }
    assert.deepEqual(got, [1, 2, 3]);
    assert.equal(store.hostPending, 0);
  }
});

test('streamFromJs: a JS stream that came from the guest goes back as the same shared state', () => {
  const { inst } = world();
  enter(inst);
  const [r] = split(streamNew(inst, U8));
  const shared = liftEnd(inst, ReadableStreamEnd, U8, r);
  assert.equal(streamFromJs(inst.store, U8, streamToJs(inst.store, shared)), shared);
  assert.throws(() => streamFromJs(inst.store, U8, 42), TypeError);
});

test('futureToJs/futureFromJs: futures are Promises at the boundary', async () => {
  const {
    store,
    insts: [A],
  } = world();
  const a = mem();
  enter(A);
  const [r, w] = split(futureNew(A, U8));
  const p = futureToJs(store, liftEnd(A, ReadableFutureEnd, U8, r));
  a.m[0] = 9;
  assert.equal(futureCopy(store, WritableFutureEnd, U8, true, w, a.buf(0, 1)), C.COPY_COMPLETED);
  assert.equal(await p, 9);
  // JS promise -> guest future: the read blocks until the promise settles
  let resolve;
  const ri = lowerEnd(
    A,
    ReadableFutureEnd,
    futureFromJs(
      store,
      U8,
      new Promise((res) => {
        resolve = res;
      }),
    ),
  );
  assert.equal(futureCopy(store, ReadableFutureEnd, U8, true, ri, a.buf(4, 1)), C.BLOCKED);
  resolve(77);
  await settle();
  assert.equal(a.m[4], 77);
  const si = waitableSetNew(A);
  waitableJoin(A, ri, si);
  assert.deepEqual(waitableSetPoll(store, si, false), [C.EVENT_FUTURE_READ, ri, C.COPY_COMPLETED]);
});

test('canon_error_context_{new,debug_message,drop}; lift keeps the handle, lower adds one', () => {
  const {
    insts: [A, B],
  } = world(2);
  const i = errorContextNew(A, 'boom');
  assert.equal(errorContextDebugMessage(A, i), 'boom');
  const ec = liftErrorContext(A, i);
  assert.ok(ec instanceof ErrorContext);
  assert.equal(A.handles.get(i), ec, 'lifting does not remove');
  const j = lowerErrorContext(B, ec);
  assert.equal(B.handles.get(j), ec);
  errorContextDrop(A, i);
  assert.throws(() => errorContextDebugMessage(A, i), isTrap());
  assert.equal(errorContextDebugMessage(B, j), 'boom');
  assert.equal(errorContextDebugMessage(B, lowerErrorContext(B, new Error('js'))), 'js');
  const k = A.handles.add({ rt: {}, rep: 1 });
  assert.throws(() => errorContextDrop(A, k), isTrap(/not a error context/));
});

test('host-held ends count as pending host work: no false deadlock while JS may still read', async () => {
  const { store, inst } = world();
  enter(inst);
  const [r] = split(streamNew(inst, U8));
  const rs = streamToJs(store, liftEnd(inst, ReadableStreamEnd, U8, r));
  assert.equal(store.hostPending, 1);
  await rs.cancel();
  assert.equal(store.hostPending, 0);
});

test('Store.fail errors a JS-read stream (pending and later reads) and rejects a JS-read future', async () => {
  const { store, inst } = world();
  enter(inst);
  const [r] = split(streamNew(inst, U8));
  const rs = streamToJs(store, liftEnd(inst, ReadableStreamEnd, U8, r));
  const [fr] = split(futureNew(inst, U8));
  const fut = futureToJs(store, liftEnd(inst, ReadableFutureEnd, U8, fr));
  assert.equal(store.waiters.size, 1, 'an idle stream is not a waiter (the store keeps no abandoned stream alive)');
  const reader = rs.getReader();
  const pending = reader.read();
  await settle();
  assert.equal(store.waiters.size, 2, 'a read in flight is');
  const trap = new WebAssembly.RuntimeError('guest trapped');
  store.fail(trap);
  await assert.rejects(pending, (e) => e === trap);
  await assert.rejects(reader.read(), (e) => e === trap);
  await assert.rejects(fut, (e) => e === trap);
  assert.equal(store.hostPending, 0, 'nothing counts as outstanding host work');
  // an end lifted after the failure fails at once
  const [r2] = split(streamNew(inst, U8));
  await assert.rejects(
    streamToJs(store, liftEnd(inst, ReadableStreamEnd, U8, r2))
      .getReader()
      .read(),
    (e) => e === trap,
  );
});

test('Store.fail cancels a JS source with the trap (ReadableStream) or returns it (iterator)', async () => {
  const { store } = world();
  const reasons = [];
  const rs = new ReadableStream(
    { pull: (c) => c.enqueue(1), cancel: (why) => reasons.push(why) },
    { highWaterMark: 0 },
  );
  streamFromJs(store, U8, rs);
  let returned = false;
  const gen = {
    [Symbol.asyncIterator]() {
      return {
        next: () => new Promise(() => {}),
        return: () => {
          returned = true;
          return Promise.resolve({ done: true });
        },
      };
    },
  };
  streamFromJs(store, U8, gen);
  const dropped = streamFromJs(store, U8, new ReadableStream({ cancel: (why) => reasons.push(['dropped', why]) }));
  dropped.drop();
  assert.equal(store.waiters.size, 2, 'a dropped source no longer waits');
  const trap = new WebAssembly.RuntimeError('guest trapped');
  store.fail(trap);
  await settle();
  assert.deepEqual(reasons, [['dropped', undefined], trap]);
  assert.ok(returned);
});

test('a guest stream JS hands back to a guest stops waiting on the store', async () => {
  const { store, inst } = world();
  enter(inst);
  const [r] = split(streamNew(inst, U8));
  const shared = liftEnd(inst, ReadableStreamEnd, U8, r);
  const rs = streamToJs(store, shared);
  assert.equal(streamFromJs(store, U8, rs), shared);
  assert.equal(store.waiters.size, 0);
  assert.equal(store.hostPending, 0);
});
