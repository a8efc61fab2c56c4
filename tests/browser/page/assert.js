// In-page assertions for the browser checks: the subset of node:assert/strict
// the Node tests use (equal, deepEqual, ok, throws, rejects), so their bodies
// port with few edits. Failures throw AssertionError with a readable message.
export class AssertionError extends Error {
  constructor(message) {
    super(message);
    this.name = 'AssertionError';
  }
}

export function show(v) {
  if (typeof v === 'bigint') return `${v}n`;
  if (Object.is(v, -0)) return '-0';
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);
  if (ArrayBuffer.isView(v)) {
    const items = Array.from(v.slice(0, 8), show).join(', ');
    return `${v.constructor.name}(${v.length}) [${items}${v.length > 8 ? ', ...' : ''}]`;
  }
  if (Array.isArray(v)) return `[${v.slice(0, 8).map(show).join(', ')}${v.length > 8 ? ', ...' : ''}]`;
  if (v && typeof v === 'object') {
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}: ${show(x)}`)
      .join(', ')}}`;
  }
  return String(v);
}

const fail = (msg, detail) => {
  throw new AssertionError(msg ? `${msg}: ${detail}` : detail);
};

export function ok(value, msg) {
  if (!value) fail(msg, `expected a truthy value, got ${show(value)}`);
}

export function equal(actual, expected, msg) {
  if (!Object.is(actual, expected)) fail(msg, `expected ${show(expected)}, got ${show(actual)}`);
}

/** Where `a` and `b` differ structurally (typed array kinds, prototypes, keys), or null. */
function diff(a, b, path) {
  if (Object.is(a, b)) return null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return `${path}: expected ${show(b)}, got ${show(a)}`;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) {
    return `${path}: expected ${show(b)}, got ${show(a)} (different kinds)`;
  }
  if (ArrayBuffer.isView(a)) {
    if (a.length !== b.length) return `${path}: length ${a.length}, expected ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      if (!Object.is(a[i], b[i])) return `${path}[${i}]: expected ${show(b[i])}, got ${show(a[i])}`;
    }
    return null;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  if (Array.isArray(a) && a.length !== b.length) return `${path}: length ${a.length}, expected ${b.length}`;
  for (const k of keys) {
    if (!(k in a) || !(k in b)) return `${path}.${k}: present on one side only`;
    const d = diff(a[k], b[k], `${path}.${k}`);
    if (d) return d;
  }
  return null;
}

export function deepEqual(actual, expected, msg) {
  const d = diff(actual, expected, 'value');
  if (d) fail(msg, d);
}

/** `expected`: an Error class, a RegExp on the message, or a predicate returning true. */
function matches(e, expected) {
  if (expected === undefined) return true;
  if (expected instanceof RegExp) return expected.test(e?.message ?? String(e));
  if (expected.prototype instanceof Error || expected === Error) return e instanceof expected;
  return expected(e) === true;
}

function describeError(e) {
  return e instanceof Error ? `${e.constructor.name}: ${e.message}` : show(e);
}

export function throws(fn, expected, msg) {
  if (typeof expected === 'string') [expected, msg] = [undefined, expected];
  try {
    fn();
  } catch (e) {
    if (!matches(e, expected)) fail(msg, `threw the wrong error: ${describeError(e)}`);
    return;
  }
  fail(msg, 'expected an exception, none was thrown');
}

export async function rejects(promise, expected, msg) {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (e) {
    if (!matches(e, expected)) fail(msg, `rejected with the wrong error: ${describeError(e)}`);
    return;
  }
  fail(msg, 'expected a rejection, none came');
}

export default { ok, equal, deepEqual, throws, rejects };
