// @deps
// Entering core wasm through JSPI without losing synchronous results.
// `WebAssembly.promising(f)` always returns a Promise, even when `f` never
// suspended; the async ABI needs the result at once in that case (a callback
// task that returns WAIT must be waiting before its caller's next
// instruction, cancel-subtask.wast). So each entry goes through a tiny
// generated wasm trampoline `g(id, ...args)` that calls `f` and reports the
// result to JS (`r(id, result)`) before returning: if the report arrived
// before `promising` returned, the call completed synchronously.

const trampolineModules = new Map();

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

/** The trampoline module for a core function of signature `params -> results` (at most one result). */
export function trampolineModule(params, results) {
  const key = `${params}>${results}`;
  let m = trampolineModules.get(key);
  if (m !== undefined) return m;
  const ps = [...params];
  const rs = [...results];
  const types = vec([functype(ps, rs), functype(['i', ...rs], []), functype(['i', ...ps], [])]);
  const imports = vec([
    [...name(''), ...name('f'), 0x00, 0x00],
    [...name(''), ...name('r'), 0x00, 0x01],
  ]);
  const body = [0x00, 0x20, 0x00]; // no locals; local.get 0 (the call id)
  for (let i = 1; i <= ps.length; i++) body.push(0x20, ...leb(i));
  body.push(0x10, 0x00, 0x10, 0x01, 0x0b); // call f; call r; end
  const bytes = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, types),
    ...section(2, imports),
    ...section(3, vec([[0x02]])),
    ...section(7, vec([[...name('g'), 0x00, 0x02]])),
    ...section(10, vec([[...leb(body.length), ...body]])),
  ]);
  m = new WebAssembly.Module(bytes);
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
    '': { f, r: (id, v) => { done.set(id, v); } },
  });
  const g = WebAssembly.promising(inst.exports.g);
  let next = 0;
  return (...args) => {
    const id = next;
    next = (next + 1) | 0;
    const thread = store.cur;
    const p = g(id, ...args);
    if (done.has(id)) {
      const v = done.get(id);
      done.delete(id);
      return v;
    }
    return p.then(() => {
      // the stack suspended at least once: its turn ends with the call
      store.endTurn(thread);
      const v = done.get(id);
      done.delete(id);
      return v;
    }, (e) => {
      store.endTurn(thread);
      throw e;
    });
  };
}
