// The part of a bundled component's runtime that Node and browsers share:
// the WASI host every bundled component of the app imports (one instance,
// created on first use with the options given to `configure()`). browser.js
// and node.js pass their `createWasi` and add how a core module file is
// compiled. Nothing runs at load: a bundle whose components import no WASI
// drops the host entirely (tree-shaking).

let options = {};
let host;

/**
 * Grants capabilities to the WASI host of the bundled components (the
 * options of `createWasi`: args, env, stdout, preopens, network, ...). Call
 * it in a module imported before the first component.
 */
export function configure(wasiOptions = {}) {
  if (host)
    throw new Error(
      'weftjs/bundled: configure() was called after a component was instantiated; import the module that calls it before the first .wasm import',
    );
  if (typeof wasiOptions !== 'object' || wasiOptions === null)
    throw new TypeError('weftjs/bundled: configure() expects the options object of createWasi()');
  options = wasiOptions;
}

/** The shared WASI import object (`{ 'wasi:cli/environment': ..., ... }`). */
export function wasiImports(createWasi) {
  host ??= createWasi(options);
  return host;
}

/** One WASI interface by its import key, or a clear error. */
export function wasiImport(createWasi, key) {
  const iface = wasiImports(createWasi)[key];
  if (!iface)
    throw new Error(
      `weftjs/bundled: the WASI host has no \`${key}\` (map it to a module of yours with the plugin's \`map\` option)`,
    );
  return iface;
}
