// The program `weft serve` writes next to the transpiled component (`app.js`)
// and the WASI host (`wasi/`) and runs in Node; argv[2] is its JSON config.
import { readFile } from 'node:fs/promises';
import { instantiate } from './app.js';
import { createWasi } from './wasi/index.js';
import { serveHttp } from './wasi/http-server.js';
const { addr, ...grants } = JSON.parse(process.argv[2]);
// A proxy answers requests: it may always use the network it serves on.
const wasi = createWasi({ ...grants, network: true });
const app = await instantiate(
  async (file) => WebAssembly.compile(await readFile(new URL(file, import.meta.url))),
  wasi,
);
const at = addr.lastIndexOf(':');
const server = await serveHttp(app, { host: addr.slice(0, at), port: Number(addr.slice(at + 1)) });
const { address, port } = server.address();
console.log(`listening on http://${address}:${port}/`);
// weft holds our stdin open: when weft exits (or is killed), stop serving.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
