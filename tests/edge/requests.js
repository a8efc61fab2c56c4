// Requests the edge runtime tests send (tests/edge/runtimes*.test.js):
// node:http requests that see trailers, and an 8 MiB streamed body.
import { createHash } from 'node:crypto';
import http from 'node:http';

/** One request through node:http (trailers included); `body` may be an async iterable of chunks. */
export function request(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const hash = createHash('sha256');
      const chunks = [];
      let length = 0;
      res.on('data', (c) => {
        hash.update(c);
        length += c.length;
        if (chunks.length < 16) chunks.push(c);
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode,
          headers: res.headers,
          trailers: res.trailers,
          length,
          sha256: hash.digest('hex'),
          text: length <= 1 << 16 ? Buffer.concat(chunks).toString() : undefined,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    (async () => {
      if (typeof body === 'string') req.write(body);
      else if (body) for await (const c of body) if (!req.write(c)) await new Promise((r) => req.once('drain', r));
      req.end();
    })().catch(reject);
  });
}

/** 8 MiB of deterministic bytes in 64 KiB chunks, and their sha256. */
const CHUNK = 64 * 1024;
export const TOTAL = 8 * 1024 * 1024;
export function* bigBody() {
  for (let o = 0; o < TOTAL; o += CHUNK) {
    const c = Buffer.alloc(CHUNK);
    for (let i = 0; i < CHUNK; i += 4) c.writeUInt32LE(((o + i) * 2654435761) >>> 0, i);
    yield c;
  }
}
export const BIG_SHA = (() => {
  const h = createHash('sha256');
  for (const c of bigBody()) h.update(c);
  return h.digest('hex');
})();
