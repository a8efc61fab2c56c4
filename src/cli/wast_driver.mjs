/**
 * Node driver for `weft wast`: runs one .wast file's script of steps
 * (instantiate a transpiled component, invoke an export) and prints one JSON
 * result line per step: {"id": N, "ok": bool, "reason"?: str, "notes"?: [str]}.
 *
 * Usage: node wast_driver.mjs <script.json>
 * The module also loads in browsers (no static Node imports): `weft wast
 * --browser` (wast_browser.mjs) imports it in a page and passes its own loader.
 *
 * Values travel as "JS value descriptions" built on the Rust side from the
 * component types (see src/cli/wast/values.rs): ["u"] undefined, ["b", bool],
 * ["n", "1.5e0"] number, ["big", "5"] BigInt, ["s", str], ["a", [d...]] array,
 * ["ta", "Uint8Array", ["1", ...]] typed array, ["o", [[key, d], ...]] object,
 * ["map", [[kd, vd], ...]] Map (entries in order).
 * `toJs` builds argument values; `compare` checks results against expectations.
 * Both are exported so the tests can use them without running a script.
 */
const node = globalThis.process?.versions?.node
  ? { ...(await import('node:fs')), ...(await import('node:path')), ...(await import('node:url')) }
  : null;

/** How Node loads a transpiled component: its glue by file URL, core modules from disk. */
const nodeLoader = {
  async load(comp, fresh) {
    // A fresh module record per instance, so glue-level state is not shared.
    const glue = await import(`${node.pathToFileURL(comp.js).href}?instance=${fresh}`);
    const modules = new Map();
    const getCoreModule = (path) => {
      if (!modules.has(path)) {
        modules.set(path, new WebAssembly.Module(node.readFileSync(node.join(comp.dir, path))));
      }
      return modules.get(path);
    };
    return { glue, getCoreModule };
  },
};

/** Turns a value description into the JS value jco's conventions call for. */
export function toJs(desc) {
  switch (desc[0]) {
    case 'u':
      return undefined;
    case 'b':
    case 's':
      return desc[1];
    case 'n':
      return Number(desc[1]);
    case 'big':
      return BigInt(desc[1]);
    case 'a':
      return desc[1].map(toJs);
    case 'ta': {
      const Ctor = typedArray(desc[1]);
      const big = desc[1].startsWith('Big');
      return Ctor.from(desc[2], (x) => (big ? BigInt(x) : Number(x)));
    }
    case 'o': {
      const out = {};
      for (const [key, d] of desc[1]) out[key] = toJs(d);
      return out;
    }
    case 'map':
      return new Map(desc[1].map(([k, v]) => [toJs(k), toJs(v)]));
    default:
      throw new Error(`bad value description ${JSON.stringify(desc)}`);
  }
}

const TYPED_ARRAYS = [
  'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array',
  'Int32Array', 'BigUint64Array', 'BigInt64Array', 'Float32Array', 'Float64Array',
];

function typedArray(name) {
  if (!TYPED_ARRAYS.includes(name)) throw new Error(`not a typed array: ${name}`);
  return globalThis[name];
}

/** A short, unambiguous rendering of a JS value for messages. */
export function show(v) {
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return `[function ${v.name}]`;
  if (ArrayBuffer.isView(v)) {
    return `${v.constructor.name} [${Array.from(v, show).join(', ')}]`;
  }
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (v instanceof Map) {
    return `Map {${[...v].map(([k, x]) => `${show(k)} => ${show(x)}`).join(', ')}}`;
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).map(([k, x]) => `${k}: ${show(x)}`);
    return `{${entries.join(', ')}}`;
  }
  return String(v);
}

/** Renders a description the way `show` renders the value it stands for. */
export function showDesc(desc) {
  return show(toJs(desc));
}

function sameNumber(actual, want) {
  return typeof actual === 'number' && Object.is(actual, want);
}

/**
 * Compares `actual` with the description `desc`. Returns null when they match,
 * else a message naming the first difference by its path (e.g. `result.val[2]`).
 * Numbers compare with Object.is (NaN equals NaN, -0 differs from 0); typed
 * arrays must be of the described kind; objects may not carry extra defined
 * properties (a missing property counts as undefined).
 */
export function compare(actual, desc, path = 'result') {
  const differ = () => `${path}: expected ${showDesc(desc)}, got ${show(actual)}`;
  switch (desc[0]) {
    case 'u':
      return actual === undefined ? null : differ();
    case 'b':
    case 's':
      return actual === desc[1] ? null : differ();
    case 'n':
      return sameNumber(actual, Number(desc[1])) ? null : differ();
    case 'big':
      return typeof actual === 'bigint' && actual === BigInt(desc[1]) ? null : differ();
    case 'a': {
      if (!Array.isArray(actual)) return differ();
      if (actual.length !== desc[1].length) {
        return `${path}: expected ${desc[1].length} elements, got ${actual.length}: ${show(actual)}`;
      }
      for (let i = 0; i < actual.length; i++) {
        const m = compare(actual[i], desc[1][i], `${path}[${i}]`);
        if (m) return m;
      }
      return null;
    }
    case 'ta': {
      const Ctor = typedArray(desc[1]);
      if (!(actual instanceof Ctor)) return differ();
      if (actual.length !== desc[2].length) return differ();
      const big = desc[1].startsWith('Big');
      for (let i = 0; i < actual.length; i++) {
        const ok = big ? actual[i] === BigInt(desc[2][i]) : Object.is(actual[i], Number(desc[2][i]));
        if (!ok) return `${path}[${i}]: expected ${desc[2][i]}, got ${show(actual[i])}`;
      }
      return null;
    }
    case 'map': {
      if (!(actual instanceof Map) || actual.size !== desc[1].length) return differ();
      const entries = [...actual];
      for (let i = 0; i < entries.length; i++) {
        const m = compare(entries[i][0], desc[1][i][0], `${path}.keys[${i}]`)
          ?? compare(entries[i][1], desc[1][i][1], `${path}.get(${show(entries[i][0])})`);
        if (m) return m;
      }
      return null;
    }
    case 'o': {
      if (actual === null || typeof actual !== 'object' || Array.isArray(actual)
        || ArrayBuffer.isView(actual) || actual instanceof Map) {
        return differ();
      }
      const keys = new Set();
      for (const [key, d] of desc[1]) {
        keys.add(key);
        const m = compare(actual[key], d, `${path}.${key}`);
        if (m) return m;
      }
      for (const key of Object.keys(actual)) {
        if (!keys.has(key) && actual[key] !== undefined) {
          return `${path}: unexpected property ${key} = ${show(actual[key])}`;
        }
      }
      return null;
    }
    default:
      throw new Error(`bad value description ${JSON.stringify(desc)}`);
  }
}

/** jco's JS name for a kebab-case name: lowerCamelCase. */
export function camelCase(name) {
  return name
    .split('-')
    .map((w, i) => {
      const lower = w.toLowerCase();
      return i === 0 ? lower : lower.charAt(0).toUpperCase() + lower.slice(1);
    })
    .join('');
}

const isTrap = (e) => e instanceof WebAssembly.RuntimeError;

function describeError(e) {
  if (!(e instanceof Error)) return `non-Error thrown: ${show(e)}`;
  const payload = 'payload' in e ? ` (payload ${show(e.payload)})` : '';
  return `${e.constructor.name}: ${e.message}${payload}`;
}

/** The export `name` of an instance's exports object (exact, then camelCase). */
export function lookup(exports, name) {
  if (exports && Object.hasOwn(exports, name)) return exports[name];
  const camel = camelCase(name);
  if (exports && Object.hasOwn(exports, camel)) return exports[camel];
  return undefined;
}

const isThenable = (v) => v !== null && (typeof v === 'object' || typeof v === 'function')
  && typeof v.then === 'function';

/**
 * Runs the steps of `script`, calling `emit(result)` after each one.
 * `loader.load(component, n)` resolves to `{glue, getCoreModule}` for the n-th
 * instantiation (default: from the file system, in Node).
 */
export async function runScript(script, emit, loader = nodeLoader) {
  const instances = new Map();
  let current = null;
  let fresh = 0;

  async function instantiate(step) {
    const comp = script.components[step.component];
    let entry;
    let result;
    if (comp.error) {
      entry = { error: comp.error };
      result = { ok: false, reason: comp.error };
    } else {
      const { glue, getCoreModule } = await loader.load(comp, ++fresh);
      try {
        const exports = glue.instantiate(getCoreModule, {});
        if (isThenable(exports)) throw new Error('instantiate returned a Promise in sync mode');
        entry = { exports };
        result = step.expectTrap == null
          ? { ok: true }
          : { ok: false, reason: `expected trap "${step.expectTrap}", but instantiation succeeded` };
      } catch (e) {
        entry = { error: `instantiation failed: ${describeError(e)}` };
        result = trapResult(e, step.expectTrap, 'instantiation');
      }
    }
    if (step.instance != null) instances.set(step.instance, entry);
    if (step.current !== false) current = entry;
    return result;
  }

  async function invoke(step) {
    const inst = step.instance != null ? instances.get(step.instance) : current;
    if (!inst) return { ok: false, reason: `no instance ${step.instance ?? '(current)'}` };
    if (inst.error) return { ok: false, reason: `instance unavailable: ${inst.error}` };
    const fn = lookup(inst.exports, step.name);
    if (typeof fn !== 'function') {
      const names = Object.keys(inst.exports ?? {}).join(', ');
      return { ok: false, reason: `no function export "${step.name}" (exports: ${names})` };
    }
    const args = step.args.map(toJs);
    let value;
    let thrown;
    let threw = false;
    try {
      value = fn(...args);
      if (isThenable(value)) value = await value;
    } catch (e) {
      threw = true;
      thrown = e;
    }
    const expect = step.expect;
    if (expect.kind === 'trap') {
      if (!threw) {
        return { ok: false, reason: `expected trap "${expect.message}", returned ${show(value)}` };
      }
      return trapResult(thrown, expect.message, 'call');
    }
    // A top-level `result` return: the ok value is returned, the err value thrown.
    if (expect.topResult) {
      if (threw && !isTrap(thrown) && thrown instanceof Error && 'payload' in thrown) {
        value = { tag: 'err', val: thrown.payload };
        threw = false;
      } else if (!threw) {
        value = { tag: 'ok', val: value };
      }
    }
    if (threw) return { ok: false, reason: `unexpected ${describeError(thrown)}` };
    if (expect.kind === 'any') return { ok: true };
    const mismatch = compare(value, expect.value);
    return mismatch ? { ok: false, reason: mismatch } : { ok: true };
  }

  for (const step of script.steps) {
    let result;
    try {
      result = step.op === 'instantiate' ? await instantiate(step) : await invoke(step);
    } catch (e) {
      result = { ok: false, reason: `driver error: ${describeError(e)}` };
    }
    emit({ id: step.id, ...result });
  }
}

/** The result of an operation that threw `e` when a trap was (maybe) expected. */
function trapResult(e, expected, what) {
  if (expected == null) return { ok: false, reason: `${what} threw ${describeError(e)}` };
  if (!isTrap(e)) {
    return { ok: false, reason: `expected trap "${expected}", got ${describeError(e)}` };
  }
  const notes = e.message.includes(expected)
    ? []
    : [`trap message: got "${e.message}" | expected "${expected}"`];
  return { ok: true, notes };
}

const isMain = node !== null && process.argv[1] !== undefined
  && import.meta.url === node.pathToFileURL(process.argv[1]).href;

if (isMain) {
  const script = JSON.parse(node.readFileSync(process.argv[2], 'utf8'));
  await runScript(script, (r) => process.stdout.write(`${JSON.stringify(r)}\n`));
  // Done: exit once the results are written, whatever the components left
  // running (a callback task that yields forever is a valid one).
  process.stdout.write('', () => process.exit(0));
}
