// `weft serve` for WASI 0.3: serves a component's `wasi:http/handler@0.3.x`
// export over node:http. Bodies stream both ways (request chunks reach the
// guest as they arrive; response chunks go out as the guest writes them,
// honouring backpressure), trailers go out with chunked responses.
//
//   const app = await instantiate(getCoreModule, createWasi({ ... }));
//   const server = await serveHttp3(app, { port: 8080 });
import http from 'node:http';
import { handle3, handlerOf3 } from './http-handler.js';
import { rawEntries } from './http-node.js';

const latin1 = (v) => Buffer.from(v).toString('latin1');

async function respond(handler, req, res) {
  let trailersIn;
  const gotTrailers = new Promise((r) => (trailersIn = r));
  req.once('end', () => trailersIn(req.rawTrailers.length > 0 ? rawEntries(req.rawTrailers) : null));
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  const out = await handle3(handler, {
    method: req.method,
    url: new URL(req.url, `http://${req.headers.host ?? 'localhost'}`),
    headers: rawEntries(req.rawHeaders),
    body: hasBody ? req : null,
    trailers: gotTrailers,
  });
  const flat = out.headers.flatMap(([k, v]) => [k, latin1(v)]);
  const chunked = !out.headers.some(([k]) => k === 'content-length');
  if (chunked) flat.push('transfer-encoding', 'chunked');
  res.writeHead(out.status, flat);
  try {
    for await (const chunk of out.body) {
      if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
    }
    const t = await out.trailers.catch(() => null);
    if (t && chunked) res.addTrailers(t.map(([k, v]) => [k, latin1(v)]));
    res.end();
    out.done();
  } catch (e) {
    out.done(e);
    res.destroy();
  }
}

/** Serves `app` on `host:port` (default 127.0.0.1, a free port); resolves to the listening node:http server. */
export function serveHttp3(app, { port = 0, host = '127.0.0.1' } = {}) {
  const handler = handlerOf3(app);
  if (handler === null) throw new TypeError('serveHttp3: the instance exports no wasi:http/handler@0.3.x');
  const server = http.createServer((req, res) => {
    respond(handler, req, res).catch((e) => {
      if (!res.headersSent)
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`handler failed: ${e?.message ?? e}`);
      else res.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
