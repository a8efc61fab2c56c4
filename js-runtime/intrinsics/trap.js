// Traps: every Canonical ABI violation surfaces as a WebAssembly.RuntimeError.
export function trap(message) {
  throw new WebAssembly.RuntimeError(message);
}
// The entry checks of a call into a component instance failed.
export function cannotEnter(poisoned) {
  trap(
    poisoned
      ? 'cannot enter component instance: it is poisoned by an earlier trap'
      : 'cannot enter component instance: it is already on the call stack (reentrance)',
  );
}
// A lowered import was called while the instance may not leave (in realloc or post-return).
export function cannotLeave() {
  trap('cannot leave component instance during realloc or post-return');
}
