// Compiles a core module that sits next to the glue, synchronously: the fallback
// of sync `instantiate()` called without `getCoreModule`. Only Node can read a
// file synchronously (`process.getBuiltinModule`, Node >= 20.16).
export function compileSync(url) {
  const fs = globalThis.process?.getBuiltinModule?.('node:fs');
  if (!fs) {
    throw new TypeError(`instantiate(): pass getCoreModule to load ${url} (this engine cannot read it synchronously)`);
  }
  return new WebAssembly.Module(fs.readFileSync(url));
}
