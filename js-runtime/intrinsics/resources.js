import { trap } from './trap.js';
import { badValue } from './badValue.js';
// Resources: per-component-instance handle tables (the spec's `Table`, with
// index 0 reserved and LIFO reuse of freed slots), and resource values as JS
// sees them: guest resources are objects of the resource's class holding
// their rep; host resources are the host's own objects, known to the guest
// by a rep this module assigns.
export const RESOURCE = Symbol('weft.resource');
export const HOST = -1;
const MAX_HANDLES = 2 ** 28 - 1;

export class HandleTable {
  constructor() {
    this.slots = [null];
    this.free = [];
  }
  add(h) {
    if (this.free.length > 0) {
      const i = this.free.pop();
      this.slots[i] = h;
      return i;
    }
    const i = this.slots.length;
    if (i > MAX_HANDLES) trap('handle table is full');
    this.slots.push(h);
    return i;
  }
  get(i) {
    const h = i >>> 0 < this.slots.length ? this.slots[i >>> 0] : null;
    if (h == null) trap(`invalid handle index ${i >>> 0}`);
    return h;
  }
  remove(i) {
    const h = this.get(i);
    this.slots[i >>> 0] = null;
    this.free.push(i >>> 0);
    return h;
  }
  /** Live handles (for leak tests and debugging). */
  get size() {
    return this.slots.length - 1 - this.free.length;
  }
}

/** A resource type at run time. `impl` is the defining instance, or HOST. */
export function resourceType(name, impl) {
  return { name, impl, cls: null, dtor: null, hostReps: null, hostObjs: null, nextRep: 1, registry: null };
}

export function handleOf(tbl, rt, i, what) {
  const h = tbl.get(i);
  if (h.rt !== rt)
    trap(
      `${what}: handle ${i >>> 0} is ${h.rt ? `of resource type ${h.rt.name}` : 'not a resource'}, expected ${rt.name}`,
    );
  return h;
}

export function resourceNew(tbl, rt, rep) {
  return tbl.add({ rt, rep, own: true, scope: null, lends: 0 });
}

export function resourceRep(tbl, rt, i) {
  return handleOf(tbl, rt, i, 'resource.rep').rep;
}

/** Removes handle `i` for resource.drop; returns it (the caller runs the destructor). */
export function resourceDropHandle(tbl, rt, i) {
  const h = handleOf(tbl, rt, i, 'resource.drop');
  if (h.lends !== 0) trap('resource.drop: the handle is lent out to an ongoing call');
  tbl.remove(i);
  if (!h.own) h.scope.borrows--;
  return h;
}

// ---- guest resources seen from JS

export function guestObject(rt, rep, own) {
  const o = Object.create(rt.cls.prototype);
  const s = { rt, rep, own, dead: false, lends: 0 };
  o[RESOURCE] = s;
  // As jco: an owned object the garbage collector frees runs the destructor;
  // [Symbol.dispose]() (or moving it into a component) is the deterministic way.
  if (own && rt.dtor !== null) (rt.registry ??= new FinalizationRegistry(finalizeGuest)).register(o, s, s);
  return o;
}

/** Finalizer of an owned guest resource object that was never disposed or moved. */
function finalizeGuest(s) {
  if (s.dead) return;
  s.dead = true;
  try {
    s.rt.dtor(s.rep);
  } catch {
    // Nothing can catch a finalizer's error; a trap has poisoned the instance,
    // and an instance that cannot be entered now keeps the resource.
  }
}

/** The object no longer owns its resource: no finalizer for it. */
function released(s) {
  s.dead = true;
  if (s.rt.registry !== null) s.rt.registry.unregister(s);
}

function guestState(rt, v, where) {
  const s = v != null && typeof v === 'object' ? v[RESOURCE] : undefined;
  if (s === undefined || s.rt !== rt) badValue(v, `a ${rt.name} resource`, where);
  if (s.dead) throw new TypeError(`${where}: the ${rt.name} resource was already dropped or moved`);
  return s;
}

// ---- host resources seen from the guest

function hostRep(rt, obj) {
  if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function'))
    badValue(obj, `a ${rt.name} object`, rt.name);
  rt.hostReps ??= new Map();
  rt.hostObjs ??= new Map();
  let rep = rt.hostReps.get(obj);
  if (rep === undefined) {
    rep = rt.nextRep++;
    rt.hostReps.set(obj, rep);
    rt.hostObjs.set(rep, { obj, refs: 0 });
  }
  rt.hostObjs.get(rep).refs++;
  return rep;
}

function hostEntry(rt, rep) {
  const e = rt.hostObjs?.get(rep);
  if (e === undefined) trap(`unknown ${rt.name} rep ${rep}`);
  return e;
}

/** Releases one guest reference to a host object; `dispose` runs its destructor when it was the last. */
export function hostRelease(rt, rep, dispose) {
  const e = hostEntry(rt, rep);
  if (--e.refs === 0) {
    rt.hostObjs.delete(rep);
    rt.hostReps.delete(e.obj);
    if (dispose && typeof e.obj[Symbol.dispose] === 'function') e.obj[Symbol.dispose]();
  }
  return e.obj;
}

// ---- lowering into a component instance's table

export function lowerOwn(tbl, rt, v, where) {
  let rep;
  if (rt.impl === HOST) {
    rep = hostRep(rt, v);
  } else {
    const s = guestState(rt, v, where);
    if (!s.own) throw new TypeError(`${where}: a borrowed ${rt.name} cannot be transferred`);
    if (s.lends !== 0)
      throw new TypeError(`${where}: the ${rt.name} resource is lent to an ongoing call and cannot be moved`);
    released(s);
    rep = s.rep;
  }
  return tbl.add({ rt, rep, own: true, scope: null, lends: 0 });
}

/** Borrow into an instance that does not implement `rt`: a borrow handle in `scope`. */
export function lowerBorrow(tbl, rt, v, scope, where) {
  let rep;
  if (rt.impl === HOST) {
    rep = hostRep(rt, v);
    (scope.hostRefs ??= []).push(rt, rep);
  } else {
    // The object is lent until the call ends: it cannot be disposed or moved meanwhile.
    const s = guestState(rt, v, where);
    s.lends++;
    (scope.guests ??= []).push(s);
    rep = s.rep;
  }
  scope.borrows++;
  return tbl.add({ rt, rep, own: false, scope, lends: 0 });
}

/** Borrow into the implementing instance: just the rep (the glue inlines the
 * fast path; this is also the slow path that reports bad values). */
export function borrowRep(rt, v, where) {
  return guestState(rt, v, where).rep;
}

/** Ends the lends of JS objects to a call (also when the call throws); idempotent. */
export function endGuestLends(scope) {
  const guests = scope.guests;
  if (guests == null) return;
  scope.guests = null;
  for (const s of guests) s.lends--;
}

/** Ends a call's borrow scope: every borrow handle must have been dropped. */
export function endBorrows(scope) {
  endGuestLends(scope);
  const refs = scope.hostRefs;
  if (refs !== null) for (let i = 0; i < refs.length; i += 2) hostRelease(refs[i], refs[i + 1], false);
  if (scope.borrows !== 0) trap('borrowed handles are still live when the call returned');
}

// ---- lifting out of a component instance's table

/** Removes owned handle `i` to move it (the spec's lift_own); returns it. */
export function takeOwn(tbl, rt, i) {
  const h = handleOf(tbl, rt, i, 'own');
  if (!h.own) trap('expected an owned handle, got a borrow');
  if (h.lends !== 0) trap('cannot transfer a handle that is lent out');
  tbl.remove(i);
  return h;
}

export function liftOwn(tbl, rt, i) {
  const h = takeOwn(tbl, rt, i);
  return rt.impl === HOST ? hostRelease(rt, h.rep, false) : guestObject(rt, h.rep, true);
}

export function liftBorrow(tbl, rt, i, lent) {
  const h = handleOf(tbl, rt, i, 'borrow');
  h.lends++;
  lent.push(h);
  return rt.impl === HOST ? hostEntry(rt, h.rep).obj : guestObject(rt, h.rep, false);
}

export function endLends(lent) {
  for (const h of lent) h.lends--;
}

/** `[Symbol.dispose]` of a guest resource object the host owns. */
export function disposeGuest(o) {
  const s = o[RESOURCE];
  if (s === undefined || s.dead || !s.own) return;
  // As resource.drop of a lent handle traps: the callee still uses the resource.
  if (s.lends !== 0) throw new TypeError(`[Symbol.dispose]: the ${s.rt.name} resource is lent to an ongoing call`);
  released(s);
  if (s.rt.dtor !== null) s.rt.dtor(s.rep);
}
