// The program `weft run` writes next to the transpiled component (`app.js`)
// and the WASI host (`wasi/`) and runs in Node; argv[2] is its JSON config.
import { readFile } from 'node:fs/promises';
import { instantiate } from './app.js';
import { createWasi, runCommand } from './wasi/index.js';
const config = JSON.parse(process.argv[2]);
const wasi = createWasi({ ...config, stdin: 'inherit' });
const app = await instantiate(
  async (file) => WebAssembly.compile(await readFile(new URL(file, import.meta.url))),
  wasi,
);
try {
  process.exitCode = runCommand(app);
} catch (e) {
  process.stderr.write(`error: ${e instanceof WebAssembly.RuntimeError ? 'wasm trap: ' : ''}${e?.message ?? e}\n`);
  process.exitCode = 1;
}
