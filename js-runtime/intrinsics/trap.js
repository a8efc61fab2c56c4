// Traps: every Canonical ABI violation surfaces as a WebAssembly.RuntimeError.
export function trap(message) {
  throw new WebAssembly.RuntimeError(message);
}
