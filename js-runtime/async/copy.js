// Streams and futures (definitions.py: Buffer*, SharedStreamImpl,
// SharedFutureImpl, CopyEnd and its four subclasses, stream_copy, future_copy,
// cancel_copy, drop, lift_async_value/lower_stream/lower_future).
//
// A "type" here is the descriptor the glue interns per distinct element type
// (`{ name, numeric }`, `numeric` also for the element-less `stream`), compared
// by identity like the spec's `e.shared.t != stream_t.t`. Buffers are objects
// with remain(), isZeroLength(), read(n) -> values[], write(values), progress;
// `GuestBuffer` is one over linear memory (the glue passes its load/store),
// `HostBuffer` one over a JS array (host ends, tests).
import { trap } from '../intrinsics/trap.js';
import { getAs, checkMayLeave } from './table.js';
import { afterBlock } from './scheduler.js';
import { Waitable } from './waitable.js';
import {
  BLOCKED,
  MAX_BUFFER_LENGTH,
  COPY_COMPLETED,
  COPY_DROPPED,
  COPY_CANCELLED,
  COPY_IDLE,
  COPY_COPYING,
  COPY_CANCELLING,
  COPY_DONE,
  EVENT_STREAM_READ,
  EVENT_STREAM_WRITE,
  EVENT_FUTURE_READ,
  EVENT_FUTURE_WRITE,
} from './codes.js';

// ---- buffers

/** A buffer over guest memory. `elemSize` 0 for element-less streams;
 * `load(ptr, n)`/`store(ptr, values)` are the glue's monomorphic element
 * loops; `check(ptr, length)` traps on misalignment / out of bounds;
 * `view(ptr, n)` (bytes a guest writes, optional) the bytes in place, for a
 * copy straight into another guest's memory. */
export class GuestBuffer {
  constructor(elemSize, ptr, length, load, store, check, view = null) {
    length >>>= 0; // a 32-bit guest's count arrives as a signed i32
    if (length > MAX_BUFFER_LENGTH) trap(`stream/future buffer length ${length} is above 2^28 - 1`);
    if (elemSize > 0 && length > 0 && check !== null) check(ptr, length);
    this.elemSize = elemSize;
    this.ptr = ptr;
    this.length = length;
    this.progress = 0;
    this.load = load;
    this.store = store;
    this.view = view;
  }
  remain() {
    return this.length - this.progress;
  }
  isZeroLength() {
    return this.length === 0;
  }
  read(n) {
    let vs;
    if (this.elemSize > 0) {
      vs = this.load(this.ptr, n);
      this.ptr += n * this.elemSize;
    } else {
      vs = new Array(n).fill(undefined);
    }
    this.progress += n;
    return vs;
  }
  write(vs) {
    if (this.elemSize > 0) {
      this.store(this.ptr, vs);
      this.ptr += vs.length * this.elemSize;
    }
    this.progress += vs.length;
  }
  /** `read(n)` as a view of guest memory: only for a destination that copies it at once. */
  readView(n) {
    const vs = this.view(this.ptr, n);
    this.ptr += n;
    this.progress += n;
    return vs;
  }
}

/** Moves `n` values from `src` to `dst`: guest bytes into another guest's memory in one copy
 * (no intermediate array), anything else through `read`. */
function transfer(src, dst, n) {
  dst.write(src.view != null && dst instanceof GuestBuffer ? src.readView(n) : src.read(n));
}

/** A buffer over a JS array: readable (`values` to hand out) or writable
 * (`capacity` slots, filled into `values`). */
export class HostBuffer {
  constructor(values, capacity = values.length) {
    this.values = values;
    this.length = capacity;
    this.progress = 0;
    this.readPos = 0;
  }
  remain() {
    return this.length - this.progress;
  }
  isZeroLength() {
    return this.length === 0;
  }
  read(n) {
    const vs = this.values.slice(this.readPos, this.readPos + n);
    this.readPos += n;
    this.progress += n;
    return vs;
  }
  write(vs) {
    for (const v of vs) this.values.push(v);
    this.progress += vs.length;
  }
}

// ---- the shared (rendezvous) state between the two ends

function sameInstanceTrap(t, a, b) {
  if (a === b && a !== null && !t.numeric)
    trap('cannot read from and write to intra-component future or stream of non-numeric type');
}

/** What a stream's and a future's rendezvous share: at most one pending copy
 * (`resetPending`/`setPending` are the subclass's), its cancel and the drop. */
class Rendezvous {
  constructor(t) {
    this.t = t;
    this.dropped = false;
    this.resetPending();
    this.store = null; // the store of the instance that made it (host-made: null)
    this.moreStores = null; // other stores an end was lowered into (see joinStore)
  }
  resetAndNotifyPending(result) {
    const done = this.pendingOnCopyDone;
    this.resetPending();
    done(result);
  }
  cancel() {
    this.resetAndNotifyPending(COPY_CANCELLED);
  }
  drop() {
    if (!this.dropped) {
      this.dropped = true;
      if (this.pendingBuffer !== null) this.resetAndNotifyPending(COPY_DROPPED);
    }
  }
}

export class SharedStream extends Rendezvous {
  resetPending() {
    this.pendingInst = null;
    this.pendingBuffer = null;
    this.pendingOnCopy = null;
    this.pendingOnCopyDone = null;
  }
  setPending(inst, buffer, onCopy, onCopyDone) {
    this.pendingInst = inst;
    this.pendingBuffer = buffer;
    this.pendingOnCopy = onCopy;
    this.pendingOnCopyDone = onCopyDone;
  }
  read(inst, dst, onCopy, onCopyDone) {
    if (this.dropped) {
      onCopyDone(COPY_DROPPED);
    } else if (this.pendingBuffer === null) {
      this.setPending(inst, dst, onCopy, onCopyDone);
    } else {
      sameInstanceTrap(this.t, inst, this.pendingInst);
      if (this.pendingBuffer.remain() > 0) {
        if (dst.remain() > 0) {
          const n = Math.min(dst.remain(), this.pendingBuffer.remain());
          transfer(this.pendingBuffer, dst, n);
          this.pendingOnCopy(() => this.resetPending());
        }
        onCopyDone(COPY_COMPLETED);
      } else {
        this.resetAndNotifyPending(COPY_COMPLETED);
        this.setPending(inst, dst, onCopy, onCopyDone);
      }
    }
  }
  write(inst, src, onCopy, onCopyDone) {
    if (this.dropped) {
      onCopyDone(COPY_DROPPED);
    } else if (this.pendingBuffer === null) {
      this.setPending(inst, src, onCopy, onCopyDone);
    } else {
      sameInstanceTrap(this.t, inst, this.pendingInst);
      if (this.pendingBuffer.remain() > 0) {
        if (src.remain() > 0) {
          const n = Math.min(src.remain(), this.pendingBuffer.remain());
          transfer(src, this.pendingBuffer, n);
          this.pendingOnCopy(() => this.resetPending());
        }
        onCopyDone(COPY_COMPLETED);
      } else if (src.isZeroLength() && this.pendingBuffer.isZeroLength()) {
        onCopyDone(COPY_COMPLETED);
      } else {
        this.resetAndNotifyPending(COPY_COMPLETED);
        this.setPending(inst, src, onCopy, onCopyDone);
      }
    }
  }
}

export class SharedFuture extends Rendezvous {
  resetPending() {
    this.pendingInst = null;
    this.pendingBuffer = null;
    this.pendingOnCopyDone = null;
  }
  setPending(inst, buffer, onCopyDone) {
    this.pendingInst = inst;
    this.pendingBuffer = buffer;
    this.pendingOnCopyDone = onCopyDone;
  }
  read(inst, dst, onCopyDone) {
    if (this.pendingBuffer === null) {
      this.setPending(inst, dst, onCopyDone);
    } else {
      sameInstanceTrap(this.t, inst, this.pendingInst);
      dst.write(this.pendingBuffer.read(1));
      this.resetAndNotifyPending(COPY_COMPLETED);
      onCopyDone(COPY_COMPLETED);
    }
  }
  write(inst, src, onCopyDone) {
    if (this.dropped) {
      onCopyDone(COPY_DROPPED);
    } else if (this.pendingBuffer === null) {
      this.setPending(inst, src, onCopyDone);
    } else {
      sameInstanceTrap(this.t, inst, this.pendingInst);
      this.pendingBuffer.write(src.read(1));
      this.resetAndNotifyPending(COPY_COMPLETED);
      onCopyDone(COPY_COMPLETED);
    }
  }
}

// ---- the ends in a component instance's table

class CopyEnd extends Waitable {
  constructor(shared) {
    super();
    this.state = COPY_IDLE;
    this.shared = shared;
    this.partialCopy = null; // set while a partial stream copy's event is pending
  }
  copying() {
    return this.state === COPY_COPYING || this.state === COPY_CANCELLING;
  }
}
export class ReadableStreamEnd extends CopyEnd {}
ReadableStreamEnd.kind = 'readable stream end';
ReadableStreamEnd.what = 'stream';
export class WritableStreamEnd extends CopyEnd {}
WritableStreamEnd.kind = 'writable stream end';
WritableStreamEnd.what = 'stream';
export class ReadableFutureEnd extends CopyEnd {}
ReadableFutureEnd.kind = 'readable future end';
ReadableFutureEnd.what = 'future';
export class WritableFutureEnd extends CopyEnd {}
WritableFutureEnd.kind = 'writable future end';
WritableFutureEnd.what = 'future';

function endOf(inst, i, cls, t, what) {
  const e = getAs(inst.handles, i, cls, what);
  if (e.shared.t !== t) trap(`${what}: handle ${i >>> 0} is a ${cls.what} of another element type`);
  return e;
}

function packEnds(inst, r, w) {
  const ri = inst.handles.add(r);
  const wi = inst.handles.add(w);
  return BigInt(ri) | (BigInt(wi) << 32n);
}

const TYPE_DESCS = [];
/**
 * The descriptor of the glue's stream/future type number `k`: one per glue
 * module, so that every instantiation of a component agrees on its types
 * (a stream one instance returns may be passed to another).
 */
export function typeDesc(k, name, numeric, bytes) {
  return (TYPE_DESCS[k] ??= { name, numeric, bytes });
}

/** canon stream.new: `readable | writable << 32` as a BigInt (i64). */
export function streamNew(inst, t) {
  checkMayLeave(inst);
  const s = new SharedStream(t);
  s.store = inst.store;
  return packEnds(inst, new ReadableStreamEnd(s), new WritableStreamEnd(s));
}

/** canon future.new */
export function futureNew(inst, t) {
  checkMayLeave(inst);
  const s = new SharedFuture(t);
  s.store = inst.store;
  return packEnds(inst, new ReadableFutureEnd(s), new WritableFutureEnd(s));
}

function doneMessage(cls) {
  if (cls === ReadableStreamEnd) return 'cannot read from stream after being notified that the writable end dropped';
  if (cls === WritableStreamEnd) return 'cannot write to stream after being notified that the readable end dropped';
  if (cls === ReadableFutureEnd) return 'cannot read from future after previous read succeeded';
  return 'cannot write to future after previous write succeeded or readable end dropped';
}

function startCopy(store, cls, t, isAsync, i, what) {
  const thread = store.cur;
  const inst = thread.task.inst;
  checkMayLeave(inst);
  const e = endOf(inst, i, cls, t, what);
  if (e.state === COPY_DONE) trap(doneMessage(cls));
  if (e.state !== COPY_IDLE) trap('cannot have concurrent operations active on a future/stream');
  if (e.inWaitableSet() && !isAsync) trap('waitable cannot be used synchronously while added to a waitable set');
  return e;
}

function finishCopy(thread, e, isAsync, what) {
  const deliver = () => e.getPendingEvent()[2];
  if (!e.hasPendingEvent()) {
    if (isAsync) return BLOCKED;
    return afterBlock(e.waitForPendingEvent(thread, what, true), deliver);
  }
  return deliver();
}

/**
 * canon stream.read / stream.write (`cls` ReadableStreamEnd / WritableStreamEnd).
 * `mkBuffer()` makes the GuestBuffer (after the handle checks, as the spec
 * orders them). Returns `result | progress << 4`, BLOCKED, or a Promise (sync, JSPI).
 */
export function streamCopy(store, cls, t, isAsync, i, mkBuffer) {
  const reading = cls === ReadableStreamEnd;
  const what = reading ? 'stream.read' : 'stream.write';
  const code = reading ? EVENT_STREAM_READ : EVENT_STREAM_WRITE;
  const e = startCopy(store, cls, t, isAsync, i, what);
  const thread = store.cur;
  const buffer = mkBuffer();
  const event = (result, reclaim) => {
    reclaim();
    e.state = result === COPY_DROPPED ? COPY_DONE : COPY_IDLE;
    return [code, i, result | (buffer.progress << 4)];
  };
  // A partial copy leaves the rendezvous open; cancelling then reports what
  // was copied as CANCELLED (what the reference host does; cancel-stream.wast).
  const onCopy = (reclaim) => {
    e.partialCopy = (result) => event(result, reclaim);
    e.setPendingEvent(() => {
      e.partialCopy = null;
      return event(COPY_COMPLETED, reclaim);
    });
  };
  const onCopyDone = (result) => {
    e.partialCopy = null;
    e.setPendingEvent(() => event(result, noop));
  };
  e.state = COPY_COPYING;
  if (reading) e.shared.read(thread.task.inst, buffer, onCopy, onCopyDone);
  else e.shared.write(thread.task.inst, buffer, onCopy, onCopyDone);
  return finishCopy(thread, e, isAsync, what);
}

function noop() {}

/** canon future.read / future.write. Returns the CopyResult, BLOCKED or a Promise. */
export function futureCopy(store, cls, t, isAsync, i, mkBuffer) {
  const reading = cls === ReadableFutureEnd;
  const what = reading ? 'future.read' : 'future.write';
  const code = reading ? EVENT_FUTURE_READ : EVENT_FUTURE_WRITE;
  const e = startCopy(store, cls, t, isAsync, i, what);
  const thread = store.cur;
  const buffer = mkBuffer();
  const event = (result) => {
    e.state = result === COPY_DROPPED || result === COPY_COMPLETED ? COPY_DONE : COPY_IDLE;
    return [code, i, result];
  };
  const onCopyDone = (result) => e.setPendingEvent(() => event(result));
  e.state = COPY_COPYING;
  if (reading) e.shared.read(thread.task.inst, buffer, onCopyDone);
  else e.shared.write(thread.task.inst, buffer, onCopyDone);
  return finishCopy(thread, e, isAsync, what);
}

/** canon {stream,future}.cancel-{read,write}: the copy's final payload, BLOCKED or a Promise. */
export function cancelCopy(store, cls, t, isAsync, i) {
  const what = `${cls.what}.cancel-${cls === ReadableStreamEnd || cls === ReadableFutureEnd ? 'read' : 'write'}`;
  const thread = store.cur;
  const inst = thread.task.inst;
  checkMayLeave(inst);
  const e = endOf(inst, i, cls, t, what);
  if (e.state !== COPY_COPYING || e.hasSyncWaiter) trap(`${what}: no copy in progress to cancel`);
  if (e.inWaitableSet() && !isAsync) trap('waitable cannot be used synchronously while added to a waitable set');
  e.state = COPY_CANCELLING;
  if (e.hasPendingEvent() && e.partialCopy != null) {
    const partial = e.partialCopy;
    e.partialCopy = null;
    e.pendingEvent = null;
    return partial(COPY_CANCELLED)[2];
  }
  if (!e.hasPendingEvent()) {
    e.shared.cancel();
    if (!e.hasPendingEvent()) {
      if (isAsync) return BLOCKED;
      return afterBlock(e.waitForPendingEvent(thread, what, true), () => e.getPendingEvent()[2]);
    }
  }
  return e.getPendingEvent()[2];
}

/** canon {stream,future}.drop-{readable,writable} */
export function dropEnd(inst, cls, t, i) {
  checkMayLeave(inst);
  const what = `${cls.what}.drop-${cls === ReadableStreamEnd || cls === ReadableFutureEnd ? 'readable' : 'writable'}`;
  const e = endOf(inst, i, cls, t, what);
  if (e.copying()) trap(`cannot drop busy ${cls.what}`);
  if (cls === WritableFutureEnd && e.state !== COPY_DONE)
    trap('cannot drop future write end without first writing a value');
  inst.handles.remove(i);
  e.shared.drop();
  e.drop();
}

/** lift_stream / lift_future: moves a readable end out of `inst`; returns the shared state. */
export function liftEnd(inst, cls, t, i) {
  const what = `lift ${cls.what}`;
  const e = endOf(inst, i, cls, t, what);
  if (e.state === COPY_DONE) {
    trap(
      cls === ReadableStreamEnd
        ? 'cannot lift stream after being notified that the writable end dropped'
        : 'cannot lift future after previous read succeeded',
    );
  }
  if (e.state !== COPY_IDLE) trap(`cannot lift ${cls.what} while a copy is in progress`);
  if (e.inWaitableSet()) trap(`cannot lift ${cls.what} while it's in a waitable set`);
  inst.handles.remove(i);
  return e.shared;
}

/** lower_stream / lower_future: a new readable end in `inst`'s table. */
export function lowerEnd(inst, cls, shared) {
  joinStore(shared, inst.store);
  return inst.handles.add(new cls(shared));
}

/**
 * Notes that `store` holds an end of `shared`. An end lowered into another
 * store than the one that made the stream (the same glue instantiated twice
 * hands ends over directly) joins the two: a failure of one fails the other
 * (`Store.failJoined`), whose side would otherwise wait for ever.
 */
function joinStore(shared, store) {
  if (shared.store == null) shared.store = store;
  else if (shared.store !== store && !(shared.moreStores ??= new Set()).has(store)) {
    shared.moreStores.add(store);
    // each side may wait on the other, which it cannot see: no deadlock is declared
    store.joined = shared.store.joined = true;
  }
}
