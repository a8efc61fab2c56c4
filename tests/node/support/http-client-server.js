// The local server the wasi3-http-client guest talks to (tests/node/wasi3-http.test.js
// on Node, tests/browser/wasi3.spec.ts from a page):
//   /hello  200 "hello", echoing the request's x-test, path and cookie in x-seen-* headers
//   /echo   201, the request body back (chunked) with trailers x-got-trailer (the
//           request's x-req-trailer trailer) and x-chunks-seen (the body came in pieces)
//   /slow   answers after 2 s (first-byte timeouts)
// `cors: true` adds what a page on another origin needs (preflight, exposed headers).
import http from 'node:http';

const EXPOSED = 'x-seen-test, x-seen-path, x-seen-cookie';

/** Resolves to the listening server (127.0.0.1, a free port); `close()` also ends open connections. */
export function clientTestServer({ cors = false } = {}) {
  const timers = new Set();
  const server = http.createServer((req, res) => {
    if (cors) {
      res.setHeader('access-control-allow-origin', '*');
      res.setHeader('access-control-expose-headers', EXPOSED);
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { 'access-control-allow-headers': '*', 'access-control-allow-methods': '*' });
        return void res.end();
      }
    }
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/hello') {
      res.writeHead(200, {
        'x-seen-test': req.headers['x-test'] ?? '',
        'x-seen-path': req.url,
        'x-seen-cookie': req.headers.cookie ?? '',
      });
      res.end('hello');
    } else if (url.pathname === '/echo') {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(201, { 'transfer-encoding': 'chunked' });
        res.write(Buffer.concat(chunks));
        res.addTrailers({
          'x-got-trailer': req.trailers['x-req-trailer'] ?? '',
          'x-chunks-seen': String(chunks.length > 1),
        });
        res.end();
      });
    } else if (url.pathname === '/slow') {
      const t = setTimeout(() => res.end('late'), 2000);
      timers.add(t);
      res.on('close', () => clearTimeout(t));
    } else {
      res.writeHead(404).end();
    }
  });
  const close = server.close.bind(server);
  server.close = (cb) => {
    for (const t of timers) clearTimeout(t);
    server.closeAllConnections();
    return close(cb);
  };
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
