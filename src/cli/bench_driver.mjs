// The engine-neutral half of `weft bench`: given the bench spec the Rust side
// wrote (src/cli/bench/spec.rs), it instantiates weft's glue with a core
// instantiation hook (to reach the core instances), generates arguments from
// the WIT types (or takes them from the user's module), generates the
// "native" floor per function (the hand-lowering a native engine would do:
// write the arguments into linear memory, call the core export, read the
// results, call post-return; for a callback-form async export, its core
// export called on a second instance of its module with stand-ins for the
// built-ins), checks every column returns what weft's glue returns, and
// times the columns in interleaved rounds.
//
// Used by bench_node.mjs (Node) and bench_browser.mjs (headless Chromium);
// everything engine-specific (clock, CPU time, GC, loading) comes in `env`.

// ---------------------------------------------------------------------------
// Arguments generated from WIT types.

const ASCII16 = 'hello, weft! :-)';
const NUMERIC_LISTS = {
  u8: Uint8Array, s8: Int8Array, u16: Uint16Array, s16: Int16Array, u32: Uint32Array,
  s32: Int32Array, u64: BigUint64Array, s64: BigInt64Array, f32: Float32Array, f64: Float64Array,
};

/** A JS value of WIT type `t` as the glue takes it (jco's conventions). */
export function generate(t, depth = 0) {
  switch (t.k) {
    case 'bool': return true;
    case 's8': case 's16': case 's32': return -7;
    case 'u8': case 'u16': case 'u32': return 7;
    case 's64': return -7n;
    case 'u64': return 7n;
    case 'f32': return 1.5;
    case 'f64': return 2.25;
    case 'char': return 'ŵ';
    case 'string': return ASCII16;
    case 'list': {
      const Typed = NUMERIC_LISTS[t.t.k];
      const n = Typed === Uint8Array ? 64 : 4;
      if (Typed) return Typed.from({ length: n }, (_, i) => (Typed.name.startsWith('Big') ? BigInt(i) : i));
      return Array.from({ length: n }, () => generate(t.t, depth + 1));
    }
    case 'record': return Object.fromEntries(t.fields.map((f) => [f.js, generate(f.t, depth + 1)]));
    case 'tuple': return t.fields.map((f) => generate(f.t, depth + 1));
    case 'flags': return Object.fromEntries(t.names.map((n, i) => [n, i % 2 === 0]));
    case 'enum': return t.cases[0].tag;
    case 'option': {
      const inner = t.cases[1].t;
      return inner.k === 'option' ? { tag: 'some', val: generate(inner, depth + 1) } : generate(inner, depth + 1);
    }
    case 'result': {
      const ok = t.cases[0].t;
      return { tag: 'ok', val: ok ? generate(ok, depth + 1) : undefined };
    }
    case 'variant': {
      const c = t.cases.find((c) => c.t) ?? t.cases[0];
      return c.t ? { tag: c.tag, val: generate(c.t, depth + 1) } : { tag: c.tag };
    }
    default: throw new Error(`cannot generate a value of type ${t.k}`);
  }
}

// ---------------------------------------------------------------------------
// The native floor: generated JS that lowers straight into linear memory.

/** Generates the source of one native call (see `nativeCall`). */
class Lowering {
  constructor() {
    this.lines = [];
    this.consts = [];
    this.n = 0;
  }
  tmp(p = 't') { return `${p}${this.n++}`; }
  emit(s) { this.lines.push(s); }
  konst(v) { this.consts.push(v); return `K[${this.consts.length - 1}]`; }

  /** Flat core values of `v` (a JS expression) of type `t`, as expressions. */
  flat(t, v) {
    switch (t.k) {
      case 'bool': return [`(${v} ? 1 : 0)`];
      case 's8': case 'u8': case 's16': case 'u16': case 's32': case 'u32': return [`(${v} | 0)`];
      case 's64': case 'u64': return [`BigInt.asIntN(64, ${v})`];
      case 'f32': case 'f64': return [`+${v}`];
      case 'char': return [`${v}.codePointAt(0)`];
      case 'borrow': return [v]; // a method's self: the rep (the callee implements it)
      case 'string': {
        const p = this.tmp('p');
        this.emit(`const ${p} = lowerStr(${v}), ${p}n = outLen;`);
        return [p, `${p}n`];
      }
      case 'list': {
        const p = this.list(t, v);
        return [p, `${p}n`];
      }
      case 'record': case 'tuple': {
        const x = this.tmp('v');
        this.emit(`const ${x} = ${v};`);
        return t.fields.flatMap((f, i) => this.flat(f.t, t.k === 'record' ? `${x}[${JSON.stringify(f.js)}]` : `${x}[${i}]`));
      }
      case 'flags': {
        const x = this.tmp('v');
        this.emit(`const ${x} = ${v};`);
        return t.flat.map((_, w) => t.names.slice(w * 32, w * 32 + 32)
          .map((n, i) => `(${x}[${JSON.stringify(n)}] ? ${(1 << i) | 0} : 0)`).join(' | ') || '0');
      }
      default: return this.variantFlat(t, v);
    }
  }

  /** Variant-like types flat: discriminant, then the joined payload slots. */
  variantFlat(t, v) {
    const x = this.tmp('v'), d = this.tmp('d');
    const slots = t.joined.map(() => this.tmp('j'));
    this.emit(`const ${x} = ${v}; let ${[d, ...slots].join(', ')};`);
    this.cases(t, x, (i, c, payload) => {
      this.emit(`${d} = ${i};`);
      const vals = c.t ? this.flat(c.t, payload) : [];
      slots.forEach((s, k) => {
        const to = t.joined[k];
        this.emit(`${s} = ${k < vals.length ? coerce(c.t.flat[k], to, vals[k]) : to === 'i64' ? '0n' : '0'};`);
      });
    });
    return [d, ...slots];
  }

  /** Emits the branch per case of `x`; `body(index, case, payloadExpr)`. */
  cases(t, x, body) {
    const label = this.tmp('case');
    this.emit(`${label}: {`);
    t.cases.forEach((c, i) => {
      let test, payload;
      switch (t.k) {
        case 'option':
          if (nestedOption(t)) { test = `${x}.tag === ${JSON.stringify(c.tag)}`; payload = `${x}.val`; } else { test = i === 0 ? `${x} == null` : 'true'; payload = x; }
          break;
        case 'enum': test = `${x} === ${JSON.stringify(c.tag)}`; break;
        default: test = `${x}.tag === ${JSON.stringify(c.tag)}`; payload = `${x}.val`;
      }
      this.emit(`if (${test}) {`);
      body(i, c, payload);
      this.emit(`break ${label}; }`);
    });
    this.emit(`throw new TypeError('bad ${t.k} value'); }`);
  }

  /** Lowers a list: allocate, then one copy for typed arrays, else store each element. */
  list(t, v) {
    const e = t.t, p = this.tmp('p'), x = this.tmp('v'), n = `${p}n`;
    this.emit(`const ${x} = ${v}, ${n} = ${x}.length, ${p} = realloc(0, 0, ${e.align}, ${n} * ${e.size}) >>> 0; view();`);
    const Typed = NUMERIC_LISTS[e.k];
    if (Typed === Uint8Array) this.emit(`if (${x} instanceof Uint8Array) u8.set(${x}, ${p}); else`);
    else if (Typed) this.emit(`if (${x} instanceof ${Typed.name}) u8.set(new Uint8Array(${x}.buffer, ${x}.byteOffset, ${n} * ${e.size}), ${p}); else`);
    const i = this.tmp('i');
    this.emit(`for (let ${i} = 0; ${i} < ${n}; ${i}++) {`);
    this.store(e, `${x}[${i}]`, `${p} + ${i} * ${e.size}`);
    this.emit('}');
    return p;
  }

  /** Stores `v` of type `t` at address expression `a`. */
  store(t, v, a) {
    const at = this.tmp('a');
    this.emit(`const ${at} = ${a};`);
    switch (t.k) {
      case 'bool': return this.emit(`u8[${at}] = ${v} ? 1 : 0;`);
      case 's8': case 'u8': return this.emit(`u8[${at}] = ${v};`);
      case 's16': case 'u16': return this.emit(`dv.setUint16(${at}, ${v}, true);`);
      case 's32': case 'u32': return this.emit(`dv.setUint32(${at}, ${v}, true);`);
      case 's64': case 'u64': return this.emit(`dv.setBigUint64(${at}, BigInt.asUintN(64, ${v}), true);`);
      case 'f32': return this.emit(`dv.setFloat32(${at}, ${v}, true);`);
      case 'f64': return this.emit(`dv.setFloat64(${at}, ${v}, true);`);
      case 'char': return this.emit(`dv.setUint32(${at}, ${v}.codePointAt(0), true);`);
      case 'borrow': return this.emit(`dv.setUint32(${at}, ${v}, true);`);
      case 'string': case 'list': {
        const [p, n] = this.flat(t, v);
        return this.emit(`dv.setUint32(${at}, ${p}, true); dv.setUint32(${at} + 4, ${n}, true);`);
      }
      case 'record': case 'tuple': {
        const x = this.tmp('v');
        this.emit(`const ${x} = ${v};`);
        return t.fields.forEach((f, i) => this.store(f.t, t.k === 'record' ? `${x}[${JSON.stringify(f.js)}]` : `${x}[${i}]`, `${at} + ${f.off}`));
      }
      case 'flags': {
        const words = this.flat(t, v);
        if (t.size === 1) return this.emit(`u8[${at}] = ${words[0]};`);
        if (t.size === 2) return this.emit(`dv.setUint16(${at}, ${words[0]}, true);`);
        return words.forEach((w, k) => this.emit(`dv.setUint32(${at} + ${4 * k}, ${w}, true);`));
      }
      default: {
        const x = this.tmp('v');
        this.emit(`const ${x} = ${v};`);
        return this.cases(t, x, (i, c, payload) => {
          this.emit(`${storeInt(t.disc)}(${at}, ${i}, true);`);
          if (c.t) this.store(c.t, payload, `${at} + ${t.payloadOff}`);
        });
      }
    }
  }

  /** A JS expression for the value of type `t` at address `a` (may emit statements). */
  load(t, a, top = false) {
    switch (t.k) {
      case 'bool': return `(u8[${a}] !== 0)`;
      case 's8': return `((u8[${a}] << 24) >> 24)`;
      case 'u8': return `u8[${a}]`;
      case 's16': return `dv.getInt16(${a}, true)`;
      case 'u16': return `dv.getUint16(${a}, true)`;
      case 's32': return `dv.getInt32(${a}, true)`;
      case 'u32': return `dv.getUint32(${a}, true)`;
      case 's64': return `dv.getBigInt64(${a}, true)`;
      case 'u64': return `dv.getBigUint64(${a}, true)`;
      case 'f32': return `dv.getFloat32(${a}, true)`;
      case 'f64': return `dv.getFloat64(${a}, true)`;
      case 'char': return `String.fromCodePoint(dv.getUint32(${a}, true))`;
      case 'string': return `liftStr(dv.getUint32(${a}, true), dv.getUint32(${a} + 4, true))`;
      case 'list': return this.loadList(t.t, `dv.getUint32(${a}, true)`, `dv.getUint32(${a} + 4, true)`);
      case 'record': case 'tuple': {
        const at = this.tmp('a');
        this.emit(`const ${at} = ${a};`);
        const vals = t.fields.map((f) => {
          const x = this.tmp('f');
          this.emit(`const ${x} = ${this.load(f.t, `${at} + ${f.off}`)};`);
          return x;
        });
        return t.k === 'record'
          ? `{ ${t.fields.map((f, i) => `${JSON.stringify(f.js)}: ${vals[i]}`).join(', ')} }`
          : `[${vals.join(', ')}]`;
      }
      case 'flags': {
        const words = t.size === 1 ? [`u8[${a}]`] : t.size === 2 ? [`dv.getUint16(${a}, true)`]
          : t.flat.map((_, k) => `dv.getUint32(${a} + ${4 * k}, true)`);
        return this.flagsObject(t, words);
      }
      default: {
        const at = this.tmp('a');
        this.emit(`const ${at} = ${a};`);
        return this.liftVariant(t, `${loadInt(t.disc)}(${at}, true)`, (c) => this.load(c, `${at} + ${t.payloadOff}`), top);
      }
    }
  }

  flagsObject(t, words) {
    const ws = words.map((w) => { const x = this.tmp('w'); this.emit(`const ${x} = ${w};`); return x; });
    return `{ ${t.names.map((n, i) => `${JSON.stringify(n)}: (${ws[i >> 5]} & ${(1 << (i & 31)) | 0}) !== 0`).join(', ')} }`;
  }

  /** A variant lifted from its discriminant; a top-level result's err throws. */
  liftVariant(t, disc, payload, top) {
    const d = this.tmp('d'), r = this.tmp('r');
    this.emit(`const ${d} = ${disc}; let ${r};`);
    this.emit(`switch (${d}) {`);
    t.cases.forEach((c, i) => {
      this.emit(`case ${i}: {`);
      const val = c.t ? payload(c.t) : 'undefined';
      if (t.k === 'enum') this.emit(`${r} = ${JSON.stringify(c.tag)};`);
      else if (t.k === 'option' && !nestedOption(t)) this.emit(`${r} = ${i === 0 ? 'undefined' : val};`);
      else if (t.k === 'result' && top) this.emit(i === 0 ? `${r} = ${val};` : `throw Object.assign(new Error('err'), { payload: ${val} });`);
      else this.emit(`${r} = { tag: ${JSON.stringify(c.tag)}${c.t ? `, val: ${val}` : ''} };`);
      this.emit('break; }');
    });
    this.emit(`default: throw new RangeError('invalid discriminant ' + ${d}); }`);
    return r;
  }

  loadList(e, ptr, len) {
    const p = this.tmp('p'), n = this.tmp('n');
    this.emit(`const ${p} = ${ptr}, ${n} = ${len};`);
    const Typed = NUMERIC_LISTS[e.k];
    if (Typed === Uint8Array) return `u8.slice(${p}, ${p} + ${n})`;
    if (Typed) return `new ${Typed.name}(u8.slice(${p}, ${p} + ${n} * ${e.size}).buffer)`;
    const out = this.tmp('l'), i = this.tmp('i');
    this.emit(`const ${out} = new Array(${n});`);
    this.emit(`for (let ${i} = 0; ${i} < ${n}; ${i}++) {`);
    this.emit(`${out}[${i}] = ${this.load(e, `${p} + ${i} * ${e.size}`)};`);
    this.emit('}');
    return out;
  }

  /** A single flat result `r` lifted (types with one flat value). */
  liftFlat(t, r) {
    switch (t.k) {
      case 'bool': return `(${r} !== 0)`;
      case 's8': return `((${r} << 24) >> 24)`;
      case 'u8': return `(${r} & 255)`;
      case 's16': return `((${r} << 16) >> 16)`;
      case 'u16': return `(${r} & 65535)`;
      case 's32': case 'f32': case 'f64': case 's64': return r;
      case 'u32': return `(${r} >>> 0)`;
      case 'u64': return `BigInt.asUintN(64, ${r})`;
      case 'char': return `String.fromCodePoint(${r})`;
      case 'flags': return this.flagsObject(t, [r]);
      case 'record': case 'tuple': {
        const only = t.fields.find((f) => f.t.flat.length === 1);
        const vals = t.fields.map((f) => (f === only ? this.liftFlat(f.t, r) : this.load(f.t, '0')));
        return t.k === 'record' ? `{ ${t.fields.map((f, i) => `${JSON.stringify(f.js)}: ${vals[i]}`).join(', ')} }` : `[${vals.join(', ')}]`;
      }
      default: return this.liftVariant(t, r, () => { throw new Error('a one-value variant has no payload'); }, true);
    }
  }

  /**
   * The value of type `t` lifted from its flat values (`next()` gives the
   * next one's expression): what `task.return` received. A variant-like
   * value with more than one flat value is not generated.
   */
  liftValues(t, next, top = false) {
    switch (t.k) {
      case 'string': {
        const p = next(), n = next();
        return `liftStr(${p} >>> 0, ${n} >>> 0)`;
      }
      case 'list': {
        const p = next(), n = next();
        return this.loadList(t.t, `${p} >>> 0`, `${n} >>> 0`);
      }
      case 'record': case 'tuple': {
        const vals = t.fields.map((f) => {
          const x = this.tmp('f');
          this.emit(`const ${x} = ${this.liftValues(f.t, next)};`);
          return x;
        });
        return t.k === 'record'
          ? `{ ${t.fields.map((f, i) => `${JSON.stringify(f.js)}: ${vals[i]}`).join(', ')} }`
          : `[${vals.join(', ')}]`;
      }
      case 'flags': return this.flagsObject(t, t.flat.map(() => next()));
      default:
        if (t.flat.length !== 1) throw new NotNative(`${t.k === 'option' ? 'an' : 'a'} ${t.k} with a payload in task.return's flat values: not generated`);
        return t.cases ? this.liftVariant(t, next(), () => { throw new Error('a one-value variant has no payload'); }, top) : this.liftFlat(t, next());
    }
  }
}

/** An option of an option: the outer one is a `{ tag, val }` object (jco's convention). */
const nestedOption = (t) => t.cases[1].t?.k === 'option';
const storeInt = (size) => (size === 1 ? 'dv.setUint8' : size === 2 ? 'dv.setUint16' : 'dv.setUint32');
const loadInt = (size) => (size === 1 ? 'dv.getUint8' : size === 2 ? 'dv.getUint16' : 'dv.getUint32');

/** A flat value of core type `from` in a joined variant slot of type `to`. */
function coerce(from, to, e) {
  if (from === to) return e;
  if (from === 'i32' && to === 'i64') return `BigInt(${e} >>> 0)`;
  if (from === 'f32' && to === 'i32') return `f32Bits(${e})`;
  if (from === 'f32' && to === 'i64') return `BigInt(f32Bits(${e}) >>> 0)`;
  if (from === 'f64' && to === 'i64') return `f64Bits(${e})`;
  throw new Error(`no coercion from ${from} to ${to}`);
}

/** Memory helpers shared by the generated calls of one core instance's memory. */
const PRELUDE = `
  let u8 = new Uint8Array(mem.buffer), dv = new DataView(mem.buffer), outLen = 0;
  const view = () => { if (u8.byteLength === 0) { u8 = new Uint8Array(mem.buffer); dv = new DataView(mem.buffer); } };
  const ENC = new TextEncoder(), DEC = new TextDecoder();
  const bits = new DataView(new ArrayBuffer(8));
  const f32Bits = (x) => (bits.setFloat32(0, x, true), bits.getInt32(0, true));
  const f64Bits = (x) => (bits.setFloat64(0, x, true), bits.getBigInt64(0, true));
  function lowerStr(s) {
    const n = s.length;
    if (n <= 24) {
      const p = realloc(0, 0, 1, n) >>> 0; view();
      let i = 0;
      for (; i < n; i++) { const c = s.charCodeAt(i); if (c >= 0x80) break; u8[p + i] = c; }
      if (i === n) { outLen = n; return p; }
    }
    const cap = n * 3, p = realloc(0, 0, 1, cap) >>> 0; view();
    outLen = ENC.encodeInto(s, u8.subarray(p, p + cap)).written;
    const q = realloc(p, cap, 1, outLen) >>> 0; view();
    return q;
  }
  function liftStr(p, n) {
    if (n <= 12) {
      let s = '';
      for (let i = p; i < p + n; i++) { const c = u8[i]; if (c >= 0x80) return DEC.decode(u8.subarray(p, p + n)); s += String.fromCharCode(c); }
      return s;
    }
    return DEC.decode(u8.subarray(p, p + n));
  }
`;

/**
 * The native call of one function: `(self?, ...args) => result`, calling the
 * core export of `n` (spec `native`) with `ex(def)` resolving a core export.
 */
export function nativeCall(fn, ex) {
  const n = fn.native, g = new Lowering();
  const method = fn.kind === 'method';
  const params = fn.params.map((_, i) => `arg${i}`);
  const args = lowerArgs(g, fn, params);
  const call = `core(${args.join(', ')})`;
  const view = n.memory ? ' view();' : ''; // memory may have grown during the call
  const post = n.postReturn ? 'post(r);' : '';
  if (!fn.result) {
    g.emit(`const r = ${call}; ${post} return;`);
  } else if (n.spillResult) {
    g.emit(`const r = ${call} >>> 0;${view}`);
    g.emit(`const out = ${g.load(fn.result, 'r', true)}; ${post} return out;`);
  } else {
    g.emit(`const r = ${call};${view}`);
    g.emit(`const out = ${g.liftFlat(fn.result, 'r')}; ${post} return out;`);
  }
  const src = `${PRELUDE}\n  return function native(${params.join(', ')}) {\n    ${g.lines.join('\n    ')}\n  };`;
  const need = (d, what) => {
    const v = d && ex(d);
    if (d && v === undefined) throw new Error(`${what} ${d.name} not found in core instance ${d.instance}`);
    return v;
  };
  const mem = need(n.memory, 'memory') ?? new WebAssembly.Memory({ initial: 0 });
  const made = new Function('core', 'mem', 'realloc', 'post', 'K', src)(
    need(n.core, 'core export'), mem, need(n.realloc, 'realloc') ?? (() => { throw new Error('no realloc'); }),
    need(n.postReturn, 'post-return'), g.consts,
  );
  return { call: made, method, src };
}

/** Emits the lowering of `params` (expressions) into the core call's arguments. */
function lowerArgs(g, fn, params) {
  const n = fn.native;
  if (!n.spillParams) return fn.params.flatMap((p, i) => g.flat(p.t, params[i]));
  g.emit(`const sp = realloc(0, 0, ${n.paramsTuple.align}, ${n.paramsTuple.size}) >>> 0; view();`);
  fn.params.forEach((p, i) => g.store(p.t, params[i], `sp + ${n.paramsTuple.fields[i].off}`));
  return ['sp'];
}

/**
 * Why a function has no native column in this run, found only when the
 * native call is made or generated (it waits, reaches an import, ...): the
 * engine's `nativeSkip`, not a failed measurement.
 */
class NotNative extends Error {}

/**
 * The native call of a callback-form async export (spec `native.async`):
 * its core module instantiated a second time with stand-ins for the
 * built-ins the call makes (context.get/set read and write a JS slot,
 * task.return lifts the result; any other import throws, naming itself),
 * the core export called with the lowered arguments, which must return EXIT
 * at once, and the result task.return lifted returned.
 * `hooks` (coreHooks) knows each instance's compiled module.
 */
export async function nativeAsyncCall(fn, hooks) {
  const n = fn.native;
  const module = hooks.modules[n.instance];
  if (!module) throw new Error(`the module of core instance ${n.instance} was not seen`);
  const wanted = WebAssembly.Module.imports(module);
  const shared = wanted.find((imp) => imp.kind !== 'function');
  if (shared) {
    throw new NotNative(`its core module imports a ${shared.kind} (${JSON.stringify(shared.name)} of module ${JSON.stringify(shared.module)}): instantiating it again would write its data into the live instance's, not measured natively`);
  }
  const src = asyncSource(fn, wanted);
  const other = (what) => () => { throw new NotNative(`the call reached ${what}, which has no stand-in: not measured natively`); };
  const made = new Function('other', 'NotNative', src)(other, NotNative);
  let inst;
  try {
    inst = await WebAssembly.instantiate(module, made.imports);
  } catch (e) {
    throw e instanceof NotNative ? e : new NotNative(`instantiating its core module again failed: ${firstLine(e)}`);
  }
  const ex = (d, what) => {
    const v = d && inst.exports[d.name];
    if (d && v === undefined) throw new Error(`${what} ${d.name} not found in core instance ${d.instance}`);
    return v;
  };
  const mem = ex(n.memory, 'memory') ?? new WebAssembly.Memory({ initial: 0 });
  const realloc = ex(n.realloc, 'realloc') ?? (() => { throw new Error('no realloc'); });
  made.bind(ex(n.core, 'core export'), mem, realloc);
  return { call: made.native, src };
}

/**
 * The source of `nativeAsyncCall`'s stand-ins and call: `{ imports,
 * bind(core, mem, realloc), native(...args) }` in one scope. The task.return
 * stand-in has the exact arity of the flat values and lifts them at once,
 * as canon task.return does (the guest may free or reuse the memory after).
 */
function asyncSource(fn, wanted) {
  const n = fn.native;
  const byField = new Map(n.imports.filter((i) => i.field != null).map((i) => [`${i.module}\0${i.field}`, i]));
  const byModule = new Map(n.imports.filter((i) => i.field == null).map((i) => [i.module, i]));
  const slots = new Map(); // context slot -> wide
  const entries = wanted.map(({ module, name }) => {
    const c = byField.get(`${module}\0${name}`) ?? byModule.get(module);
    const what = `the import ${JSON.stringify(name)} of module ${JSON.stringify(module)}`;
    switch (c?.kind) {
      case 'context-get': slots.set(c.slot, c.wide); return [module, name, `() => ctx${c.slot}`];
      case 'context-set': slots.set(c.slot, c.wide); return [module, name, `(v) => { ctx${c.slot} = v; }`];
      case 'task-return':
        if (c.fits) return [module, name, 'taskReturn'];
        return [module, name, `other(${JSON.stringify(`${what} (a task.return of another type)`)})`];
      default: return [module, name, `other(${JSON.stringify(`${what} (${c?.what ?? 'not in the plan'})`)})`];
    }
  });
  const zero = (wide) => (wide ? '0n' : '0');
  const g = new Lowering(), params = fn.params.map((_, i) => `arg${i}`);
  g.emit(`returned = false;${[...slots].map(([s, wide]) => ` ctx${s} = ${zero(wide)};`).join('')}`);
  const args = lowerArgs(g, fn, params);
  g.emit(`const code = core(${args.join(', ')});`);
  g.emit("if (code !== 0) throw new NotNative(`the call does not return EXIT at once (callback code ${['EXIT', 'YIELD', 'WAIT', 'POLL'][code & 15] ?? code}): it waits, not measured natively`);");
  g.emit("if (!returned) throw new Error('the core call returned EXIT without calling task.return');");
  if (fn.result) g.emit('return result;');
  const { ks, lines } = taskReturnLift(fn);
  return `
  let mem = new WebAssembly.Memory({ initial: 0 }), realloc, core; // set by bind()
  ${PRELUDE}
  let returned = false, result${[...slots].map(([s, wide]) => `, ctx${s} = ${zero(wide)}`).join('')};
  function taskReturn(${ks.join(', ')}) {
    ${lines.join('\n    ')}
    returned = true;
  }
  const imports = {};
  for (const [m, f, v] of [${entries.map(([m, f, v]) => `[${JSON.stringify(m)}, ${JSON.stringify(f)}, ${v}]`).join(',\n    ')}]) (imports[m] ??= {})[f] = v;
  function native(${params.join(', ')}) {
    ${g.lines.join('\n    ')}
  }
  return { imports, native, bind(c, m, r) { core = c; mem = m; realloc = r; view(); } };`;
}

/** Whether lifting a value of type `t` from its flat values reads memory (strings, lists). */
const readsMemory = (t) => t.k === 'string' || t.k === 'list' || (t.fields ?? t.cases ?? []).some((f) => f.t && readsMemory(f.t));

/** The task.return stand-in's parameters and body: lifts its flat values (or the value its one pointer points at) into `result`. */
function taskReturnLift(fn) {
  const n = fn.native, g = new Lowering();
  const ks = n.taskReturn.flat.map((_, i) => `k${i}`);
  if (!fn.result) return { ks, lines: [] };
  if (n.taskReturn.spilled || readsMemory(fn.result)) g.emit('view();'); // memory may have grown during the call
  let k = 0;
  const out = n.taskReturn.spilled ? g.load(fn.result, '(k0 >>> 0)', true) : g.liftValues(fn.result, () => ks[k++], true);
  g.emit(`result = ${out};`);
  return { ks, lines: g.lines };
}

// ---------------------------------------------------------------------------
// Instantiation with a hook on every core instance.

/**
 * Hooks for weft's `instantiate(getCoreModule, imports, instantiateCore)`:
 * records each planned core instance and wraps its `resource.new` imports so
 * the rep of each new resource is known (`reps[rt]`, the latest).
 */
export function coreHooks(spec, compile) {
  const files = new Map(); // module -> file
  const instances = [];
  const modules = []; // the compiled module of each planned instance (nativeAsyncCall)
  const taken = spec.instances.map(() => false);
  const reps = {};
  const getCoreModule = (file) => {
    const m = compile(file);
    return Promise.resolve(m).then((mod) => (files.set(mod, file), mod));
  };
  const instantiateCore = async (module, imports) => {
    const file = files.get(module);
    const i = file === undefined ? -1 : spec.instances.findIndex((f, k) => f === file && !taken[k]);
    if (i >= 0) {
      taken[i] = true;
      modules[i] = module;
      for (const rn of spec.resourceNews.filter((r) => r.instance === i)) {
        const inner = imports[rn.module][rn.field];
        imports = { ...imports, [rn.module]: { ...imports[rn.module], [rn.field]: (rep) => ((reps[rn.rt] = rep), inner(rep)) } };
      }
    }
    const inst = await WebAssembly.instantiate(module, imports);
    if (i >= 0) instances[i] = inst;
    return inst;
  };
  const ex = (d) => instances[d.instance]?.exports[d.name];
  return { getCoreModule, instantiateCore, ex, reps, modules };
}

/** Host imports for the component: the user's, else stubs returning generated values. */
export function stubImports(spec, user) {
  if (user) return user;
  const out = {};
  const camel = (s) => s.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
  for (const imp of spec.imports) {
    // A host function returning result<T, E> returns T (an error would be thrown).
    const t = imp.result?.k === 'result' ? imp.result.cases[0].t : imp.result;
    let f;
    try {
      const result = t ? generate(t) : undefined;
      f = () => result;
    } catch (e) {
      // (a resource handle, a stream): a function calling it is skipped with this message
      const what = `${imp.import}${imp.func == null ? '' : `#${imp.func}`}`;
      f = () => { throw new Error(`no generated result for the import ${what} (${e.message}): give host imports with --args`); };
    }
    if (imp.func == null) { out[imp.import] = f; continue; }
    out[imp.import] ??= {};
    out[imp.import][imp.func] = f;
    out[imp.import][camel(imp.func)] = f;
  }
  return out;
}

// ---------------------------------------------------------------------------
// What each column calls.

const resolve = (root, path) => path.reduce((o, k) => o?.[k], root);
/** The glue's path, with the interface's short name as a fallback key (jco's ESM exports). */
function resolveGlue(root, path) {
  const v = resolve(root, path);
  if (v !== undefined || path.length < 2) return v;
  const short = path[0].replace(/@.*$/, '').split(/[/:]/).pop().replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
  return resolve(root, [short, ...path.slice(1)]);
}

/** The user's arguments for a function: by `iface#name`, plain name or JS path. */
function userArgs(user, fn) {
  if (!user) return null;
  const keys = [fn.name, fn.name.split('#').pop(), fn.js];
  for (const k of keys) if (k && typeof user[k] === 'function') return user[k]();
  return null;
}

/** A function (or method) of a loaded glue as `{ target, member }`; a method's instance is made here. */
function glueTarget(root, fn, spec, user) {
  const at = resolveGlue(root, fn.path);
  if (fn.kind === 'func') {
    if (typeof at !== 'function') throw new Error(`export ${fn.path.join('.')} not found`);
    return { self: null, f: at };
  }
  if (typeof at !== 'function') throw new Error(`class ${fn.path.join('.')} not found`);
  if (fn.kind === 'static') return { self: at, f: at[fn.member] };
  const ctor = spec.funcs.find((g) => g.kind === 'constructor' && g.path.join('.') === fn.path.join('.'));
  if (!ctor) throw new Error('no constructor to make an instance with');
  const cargs = userArgs(user, ctor) ?? ctor.params.map((p) => generate(p.t));
  const self = new at(...cargs);
  if (typeof self[fn.member] !== 'function') throw new Error(`method ${fn.member} not found`);
  return { self, f: self[fn.member] };
}

/** Compares results, with typed arrays as plain arrays (columns may differ there). */
function same(a, b) {
  if (ArrayBuffer.isView(a)) a = Array.from(a);
  if (ArrayBuffer.isView(b)) b = Array.from(b);
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined), kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => same(a[k], b[k]));
}

/** Keeps results alive and checked: a number from any result. */
function foldOf(t) {
  if (!t) return '0';
  switch (t.k) {
    case 'string': case 'list': return 'r.length';
    case 'bool': return '(r ? 1 : 0)';
    case 's64': case 'u64': return 'Number(BigInt.asUintN(8, r))';
    case 'char': return 'r.length';
    case 's8': case 'u8': case 's16': case 'u16': case 's32': case 'u32': return '(r & 255)';
    case 'f32': case 'f64': return '(r === r ? 1 : 0)';
    default: return '(r === undefined ? 0 : 1)';
  }
}

/** A timing loop of its own (fresh source: no shared feedback) over `call(self, args)`. */
function makeLoop(tag, fn, kind, callee, self, args) {
  const ps = args.map((_, i) => `a${i}`);
  const call = kind === 'native'
    ? `f(${[...(fn.kind === 'method' ? ['s'] : []), ...ps].join(', ')})`
    : fn.kind === 'func' ? `f(${ps.join(', ')})` : `s[${JSON.stringify(fn.member)}](${ps.join(', ')})`;
  const aw = fn.async ? 'await ' : '';
  return new Function('f', 's', ...ps, `// ${tag}
    return ${fn.async ? 'async ' : ''}function loop(n) {
      let acc = 0;
      for (let i = 0; i < n; i++) { const r = ${aw}${call}; acc += ${foldOf(fn.result)}; }
      return acc;
    };`)(callee, self, ...args);
}

// ---------------------------------------------------------------------------
// Statistics.

function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b), pos = (s.length - 1) * q, lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
}
const median = (xs) => quantile(xs, 0.5);

/** Times the columns of one function: calibrate, warm up, interleaved rounds. */
async function measure(cols, env) {
  const { batchMs, warmupMs, rounds } = env.cfg;
  const timed = async (c, n) => {
    const c0 = env.cpu(), t0 = env.now();
    const acc = await c.loop(n);
    const dt = env.now() - t0, dc = env.cpu() - c0;
    await c.check(n, acc);
    return { dt, dc };
  };
  const batchNs = Math.max(batchMs * 1e6, 50 * resolution(env));
  for (const c of cols) {
    // The smaller of two timings decides: one slow batch (a GC, a tier-up)
    // must not stop the growth at an n the timer cannot resolve.
    const calibrate = async (n) => {
      for (;;) {
        const dt = Math.min((await timed(c, n)).dt, (await timed(c, n)).dt);
        if (dt >= batchNs || n >= 1e9) return n;
        n = Math.min(n * 4, Math.ceil((n * batchNs * 1.2) / Math.max(dt, 1)));
      }
    };
    c.n = await calibrate(1);
    for (const end = env.now() + warmupMs * 1e6; env.now() < end;) await timed(c, c.n);
    c.n = await calibrate(Math.max(1, c.n >> 3));
    c.ns = [];
    c.cpuNs = [];
  }
  // Every timed batch starts with an empty young generation, so the garbage
  // of the batch before it is not collected on this column's clock: jco's
  // glue leaves kilobytes per call, which put weft's and the native column's
  // Chromium noise at +-20-40%. A minor GC only: a full one before every batch
  // slowed jco down for the rest of the run (bench/README.md).
  const sweep = env.gc ? () => env.gc({ type: 'minor' }) : () => {};
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < cols.length; k++) {
      const c = cols[(r + k) % cols.length]; // a rotating order
      sweep();
      const { dt, dc } = await timed(c, c.n);
      c.ns.push(dt / c.n);
      c.cpuNs.push(dc / c.n);
    }
  }
  const out = {};
  for (const c of cols) {
    const ns = median(c.ns);
    out[c.name] = {
      ns,
      cpuNs: Number.isFinite(c.cpuNs[0]) ? median(c.cpuNs) : null,
      noise: (quantile(c.ns, 0.75) - quantile(c.ns, 0.25)) / 2 / ns,
      bytes: await allocated(c, env),
    };
  }
  return out;
}

/** The clock's step in ns (Chromium coarsens performance.now() to 100 µs or so). */
function resolution(env) {
  let step = Infinity;
  for (let k = 0; k < 5; k++) {
    const t0 = env.now();
    let t = t0;
    while (t === t0) t = env.now();
    step = Math.min(step, t - t0);
  }
  return step;
}

/**
 * Bytes allocated per call: heap growth over a few calls after a full GC (the
 * max of 3 tries), less the same measurement of an empty loop (what reading
 * the heap size and awaiting cost themselves).
 */
async function allocated(c, env) {
  if (!env.gc) return null;
  const k = 64;
  const grow = async (loop) => {
    let best = 0;
    for (let t = 0; t < 3; t++) {
      env.gc();
      const h0 = env.heapUsed();
      await loop(k);
      best = Math.max(best, env.heapUsed() - h0);
    }
    return best;
  };
  const base = await grow(() => 0);
  return Math.max(0, (await grow(c.loop)) - base) / k;
}

// ---------------------------------------------------------------------------

/**
 * Runs the bench: `env` = { cfg, now() ns, cpu() ns | NaN, gc | null,
 * heapUsed(), compile(file) -> Module, loadWeft() -> glue module,
 * loadJco() -> jco's ESM namespace | null, user: the args module's factories |
 * null, userImports: its host imports | null, log(s) }.
 */
export async function runBench(spec, env) {
  const hooks = coreHooks(spec, env.compile);
  const glue = await env.loadWeft();
  const imports = stubImports(spec, env.userImports);
  let root;
  try {
    root = await glue.instantiate(hooks.getCoreModule, imports, hooks.instantiateCore);
  } catch (e) {
    const whose = env.userImports ? 'the --args module\'s' : 'generated';
    throw new Error(`instantiating the component with ${whose} host imports failed: ${firstLine(e)}${env.userImports ? '' : ' (give host imports with --args: export const imports = { ... })'}`);
  }
  let jco = null, jcoError = env.jcoError ?? null;
  if (env.loadJco) {
    try { jco = await env.loadJco(); } catch (e) { jcoError = `jco's glue failed to load: ${firstLine(e)}`; }
  }
  const results = [];
  for (const fn of spec.funcs) {
    if (fn.skip || fn.kind === 'constructor') {
      results.push({ name: fn.name, skip: fn.skip });
      continue;
    }
    env.log(`  ${fn.name}`);
    results.push(await benchOne(fn, spec, { env, root, hooks, jco, jcoError }));
  }
  return results;
}

const firstLine = (e) => String(e?.message ?? e).split('\n')[0];

async function benchOne(fn, spec, { env, root, hooks, jco, jcoError }) {
  const out = { name: fn.name, columns: {}, errors: {} };
  const user = env.user;
  const call = async (f, self, args) => (fn.async ? await f.apply(self, args) : f.apply(self, args));
  let target, args, first;
  try {
    target = glueTarget(root, fn, spec, user);
    args = userArgs(user, fn) ?? fn.params.slice(fn.kind === 'method' ? 1 : 0).map((p) => generate(p.t));
  } catch (e) {
    out.errors.weft = firstLine(e);
    return out;
  }
  try {
    first = await call(target.f, target.self, args);
  } catch (e) {
    // The function rejects these arguments (an `err` result, a trap): not
    // weft's failure, and nothing to time.
    out.skip = `weft's glue threw with the ${userArgs(user, fn) ? 'given' : 'generated'} arguments (${firstLine(e)}); give arguments with --args`;
    return out;
  }
  // A function whose result varies between calls (state in the guest) is timed without comparing results.
  const stable = same(await call(target.f, target.self, args), first);
  if (!stable) out.note = 'results vary between calls: columns not compared';
  const check = (got) => {
    if (stable && !same(got, first)) throw new Error(`returned ${show(got)}, weft's glue ${show(first)}`);
  };
  const cols = [column('weft', fn, target.f, target.self, args, stable)];
  if (fn.native?.async) {
    try {
      const { call: nf } = await nativeAsyncCall(fn, hooks);
      check(nf(...args));
      cols.push(column('native', fn, nf, null, args, stable));
    } catch (e) {
      if (e instanceof NotNative) out.nativeSkip = firstLine(e);
      else out.errors.native = firstLine(e);
    }
  } else if (fn.native) {
    try {
      const rep = fn.kind === 'method' ? hooks.reps[fn.params[0].t.rt] : null;
      if (fn.kind === 'method' && rep === undefined) throw new Error('the rep of the instance is unknown (no resource.new seen)');
      const { call: nf } = nativeCall(fn, hooks.ex);
      check(fn.kind === 'method' ? nf(rep, ...args) : nf(...args));
      cols.push(column('native', fn, nf, rep, args, stable));
    } catch (e) {
      out.errors.native = firstLine(e);
    }
  }
  if (jco) {
    try {
      const { self, f } = glueTarget(jco, fn, spec, user);
      check(await call(f, self, args));
      cols.push(column('jco', fn, f, self, args, stable));
    } catch (e) {
      out.errors.jco = firstLine(e);
    }
  } else if (jcoError) {
    out.errors.jco = jcoError;
  }
  try {
    out.columns = await measure(cols, env);
  } catch (e) {
    out.errors.weft = firstLine(e);
  }
  return out;
}

/** One timed column; with `stable` results, every batch's checksum must equal n times one call's. */
function column(name, fn, f, self, args, stable) {
  const loop = makeLoop(`${fn.name} @ ${name}`, fn, name, f, self, args);
  let one;
  const check = async (n, acc) => {
    if (!stable) return;
    one ??= await loop(1);
    if (acc !== one * n) throw new Error(`${name}: results changed during timing (${acc} != ${one * n})`);
  };
  return { name, loop, check };
}

function show(v) {
  let s;
  try { s = JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : ArrayBuffer.isView(x) ? Array.from(x) : x)); } catch { s = String(v); }
  return s && s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
