// wasi:http incoming on Node: serves a component's `wasi:http/incoming-handler`
// export over node:http. Each request becomes an `incoming-request` (body
// read in full first: the 0.2 handler is synchronous) and the response the
// guest sets through its `response-outparam` is sent once `handle` returns,
// with the trailers the guest finished its body with.
//
//   const app = await instantiate(getCoreModule, createWasi({ ... }));
//   const server = await serveHttp(app, { port: 8080 });
import http from 'node:http';
import { methodValue } from './http-request-parts.js';
import { Fields, IncomingRequest, ResponseOutparam } from './http.js';

/** The instance's incoming handler (exported as `incomingHandler` or under its versioned name). */
function handlerOf(app) {
  const key = Object.keys(app).find((k) => k.startsWith('wasi:http/incoming-handler'));
  const handler = app.incomingHandler ?? (key && app[key]);
  if (!handler || typeof handler.handle !== 'function')
    throw new TypeError('serveHttp: the instance exports no wasi:http/incoming-handler');
  return handler;
}

/**
 * Serves `app` on `host:port` (default 127.0.0.1, a free port); resolves to
 * the listening node:http server. `app` is an instance, or a function
 * returning (a Promise of) one: then an instance that trapped (and so is
 * poisoned) is replaced by a new one for the next request.
 */
export async function serveHttp(app, { port = 0, host = '127.0.0.1' } = {}) {
  const load = typeof app === 'function' ? app : null;
  let handler = handlerOf(load ? await load() : app);
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const headers = new Fields();
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      headers.list.push([req.rawHeaders[i].toLowerCase(), new TextEncoder().encode(req.rawHeaders[i + 1])]);
    }
    let response;
    const request = new IncomingRequest({
      method: methodValue(req.method),
      pathWithQuery: req.url,
      scheme: { tag: 'HTTP' },
      authority: req.headers.host,
      headers,
      body: new Uint8Array(Buffer.concat(chunks)),
    });
    try {
      handler.handle(
        request,
        new ResponseOutparam((r) => {
          response = r;
        }),
      );
    } catch (e) {
      if (load && e instanceof WebAssembly.RuntimeError) handler = handlerOf(await load());
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`handler failed: ${e?.message ?? e}`);
      return;
    }
    if (response === undefined || response.tag === 'err') {
      res
        .writeHead(500, { 'content-type': 'text/plain' })
        .end(`handler returned an error: ${JSON.stringify(response?.val)}`);
      return;
    }
    const out = response.val;
    const outHeaders = out.fields.entries().map(([k, v]) => [k, new TextDecoder().decode(v)]);
    res.writeHead(out.code, outHeaders.flat());
    if (out.outgoingBody) res.write(out.outgoingBody.bytes());
    const trailers = out.outgoingBody?.trailers;
    if (trailers) res.addTrailers(trailers.entries().map(([k, v]) => [k, new TextDecoder().decode(v)]));
    res.end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
