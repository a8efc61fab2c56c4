// Interface objects for the plain-ESM entries (esm.js): stable objects whose
// functions forward to the WASI instance chosen with `configure(options)`
// (created on first use with default options if never configured). Resource
// classes are shared by all instances, so they are exported as they are.
export function esmInterfaces(createWasi) {
  let current = null;
  const get = () => (current ??= createWasi());
  const template = createWasi({ stdout: null, stderr: null });
  const exports = {};
  for (const [key, iface] of Object.entries(template)) {
    const out = {};
    for (const [name, v] of Object.entries(iface)) {
      const isClass = typeof v === 'function' && /^[A-Z]/.test(name);
      out[name] = isClass ? v : (...args) => get()[key][name](...args);
    }
    exports[key.replace(/^wasi:/, '')] = out;
  }
  return {
    exports,
    configure(options) {
      current = createWasi(options);
    },
  };
}
