// The program `weft serve` runs (see common.mjs): a wasi:http/proxy component,
// 0.2 `incoming-handler` or 0.3 `handler`.
import { config, fail, instantiateWith, load } from './common.mjs';
import { createWasi } from './wasi/index.js';
import { serveHttp } from './wasi/http-server.js';
import { handlerOf3 } from './wasi3/http-handler.js';
import { serveHttp3 } from './wasi3/http-server3.js';

const { addr, ...grants } = config;
let wasi;
try {
  // A proxy answers requests: it may always use the network it serves on.
  wasi = createWasi({ ...grants, network: true });
} catch (e) {
  fail(e);
}
const app = await load(wasi);
const at = addr.lastIndexOf(':');
const where = { host: addr.slice(0, at), port: Number(addr.slice(at + 1)) };
// The 0.2 server replaces an instance that trapped with a new one; the first
// it asks for is the one just probed.
let first = app;
const instance = () => {
  const a = first ?? instantiateWith(wasi);
  first = null;
  return a;
};
const server = await (handlerOf3(app) !== null ? serveHttp3(app, where) : serveHttp(instance, where)).catch(fail);
const { address, port } = server.address();
console.log(`listening on http://${address}:${port}/`);
// weft holds our stdin open: when weft exits (or is killed), stop serving.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
