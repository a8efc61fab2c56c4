// Runs weft's transpiled components in Node for run.py.
//
//   node runner.mjs job.json  ->  prints {"<call id>": result, ...} as JSON
//
// job.json: {"components": [{"dir", "name", "type", "calls": [{"id", "fn", "args"}]}]}
// where `dir/name.js` is weft's output (--instantiation sync), `type` the WIT
// value type T (see wit_types.py) and each call's `args` are canonical JSON
// values for the export's params. Every call gets a fresh instance (a trap
// poisons an instance). A result is {"ok": canonical} | {"trap": message} |
// {"error": message} (anything else that was thrown: a host-side failure).
//
// JS value conventions (jco's): u64/s64 BigInt; char a one-code-point
// string; option<T> is T | undefined except that an option directly holding
// an option is {tag:'none'} | {tag:'some', val}; variants and non-top-level
// results {tag, val}; enums strings; records camelCase objects; tuples
// arrays; flags {camelName: boolean}; numeric lists typed arrays; a returned
// top-level result gives its ok value or throws ComponentError(.payload); a
// host import returning a result returns the ok value or throws.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPED = {
  u8: Uint8Array,
  s8: Int8Array,
  u16: Uint16Array,
  s16: Int16Array,
  u32: Uint32Array,
  s32: Int32Array,
  u64: BigUint64Array,
  s64: BigInt64Array,
  f32: Float32Array,
  f64: Float64Array,
};
const RANGE = {
  u8: [0, 0xff],
  s8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  s16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff],
  s32: [-0x80000000, 0x7fffffff],
};

const kind = (t) => (typeof t === 'string' ? t : t[0]);
// jco's (heck's) lowerCamelCase: kebab words, each lowercased, all but the
// first capitalized ('HTTP-ok' -> 'httpOk', 'xml-HTTP-request' -> 'xmlHttpRequest').
const camel = (n) =>
  n
    .split('-')
    .map((w, i) => {
      const l = w.toLowerCase();
      return i === 0 ? l : l.charAt(0).toUpperCase() + l.slice(1);
    })
    .join('');
const isOption = (t) => kind(t) === 'option';

function casesOf(t) {
  switch (kind(t)) {
    case 'variant':
      return t[1];
    case 'option':
      return [
        ['none', null],
        ['some', t[1]],
      ];
    case 'result':
      return [
        ['ok', t[1]],
        ['err', t[2]],
      ];
  }
  throw new Error(`not a variant: ${JSON.stringify(t)}`);
}

function floatFromJson(j) {
  if (j === 'NaN') return NaN;
  if (j === 'Infinity') return Infinity;
  if (j === '-Infinity') return -Infinity;
  if (j === '-0') return -0;
  return j;
}

function floatToJson(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  return x;
}

// canonical JSON -> JS value. `loose`: use the other accepted input forms
// (plain arrays for numeric lists, null for none, only the set flags,
// Numbers for safe-integer u64/s64).
function toJs(t, j, loose = false) {
  const k = kind(t);
  const toJs = (t2, j2) => toJsOuter(t2, j2, loose);
  switch (k) {
    case 'bool':
    case 'char':
    case 'string':
    case 'enum':
      return j;
    case 'u8':
    case 's8':
    case 'u16':
    case 's16':
    case 'u32':
    case 's32':
      return j;
    case 'u64':
    case 's64':
      return loose && Number.isSafeInteger(Number(j)) ? Number(j) : BigInt(j);
    case 'f32':
    case 'f64':
      return floatFromJson(j);
    case 'list': {
      const el = t[1];
      const xs = j.map((x) => toJs(el, x));
      if (!TYPED[kind(el)] || loose) return xs;
      return new TYPED[kind(el)](
        xs.map((x) => (typeof x === 'number' && kind(el).endsWith('64') && !kind(el).startsWith('f') ? BigInt(x) : x)),
      );
    }
    case 'record': {
      const o = {};
      for (const [n, ft] of t[1]) o[camel(n)] = toJs(ft, j[n]);
      return o;
    }
    case 'tuple':
      return t[1].map((ft, i) => toJs(ft, j[i]));
    case 'flags': {
      const o = {};
      for (const n of t[1]) if (!loose || j.includes(n)) o[camel(n)] = j.includes(n);
      return o;
    }
    // biome-ignore lint/suspicious/noFallthroughSwitchClause: an option of an option is lowered as a variant
    case 'option':
      if (!isOption(t[1])) return j.tag === 'none' ? (loose ? null : undefined) : toJs(t[1], j.val);
    case 'variant':
    case 'result': {
      const pt = casesOf(t).find(([n]) => n === j.tag)[1];
      return pt === null ? { tag: j.tag } : { tag: j.tag, val: toJs(pt, j.val) };
    }
  }
  throw new Error(`unknown type ${JSON.stringify(t)}`);
}
const toJsOuter = toJs;

class Bad extends Error {}
const bad = (what, v) => {
  let s;
  try {
    s = typeof v === 'bigint' ? `${v}n` : JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x));
  } catch {
    s = String(v);
  }
  throw new Bad(`expected ${what}, got ${typeof v} ${s}${v?.constructor ? ` (${v.constructor.name})` : ''}`);
};

// JS value -> canonical JSON; throws Bad on a value outside the conventions
function fromJs(t, v) {
  const k = kind(t);
  switch (k) {
    case 'bool':
      if (typeof v !== 'boolean') bad('boolean', v);
      return v;
    case 'u8':
    case 's8':
    case 'u16':
    case 's16':
    case 'u32':
    case 's32':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < RANGE[k][0] || v > RANGE[k][1]) bad(k, v);
      return v;
    case 'u64':
    case 's64':
      if (typeof v !== 'bigint') bad('bigint', v);
      return v.toString();
    case 'f32':
    case 'f64':
      if (typeof v !== 'number') bad('number', v);
      return floatToJson(v);
    case 'char':
      if (typeof v !== 'string' || [...v].length !== 1) bad('one-code-point string', v);
      return v;
    case 'string':
      if (typeof v !== 'string') bad('string', v);
      return v;
    case 'enum':
      if (typeof v !== 'string' || !t[1].includes(v)) bad(`one of ${t[1].join('|')}`, v);
      return v;
    case 'list': {
      const el = t[1];
      const ta = TYPED[kind(el)];
      if (ta ? !(v instanceof ta) : !Array.isArray(v)) bad(ta ? ta.name : 'array', v);
      return Array.from(v, (x) => fromJs(el, x));
    }
    case 'record': {
      if (typeof v !== 'object' || v === null) bad('record object', v);
      const o = {};
      for (const [n, ft] of t[1]) {
        if (!(camel(n) in v)) bad(`field ${camel(n)}`, v);
        o[n] = fromJs(ft, v[camel(n)]);
      }
      return o;
    }
    case 'tuple':
      if (!Array.isArray(v) || v.length !== t[1].length) bad(`${t[1].length}-tuple array`, v);
      return t[1].map((ft, i) => fromJs(ft, v[i]));
    case 'flags': {
      if (typeof v !== 'object' || v === null) bad('flags object', v);
      const out = [];
      for (const n of t[1]) {
        const b = v[camel(n)];
        if (typeof b !== 'boolean') bad(`boolean flag ${camel(n)}`, v);
        if (b) out.push(n);
      }
      return out.sort();
    }
    // biome-ignore lint/suspicious/noFallthroughSwitchClause: an option of an option is lifted as a variant
    case 'option':
      if (!isOption(t[1])) {
        if (v === undefined) return { tag: 'none' };
        return { tag: 'some', val: fromJs(t[1], v) };
      }
    case 'variant':
    case 'result': {
      if (typeof v !== 'object' || v === null) bad('{tag, val}', v);
      const c = casesOf(t).find(([n]) => n === v.tag);
      if (!c)
        bad(
          `a case of ${casesOf(t)
            .map(([n]) => n)
            .join('|')}`,
          v,
        );
      if (c[1] === null) {
        if (v.val !== undefined) bad(`no payload for ${v.tag}`, v);
        return { tag: v.tag };
      }
      if (!('val' in v)) bad(`payload for ${v.tag}`, v);
      return { tag: v.tag, val: fromJs(c[1], v.val) };
    }
  }
  throw new Error(`unknown type ${JSON.stringify(t)}`);
}

// The host import `h`: the identity, per the conventions (a top-level result
// is received as {tag, val} and given back as a return or a throw).
function identity(t) {
  if (kind(t) === 'result') {
    return (x) => {
      if (x.tag === 'ok') return x.val;
      throw { payload: x.val };
    };
  }
  return (x) => x;
}

const PARAM_TYPES = {
  'rt-mem': (t) => [t, ['tuple', Array(16).fill('u8')]],
  'via-imp': (t) => [t],
  'rt-flat': (t) => [t],
  'rt-multi': (t) => (kind(t) === 'record' ? t[1].map(([, x]) => x) : t[1]),
  'realloc-log': () => [],
  raw: () => [['list', 'u8'], 's32'],
  'raw-imp': () => [['list', 'u8']],
};

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const results = {};
for (const c of job.components) {
  let mod;
  const cores = new Map();
  try {
    mod = await import(pathToFileURL(join(c.dir, `${c.name}.js`)).href);
  } catch (e) {
    for (const call of c.calls) results[call.id] = { error: `import failed: ${e}` };
    continue;
  }
  const getCoreModule = (file) => {
    if (!cores.has(file)) cores.set(file, new WebAssembly.Module(readFileSync(join(c.dir, file))));
    return cores.get(file);
  };
  const t = c.type;
  for (const call of c.calls) {
    let inst;
    try {
      inst = mod.instantiate(getCoreModule, { h: identity(t) });
      if (inst instanceof Promise) inst = await inst; // --instantiation async
    } catch (e) {
      results[call.id] = { error: `instantiate: ${e}` };
      continue;
    }
    results[call.id] = callOne(inst, t, call);
    // a second call on the same instance (after a trap: the instance is poisoned)
    if (call.then) results[`${call.id}:then`] = callOne(inst, call.then.type ?? t, call.then);
  }
}

function callOne(inst, t, call) {
  let r;
  try {
    const f = inst[camel(call.fn)];
    if (typeof f !== 'function') throw new Error(`no export ${camel(call.fn)}`);
    const args = PARAM_TYPES[call.fn](t).map((pt, i) => toJs(pt, call.args[i], !!call.loose));
    let v;
    let err;
    try {
      v = f(...args);
    } catch (e) {
      if (kind(t) === 'result' && e && e.name === 'ComponentError' && 'payload' in e) err = e;
      else throw e;
    }
    if (err) {
      r = {
        ok:
          t[2] === null
            ? err.payload === undefined
              ? { tag: 'err' }
              : bad('undefined err payload', err.payload)
            : { tag: 'err', val: fromJs(t[2], err.payload) },
      };
    } else if (kind(t) === 'result') {
      r = {
        ok:
          t[1] === null
            ? v === undefined
              ? { tag: 'ok' }
              : bad('undefined for ok', v)
            : { tag: 'ok', val: fromJs(t[1], v) },
      };
    } else {
      r = { ok: fromJs(t, v) };
    }
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) r = { trap: String(e.message) };
    else if (e instanceof Bad) r = { error: `bad JS value: ${e.message}` };
    else r = { error: `${e?.name}: ${e?.message}` };
  }
  return r;
}
process.stdout.write(JSON.stringify(results));
