// Which functions a component imports that an import object does not
// provide. `weft run` and `weft serve` instantiate through `probeImports`: a
// missing interface or function becomes a stub (that throws if ever called)
// and is recorded, so one instantiation names every missing import at once
// instead of failing at the first. Glue looks imports up as
// `imports[key][camelName]` (or `imports[key]` for a world function).

const kebab = (name) => name.replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase());

function stub(what) {
  return function missingImport() {
    throw new TypeError(`${what}: not provided by the host`);
  };
}

/**
 * Wraps `imports`; `missing()` then lists what instantiation looked up and did
 * not find, as WIT names: an interface the object lacks entirely by its name,
 * else `iface#func` (or a world function's name).
 */
export function probeImports(imports) {
  const missing = new Map(); // key -> Set of kebab member names, or null: all of it
  const record = (key, member) => {
    if (member === undefined) missing.set(key, null);
    else if (missing.get(key) !== null) missing.set(key, (missing.get(key) ?? new Set()).add(kebab(member)));
  };
  const member = (key) => (obj, prop) => {
    if (typeof prop !== 'string' || prop === 'then' || prop in obj) return Reflect.get(obj, prop);
    record(key, prop);
    return stub(`${key}#${kebab(prop)}`);
  };
  const top = new Proxy(imports, {
    get(obj, key) {
      const v = Reflect.get(obj, key);
      if (typeof key !== 'string') return v;
      if (v == null) {
        record(key);
        return new Proxy(stub(key), { get: member(key) });
      }
      return typeof v === 'object' ? new Proxy(v, { get: member(key) }) : v;
    },
  });
  return {
    imports: top,
    missing: () => [...missing].flatMap(([key, members]) => (members ? [...members].map((m) => `${key}#${m}`) : [key])),
  };
}
