// Imported first by the Workers entry of a WASI 0.3 component (before the
// glue): workerd forbids compiling wasm at run time, which the glue's JSPI
// shims do, so the glue is made to see no JSPI there. A callback-form 0.3
// handler runs without it; a guest that would have to switch stacks (a
// blocking cancel) gets the glue's "needs JSPI" trap, never a code-generation
// error.
if (typeof WebAssembly.Suspending === 'function') {
  try {
    delete WebAssembly.Suspending;
  } catch {
    // a frozen namespace: the glue then finds JSPI and fails where it compiles
  }
}
