// Node transport for wasi:http@0.3 `client.send` (http.js): node:http and
// node:https, so request bodies stream as the guest writes them and trailers
// go out (chunked encoding) and come back (`rawTrailers`).
//
// Transport contract: `({ method, url: URL, headers: [[name, Uint8Array]],
// body: AsyncIterable<Uint8Array> | null, trailers: Promise<entries | null>,
// timeouts: { connect, firstByte, betweenBytes } (ms or undefined), signal })`
// resolves, once the response headers are in, to `{ status, headers,
// body: AsyncIterable<Uint8Array>, trailers: Promise<entries | null> }`;
// failures are wasi:http 0.3 `error-code` variants. A body that breaks off
// ends its stream and rejects `trailers`.
import http from 'node:http';
import https from 'node:https';

const latin1 = (v) => Buffer.from(v).toString('latin1');

/** Node socket/DNS errors as wasi:http `error-code`. */
export function errorCodeOf(e) {
  if (e && typeof e.tag === 'string' && !(e instanceof Error)) return e;
  switch (e?.code) {
    case 'ECONNREFUSED':
      return { tag: 'connection-refused' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { tag: 'DNS-error', val: { rcode: e.code, infoCode: undefined } };
    case 'ECONNRESET':
    case 'EPIPE':
      return { tag: 'connection-terminated' };
    case 'ETIMEDOUT':
      return { tag: 'connection-timeout' };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { tag: 'destination-unavailable' };
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_INVALID_HEADER_TOKEN':
      return { tag: 'HTTP-protocol-error' };
    default:
      return { tag: 'internal-error', val: String(e?.message ?? e) };
  }
}

/** `[[name, value]]` (values as bytes or strings) -> a node:http header object (repeated names as arrays). */
function headerObject(entries) {
  const out = {};
  for (const [k, v] of entries) {
    const s = typeof v === 'string' ? v : latin1(v);
    if (k in out) out[k] = [].concat(out[k], s);
    else out[k] = s;
  }
  return out;
}

/** node:http raw name/value list -> `[[lowercase name, bytes]]`. */
export function rawEntries(raw) {
  const out = [];
  for (let i = 0; i < raw.length; i += 2)
    out.push([raw[i].toLowerCase(), new Uint8Array(Buffer.from(raw[i + 1], 'latin1'))]);
  return out;
}

/** A response body as an async iterable that ends (rather than throws) when the connection breaks. */
async function* bodyOf(res, broken) {
  try {
    for await (const chunk of res) yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  } catch (e) {
    broken(e);
  } finally {
    if (!res.complete) res.destroy();
  }
}

async function writeBody(req, body, trailers) {
  if (body !== null) {
    for await (const chunk of body) {
      if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
    }
  }
  const t = await trailers;
  if (t && t.length > 0) req.addTrailers(headerObject(t));
  req.end();
}

export function nodeTransport({ method, url, headers, body, trailers, timeouts = {}, signal }) {
  return new Promise((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http;
    const hdrs = headerObject(headers);
    // a body may end with trailers, which need chunked encoding (no content-length)
    if (body !== null && !('content-length' in hdrs)) hdrs['transfer-encoding'] = 'chunked';
    let req;
    const fail = (e) => {
      clearTimeout(firstByte);
      reject(errorCodeOf(e));
      req?.destroy();
    };
    let firstByte;
    try {
      req = lib.request(url, { method, headers: hdrs, signal });
    } catch (e) {
      reject(
        e?.code === 'ERR_INVALID_HTTP_TOKEN' || e?.code === 'ERR_INVALID_CHAR'
          ? { tag: 'HTTP-request-method-invalid' }
          : errorCodeOf(e),
      );
      return;
    }
    req.on('error', fail);
    if (timeouts.connect !== undefined) {
      req.once('socket', (s) => {
        if (!s.connecting) return;
        const t = setTimeout(() => fail({ tag: 'connection-timeout' }), timeouts.connect);
        s.once('connect', () => clearTimeout(t));
        s.once('close', () => clearTimeout(t));
      });
    }
    if (timeouts.firstByte !== undefined)
      firstByte = setTimeout(() => fail({ tag: 'connection-read-timeout' }), timeouts.firstByte);
    req.on('response', (res) => {
      clearTimeout(firstByte);
      let stalled = false;
      if (timeouts.betweenBytes !== undefined) {
        res.setTimeout(timeouts.betweenBytes, () => {
          stalled = true;
          res.destroy(Object.assign(new Error('between-bytes timeout'), { code: 'ETIMEDOUT' }));
        });
      }
      let settle;
      const trailersOut = new Promise((ok, err) => (settle = { ok, err }));
      trailersOut.catch(() => {});
      res.once('end', () => settle.ok(res.rawTrailers.length > 0 ? rawEntries(res.rawTrailers) : null));
      const broken = () =>
        settle.err(stalled ? { tag: 'connection-read-timeout' } : { tag: 'HTTP-response-incomplete' });
      res.once('aborted', () => broken());
      resolve({
        status: res.statusCode,
        headers: rawEntries(res.rawHeaders),
        body: bodyOf(res, broken),
        trailers: trailersOut,
      });
    });
    writeBody(req, body, trailers).catch(fail);
  });
}
