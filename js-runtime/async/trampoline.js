// JSPI without needless suspensions, in both directions.
//
// Entering core wasm through JSPI without losing synchronous results.
// `WebAssembly.promising(f)` always returns a Promise, even when `f` never
// suspended; the async ABI needs the result at once in that case (a callback
// task that returns WAIT must be waiting before its caller's next
// instruction, cancel-subtask.wast). So each entry goes through a tiny
// generated wasm trampoline `g(id, ...args)` that calls `f` and reports the
// result to JS (`r(id, result)`) before returning: if the report arrived
// before `promising` returned, the call completed synchronously.

import { resumeInTurn } from './scheduler.js';

const trampolineModules = new Map();
const shimModules = new Map();

/** The core value type codes of a signature string: i = i32, I = i64, f = f32, d = f64. */
const VALTYPE = { i: 0x7f, I: 0x7e, f: 0x7d, d: 0x7c };

function leb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function section(id, bytes) {
  return [id, ...leb(bytes.length), ...bytes];
}

function vec(items) {
  return [...leb(items.length), ...items.flat()];
}

function name(s) {
  return vec([...s].map((c) => [c.charCodeAt(0)]));
}

function functype(params, results) {
  return [0x60, ...vec(params.map((p) => [VALTYPE[p]])), ...vec(results.map((r) => [VALTYPE[r]]))];
}

/**
 * A module importing functions `imports` from "" (import i has type i) and
 * exporting one function `exported` of type `type` with `body`.
 */
function oneFunctionModule(types, imports, exported, type, body) {
  const n = imports.length;
  return new WebAssembly.Module(
    new Uint8Array([
      0x00,
      0x61,
      0x73,
      0x6d,
      0x01,
      0x00,
      0x00,
      0x00,
      ...section(1, types),
      ...section(2, vec(imports.map((f, i) => [...name(''), ...name(f), 0x00, ...leb(i)]))),
      ...section(3, vec([leb(type)])),
      ...section(7, vec([[...name(exported), 0x00, ...leb(n)]])),
      ...section(10, vec([[...leb(body.length), ...body]])),
    ]),
  );
}

/** The trampoline module for a core function of signature `params -> results` (at most one result). */
export function trampolineModule(params, results) {
  const key = `${params}>${results}`;
  let m = trampolineModules.get(key);
  if (m !== undefined) return m;
  const ps = [...params];
  const rs = [...results];
  const types = vec([functype(ps, rs), functype(['i', ...rs], []), functype(['i', ...ps], [])]);
  const body = [0x00, 0x20, 0x00]; // no locals; local.get 0 (the call id)
  for (let i = 1; i <= ps.length; i++) body.push(0x20, ...leb(i));
  body.push(0x10, 0x00, 0x10, 0x01, 0x0b); // call f; call r; end
  m = oneFunctionModule(types, ['f', 'r'], 'g', 2, body);
  trampolineModules.set(key, m);
  return m;
}

/**
 * Core export `f` (signature `params -> results`) as an entry that may
 * suspend (JSPI): returns the result itself when `f` completed without
 * suspending, else a Promise of it. When the engine has no JSPI (or the
 * store does not use it), `f` itself.
 */
export function promisingEntry(store, f, params, results) {
  if (!store.jspi) return f;
  const done = new Map();
  const inst = new WebAssembly.Instance(trampolineModule(params, results), {
    '': {
      f,
      r: (id, v) => {
        done.set(id, v);
      },
    },
  });
  const g = WebAssembly.promising(inst.exports.g);
  let next = 0;
  return (...args) => {
    const id = next;
    next = (next + 1) | 0;
    const thread = store.cur;
    // while > 0, a caller waits on the JS stack for a stack that may suspend
    store.entryDepth++;
    let p;
    try {
      p = g(id, ...args);
    } finally {
      store.entryDepth--;
    }
    if (done.has(id)) {
      const v = done.get(id);
      done.delete(id);
      return v;
    }
    return p.then(
      () => {
        // the stack suspended at least once: its turn ends with the call
        store.endTurn(thread);
        const v = done.get(id);
        done.delete(id);
        return v;
      },
      (e) => {
        store.endTurn(thread);
        throw e;
      },
    );
  };
}

// Calling out of core wasm through JSPI only when it must wait.
//
// A `WebAssembly.Suspending` import suspends the calling stack on every call,
// even when its result is ready. A blocking built-in (waitable-set.wait, a
// sync stream copy, a sync call of an async function, ...) usually is ready,
// and suspending then would let other code run where the spec says none
// does. So the core module imports a generated wasm shim instead:
//   shim(...args) = { r = fast(...args); tok = pending();
//                     if (tok) { r = slow(tok); resumed(tok) } return r }
// `fast` runs the built-in; if it returned a Promise, `slow` (the only
// Suspending import) suspends until it settles and the pump gives the stack
// its turn (resumeInTurn); `resumed` runs on the resumed stack itself, so the
// current thread is exactly right when core code continues.

const ZERO = { i: 0, I: 0n, f: 0, d: 0 };

function shimModule(params, results) {
  const key = `${params}>${results}`;
  let m = shimModules.get(key);
  if (m !== undefined) return m;
  const ps = [...params];
  const rs = [...results];
  const types = vec([functype(ps, rs), functype([], ['i']), functype(['i'], rs), functype(['i'], [])]);
  const tok = leb(ps.length); // local: the wait's token
  const r = leb(ps.length + 1); // local: the result
  const body = rs.length > 0 ? [0x02, 0x01, 0x7f, 0x01, VALTYPE[rs[0]]] : [0x01, 0x01, 0x7f];
  for (let i = 0; i < ps.length; i++) body.push(0x20, ...leb(i)); // local.get i
  body.push(0x10, 0x00); // call fast
  if (rs.length > 0) body.push(0x21, ...r); // local.set r
  body.push(0x10, 0x01, 0x22, ...tok); // call pending; local.tee tok
  body.push(0x04, 0x40); // if
  body.push(0x20, ...tok, 0x10, 0x02); // call slow(tok)
  if (rs.length > 0) body.push(0x21, ...r); // local.set r
  body.push(0x20, ...tok, 0x10, 0x03); // call resumed(tok)
  body.push(0x0b); // end if
  if (rs.length > 0) body.push(0x20, ...r); // local.get r
  body.push(0x0b); // end func
  m = oneFunctionModule(types, ['fast', 'pending', 'slow', 'resumed'], 'f', 0, body);
  shimModules.set(key, m);
  return m;
}

/**
 * A core import that may have to wait (`f` returns a value, or a Promise when
 * it must block): with JSPI, a wasm function that returns at once when `f`
 * did, and suspends the calling stack only when it got a Promise.
 */
export function suspendingImport(store, f, params, results) {
  if (!store.jspi) return f;
  const zero = results === '' ? undefined : ZERO[results];
  let waiting = null; // { p, t } between fast() and pending()
  const waits = new Map(); // token -> { p, t }
  let next = 1;
  const inst = new WebAssembly.Instance(shimModule(params, results), {
    '': {
      fast: (...args) => {
        const t = store.cur; // (f may enter other threads before it returns a Promise)
        const r = f(...args);
        if (r !== null && typeof r === 'object' && typeof r.then === 'function') {
          waiting = { p: r, t };
          store.endTurn(waiting.t); // this stack suspends: the pump may run the next one
          return zero;
        }
        return r;
      },
      pending: () => {
        if (waiting === null) return 0;
        const tok = next;
        next = next === 0x7fffffff ? 1 : next + 1;
        waits.set(tok, waiting);
        waiting = null;
        return tok;
      },
      slow: new WebAssembly.Suspending((tok) => {
        const { p, t } = waits.get(tok);
        return p.then((v) => resumeInTurn(t, v));
      }),
      resumed: (tok) => {
        store.cur = waits.get(tok).t;
        waits.delete(tok);
      },
    },
  });
  return inst.exports.f;
}
