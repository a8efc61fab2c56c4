// Compiles a core module that sits next to the glue: fs in Node, streaming fetch elsewhere.
const isNode = typeof process !== 'undefined' && process.versions != null && process.versions.node != null;
let nodeFs;
export async function fetchCompile(url) {
  if (isNode) {
    nodeFs ??= await import('node:fs/promises');
    return WebAssembly.compile(await nodeFs.readFile(url));
  }
  const res = fetch(url);
  if (WebAssembly.compileStreaming) {
    try {
      return await WebAssembly.compileStreaming(res);
    } catch {
      // Served with the wrong Content-Type: fall back to bytes.
    }
  }
  return WebAssembly.compile(await (await fetch(url)).arrayBuffer());
}
