// Tests for copy.js: the stream/future copy state machine.
// Each test names the definitions.py function whose rule it encodes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GuestBuffer,
  HostBuffer,
  SharedStream,
  streamNew,
  futureNew,
  streamCopy,
  futureCopy,
  cancelCopy,
  dropEnd,
  liftEnd,
  lowerEnd,
  ReadableStreamEnd,
  WritableStreamEnd,
  ReadableFutureEnd,
  WritableFutureEnd,
} from './copy.js';
import { waitableSetNew, waitableJoin, waitableSetPoll } from './waitable.js';
import * as C from './codes.js';
import { world, enter, isTrap } from './testkit.js';

const U8 = { name: 'u8', numeric: true };
const STR = { name: 'string', numeric: false };

/** A fake linear memory: an array of JS values, one slot per element. */
function mem() {
  const m = [];
  const load = (ptr, n) => m.slice(ptr, ptr + n);
  const store = (ptr, vs) =>
    vs.forEach((v, k) => {
      m[ptr + k] = v;
    });
  return { m, buf: (ptr, n) => () => new GuestBuffer(1, ptr, n, load, store, null) };
}

function split(packed) {
  return [Number(packed & 0xffffffffn), Number(packed >> 32n)];
}

function streamPair(inst, t = U8) {
  return split(streamNew(inst, t));
}

/** Two instances, each with a memory, and a u8 stream made in A whose
 * readable end moved into B (lifted from A, lowered into B): `w` in A, `rb` in B. */
function crossStream() {
  const {
    store,
    insts: [A, B],
  } = world(2);
  const a = mem();
  const b = mem();
  enter(A);
  const [r, w] = streamPair(A);
  const rb = lowerEnd(B, ReadableStreamEnd, liftEnd(A, ReadableStreamEnd, U8, r));
  return { store, A, B, a, b, w, rb };
}

const read = (store, t, async, i, b) => streamCopy(store, ReadableStreamEnd, t, async, i, b);
const write = (store, t, async, i, b) => streamCopy(store, WritableStreamEnd, t, async, i, b);

test('canon_stream_new: two ends in the shared table, packed as i64', () => {
  const { inst } = world();
  enter(inst);
  const [r, w] = streamPair(inst);
  assert.deepEqual([r, w], [1, 2]);
  assert.ok(inst.handles.get(r) instanceof ReadableStreamEnd);
  assert.ok(inst.handles.get(w) instanceof WritableStreamEnd);
  assert.equal(inst.handles.get(r).shared, inst.handles.get(w).shared);
});

test('SharedStreamImpl: a read blocks until a write; the writer completes eagerly; partial copy progress is reported', () => {
  const {
    store,
    insts: [A, B],
  } = world(2);
  const a = mem();
  const b = mem();
  enter(A);
  const [r, w] = streamPair(A);
  // move the readable end into B (lift from A, lower into B)
  const shared = liftEnd(A, ReadableStreamEnd, U8, r);
  const rb = lowerEnd(B, ReadableStreamEnd, shared);
  enter(B);
  assert.equal(read(store, U8, true, rb, b.buf(0, 4)), C.BLOCKED);
  assert.throws(() => read(store, U8, true, rb, b.buf(0, 4)), isTrap(/concurrent operations/));
  enter(A);
  a.m.push(1, 2, 3, 4, 5, 6);
  // write 6 into a reader with room for 4: 4 copied, writer completes eagerly with progress 4
  assert.equal(write(store, U8, true, w, a.buf(0, 6)), C.COPY_COMPLETED | (4 << 4));
  assert.deepEqual(b.m, [1, 2, 3, 4]);
  // the reader's event: COMPLETED with progress 4, end back to idle
  enter(B);
  const si = waitableSetNew(B);
  waitableJoin(B, rb, si);
  assert.deepEqual(waitableSetPoll(store, si, false), [C.EVENT_STREAM_READ, rb, C.COPY_COMPLETED | (4 << 4)]);
  assert.equal(B.handles.get(rb).state, C.COPY_IDLE);
});

test('SharedStreamImpl.write: a write blocks until a read, which takes min(remain) and completes eagerly', () => {
  const { store, A, B, a, b, w, rb } = crossStream();
  a.m.push(7, 8, 9);
  assert.equal(write(store, U8, true, w, a.buf(0, 3)), C.BLOCKED);
  enter(B);
  assert.equal(read(store, U8, true, rb, b.buf(0, 2)), C.COPY_COMPLETED | (2 << 4));
  assert.deepEqual(b.m, [7, 8]);
  // the writer has a pending COMPLETED event with progress 2 (on_copy)
  enter(A);
  const we = A.handles.get(w);
  assert.ok(we.hasPendingEvent());
  // cancelling a partial copy reports its progress as CANCELLED (the reference
  // host's behaviour, cancel-stream.wast), and closes the rendezvous
  assert.equal(cancelCopy(store, WritableStreamEnd, U8, true, w), C.COPY_CANCELLED | (2 << 4));
  assert.equal(we.hasPendingEvent(), false);
  assert.equal(we.state, C.COPY_IDLE);
});

test('SharedStreamImpl: zero-length reads and writes rendezvous without copying (zero-length.wast)', () => {
  const { store, A, B, a, b, w, rb } = crossStream();
  assert.equal(write(store, U8, true, w, a.buf(0, 0)), C.BLOCKED, 'zero-length write waits for a reader');
  enter(B);
  // a non-zero read meets a zero-length pending write: the writer is notified COMPLETED, the reader waits
  assert.equal(read(store, U8, true, rb, b.buf(0, 4)), C.BLOCKED);
  enter(A);
  assert.equal(
    cancelCopy(store, WritableStreamEnd, U8, true, w),
    C.COPY_COMPLETED,
    'writer got COMPLETED with 0 progress',
  );
  // zero-length write against a pending non-zero read: completes eagerly, copying nothing
  assert.equal(write(store, U8, true, w, a.buf(0, 0)), C.COPY_COMPLETED);
  assert.equal(B.handles.get(rb).hasPendingEvent(), false);
  // and zero meets zero: both complete
  enter(B);
  assert.equal(cancelCopy(store, ReadableStreamEnd, U8, true, rb), C.COPY_CANCELLED);
  assert.equal(read(store, U8, true, rb, b.buf(0, 0)), C.BLOCKED);
  enter(A);
  assert.equal(write(store, U8, true, w, a.buf(0, 0)), C.COPY_COMPLETED);
});

test('SharedStreamImpl.drop: dropping the writer ends a pending read with DROPPED; the reader is then DONE', () => {
  const { store, A, B, b, w, rb } = crossStream();
  enter(B);
  assert.equal(read(store, U8, true, rb, b.buf(0, 4)), C.BLOCKED);
  assert.throws(() => dropEnd(B, ReadableStreamEnd, U8, rb), isTrap(/cannot drop busy stream/));
  dropEnd(A, WritableStreamEnd, U8, w);
  const si = waitableSetNew(B);
  waitableJoin(B, rb, si);
  assert.deepEqual(waitableSetPoll(store, si, false), [C.EVENT_STREAM_READ, rb, C.COPY_DROPPED]);
  assert.equal(B.handles.get(rb).state, C.COPY_DONE);
  waitableJoin(B, rb, 0);
  assert.throws(
    () => read(store, U8, true, rb, b.buf(0, 4)),
    isTrap(/cannot read from stream after being notified that the writable end dropped/),
  );
  assert.throws(() => liftEnd(B, ReadableStreamEnd, U8, rb), isTrap(/cannot lift stream after being notified/));
  dropEnd(B, ReadableStreamEnd, U8, rb);
});

test('SharedStreamImpl.read/write: after the other end dropped, copies complete eagerly with DROPPED', () => {
  const { store, B, a, w, rb } = crossStream();
  dropEnd(B, ReadableStreamEnd, U8, rb);
  assert.equal(write(store, U8, true, w, a.buf(0, 1)), C.COPY_DROPPED);
  assert.throws(
    () => write(store, U8, true, w, a.buf(0, 1)),
    isTrap(/cannot write to stream after being notified that the readable end dropped/),
  );
});

test('cancel_copy: cancel-read of a blocked read returns CANCELLED; cancel with no copy traps', () => {
  const { store, inst } = world();
  const b = mem();
  enter(inst);
  const [r] = streamPair(inst);
  assert.throws(() => cancelCopy(store, ReadableStreamEnd, U8, true, r), isTrap(/no copy in progress/));
  assert.equal(read(store, U8, true, r, b.buf(0, 4)), C.BLOCKED);
  assert.equal(cancelCopy(store, ReadableStreamEnd, U8, true, r), C.COPY_CANCELLED);
  assert.equal(inst.handles.get(r).state, C.COPY_IDLE);
});

test('stream_copy/cancel_copy: sync use while in a waitable set traps; a sync read that must block in a sync task traps', () => {
  const { store, inst } = world();
  const b = mem();
  enter(inst, { isAsync: false, opts: { async: false } });
  const [r] = streamPair(inst);
  const si = waitableSetNew(inst);
  waitableJoin(inst, r, si);
  assert.throws(() => read(store, U8, false, r, b.buf(0, 1)), isTrap(/while added to a waitable set/));
  waitableJoin(inst, r, 0);
  assert.throws(
    () => read(store, U8, false, r, b.buf(0, 1)),
    isTrap(/cannot block a synchronous task before returning/),
  );
});

test('stream_copy: wrong end kind or element type traps', () => {
  const { store, inst } = world();
  const b = mem();
  enter(inst);
  const [r, w] = streamPair(inst);
  assert.throws(() => read(store, U8, true, w, b.buf(0, 1)), isTrap(/not a readable stream end/));
  assert.throws(() => read(store, STR, true, r, b.buf(0, 1)), isTrap(/another element type/));
});

test('SharedStreamImpl: same-instance copies of non-numeric elements trap; numeric ones work', () => {
  const { store, inst } = world();
  const m = mem();
  enter(inst);
  const [r, w] = streamPair(inst, STR);
  assert.equal(read(store, STR, true, r, m.buf(0, 1)), C.BLOCKED);
  m.m[10] = 'x';
  assert.throws(() => write(store, STR, true, w, m.buf(10, 1)), isTrap(/intra-component/));
  const [r2, w2] = streamPair(inst, U8);
  assert.equal(read(store, U8, true, r2, m.buf(0, 1)), C.BLOCKED);
  m.m[10] = 5;
  assert.equal(write(store, U8, true, w2, m.buf(10, 1)), C.COPY_COMPLETED | (1 << 4));
  assert.equal(m.m[0], 5);
});

test('lift_async_value: a readable end in a waitable set, mid-copy, or a writable end cannot be lifted', () => {
  const { store, inst } = world();
  const b = mem();
  enter(inst);
  const [r, w] = streamPair(inst);
  const si = waitableSetNew(inst);
  waitableJoin(inst, r, si);
  assert.throws(
    () => liftEnd(inst, ReadableStreamEnd, U8, r),
    isTrap(/cannot lift stream while it's in a waitable set/),
  );
  waitableJoin(inst, r, 0);
  read(store, U8, true, r, b.buf(0, 1));
  assert.throws(() => liftEnd(inst, ReadableStreamEnd, U8, r), isTrap(/copy is in progress/));
  assert.throws(() => liftEnd(inst, ReadableStreamEnd, U8, w), isTrap(/not a readable stream end/));
});

test('SharedFutureImpl: write then read; both ends are DONE afterwards (trap-if-done)', () => {
  const {
    store,
    insts: [A, B],
  } = world(2);
  const a = mem();
  const b = mem();
  enter(A);
  const [r, w] = split(futureNew(A, U8));
  const rb = lowerEnd(B, ReadableFutureEnd, liftEnd(A, ReadableFutureEnd, U8, r));
  a.m[0] = 42;
  assert.equal(futureCopy(store, WritableFutureEnd, U8, true, w, a.buf(0, 1)), C.BLOCKED);
  assert.throws(() => dropEnd(A, WritableFutureEnd, U8, w), isTrap(/busy future/));
  enter(B);
  assert.equal(futureCopy(store, ReadableFutureEnd, U8, true, rb, b.buf(0, 1)), C.COPY_COMPLETED);
  assert.equal(b.m[0], 42);
  assert.throws(
    () => futureCopy(store, ReadableFutureEnd, U8, true, rb, b.buf(0, 1)),
    isTrap(/cannot read from future after previous read succeeded/),
  );
  assert.throws(
    () => liftEnd(B, ReadableFutureEnd, U8, rb),
    isTrap(/cannot lift future after previous read succeeded/),
  );
  enter(A);
  const si = waitableSetNew(A);
  waitableJoin(A, w, si);
  assert.deepEqual(waitableSetPoll(store, si, false), [C.EVENT_FUTURE_WRITE, w, C.COPY_COMPLETED]);
  waitableJoin(A, w, 0);
  assert.throws(
    () => futureCopy(store, WritableFutureEnd, U8, true, w, a.buf(0, 1)),
    isTrap(/cannot write to future after previous write succeeded/),
  );
  dropEnd(A, WritableFutureEnd, U8, w);
  dropEnd(B, ReadableFutureEnd, U8, rb);
});

test('WritableFutureEnd.drop: dropping before writing traps (futures-must-write); after the reader dropped, write is DROPPED', () => {
  const {
    store,
    insts: [A, B],
  } = world(2);
  const a = mem();
  enter(A);
  const [r, w] = split(futureNew(A, U8));
  assert.throws(
    () => dropEnd(A, WritableFutureEnd, U8, w),
    isTrap(/cannot drop future write end without first writing a value/),
  );
  const rb = lowerEnd(B, ReadableFutureEnd, liftEnd(A, ReadableFutureEnd, U8, r));
  dropEnd(B, ReadableFutureEnd, U8, rb);
  assert.equal(futureCopy(store, WritableFutureEnd, U8, true, w, a.buf(0, 1)), C.COPY_DROPPED);
  assert.throws(() => futureCopy(store, WritableFutureEnd, U8, true, w, a.buf(0, 1)), isTrap(/readable end dropped/));
  dropEnd(A, WritableFutureEnd, U8, w);
});

test('SharedFutureImpl: cancel-read of a pending read gives CANCELLED and the end is reusable', () => {
  const { store, inst } = world();
  const b = mem();
  enter(inst);
  const [r] = split(futureNew(inst, U8));
  assert.equal(futureCopy(store, ReadableFutureEnd, U8, true, r, b.buf(0, 1)), C.BLOCKED);
  assert.equal(cancelCopy(store, ReadableFutureEnd, U8, true, r), C.COPY_CANCELLED);
  assert.equal(futureCopy(store, ReadableFutureEnd, U8, true, r, b.buf(0, 1)), C.BLOCKED);
});

test('BufferGuestImpl: length above 2^28-1 traps; HostBuffer reads/writes JS arrays', () => {
  assert.throws(
    () => new GuestBuffer(1, 0, 2 ** 28, null, null, null),
    isTrap(/buffer length 268435456 is above 2\^28 - 1/),
  );
  // A 32-bit guest's count is a signed i32: 2^31 and above arrive negative.
  for (const n of [-(2 ** 31), -1])
    assert.throws(() => new GuestBuffer(1, 0, n, null, null, null), isTrap(/is above 2\^28 - 1/), String(n));
  // Exactly at the limit: no trap on account of the length.
  assert.equal(new GuestBuffer(1, 0, 2 ** 28 - 1, null, null, null).remain(), 2 ** 28 - 1);
  const s = new SharedStream(U8);
  const src = new HostBuffer([1, 2, 3]);
  const dst = new HostBuffer([], 2);
  const events = [];
  s.write(
    null,
    src,
    () => events.push('w-copy'),
    (r) => events.push(['w-done', r]),
  );
  s.read(
    null,
    dst,
    () => events.push('r-copy'),
    (r) => events.push(['r-done', r]),
  );
  assert.deepEqual(dst.values, [1, 2]);
  assert.deepEqual(events, ['w-copy', ['r-done', C.COPY_COMPLETED]]);
});
