// JSPI for synchronous imports and exports (`--async-mode jspi`, jco's flag):
// an import listed in --async-imports may return a Promise, the wasm stack
// suspends until it settles; an export listed in --async-exports returns a
// Promise. Without JSPI in the engine, instantiation fails naming the function.
export function jspiImport(f, what) {
  if (typeof WebAssembly.Suspending !== 'function') {
    throw new Error(
      `${what} may return a Promise (--async-imports), which needs JSPI (WebAssembly.Suspending); this engine lacks it`,
    );
  }
  return new WebAssembly.Suspending(f);
}
export function jspiExport(f, what) {
  if (typeof WebAssembly.promising !== 'function') {
    throw new Error(
      `${what} returns a Promise (--async-exports), which needs JSPI (WebAssembly.promising); this engine lacks it`,
    );
  }
  return WebAssembly.promising(f);
}
