// Page helpers for the checks: loading weft's `--instantiation async|sync`
// output the way web pages do (import the glue, compile each core module with
// WebAssembly.compileStreaming(fetch(...))), a trap predicate, error text.
// `key` names a directory under /out/ written by tests/browser/build.mjs.
export async function load(key, name, imports = {}) {
  const base = new URL(`/out/${key}/`, location.href);
  const { instantiate } = await import(new URL(`${name}.js`, base).href);
  return instantiate((file) => WebAssembly.compileStreaming(fetch(new URL(file, base))), imports);
}

/** `--instantiation sync`: core modules are fetched and compiled up front. */
export async function loadSync(key, name, files, imports = {}) {
  const base = new URL(`/out/${key}/`, location.href);
  const { instantiate } = await import(new URL(`${name}.js`, base).href);
  const modules = new Map();
  for (const f of files) modules.set(f, await WebAssembly.compileStreaming(fetch(new URL(f, base))));
  return instantiate((file) => modules.get(file), imports);
}

export const isTrap = (re) => (e) => e instanceof WebAssembly.RuntimeError && (!re || re.test(e.message));

/** An error as text for the test report: Chromium's stack already starts with name and message. */
export function describeError(e) {
  if (!(e instanceof Error)) return String(e);
  return e.stack?.includes(e.message) ? e.stack : `${e.name}: ${e.message}\n${e.stack}`;
}
