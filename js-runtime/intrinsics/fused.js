// Whether this engine can run fused cross-component adapters (src/fuse/): they
// import two memories (multi-memory) and restore the callee's entering set in a
// `catch_all` (exception handling). Checked once by validating a 55-byte module
// that uses both: `(memory.copy 1 0)` inside `try ... catch_all ... rethrow`.
// Where it is false the glue wires the JS adapters instead.
export const fusedAdapters = (() => {
  try {
    return WebAssembly.validate(
      new Uint8Array([
        0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 2, 13, 2, 0, 1, 97, 2, 0, 0, 0, 1, 98, 2, 0, 0, 3, 2, 1, 0, 10,
        20, 1, 18, 0, 6, 64, 65, 0, 65, 0, 65, 0, 252, 10, 1, 0, 25, 9, 0, 11, 11,
      ]),
    );
  } catch {
    return false;
  }
})();
