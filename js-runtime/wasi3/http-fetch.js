// Browser (and edge) transport for wasi:http@0.3 `client.send` (http.js) over
// `fetch`, with http-node.js's contract. What Fetch cannot do fails at once
// with an `error-code` (README.md lists them), never a hang or a silent
// change to the request:
// - The request body is collected before the request goes out (browsers
//   stream uploads only over HTTP/2, with `duplex: 'half'`); the response
//   body streams.
// - Fetch has no trailers: request trailers fail the send with
//   `internal-error`; a response's trailers are always none.
// - In a browser (`browserFetchTransport`), a request header the browser
//   would drop (Fetch's forbidden request headers) fails the send with
//   `internal-error`; `content-length` is checked against the body (else
//   `HTTP-request-body-size`) and left to the browser.
// - A failed fetch does not say why (refused, unreachable, CORS):
//   `destination-unavailable`. Redirects are not followed (`redirect:
//   'manual'`); CORS applies.

/** Request headers a browser's fetch drops (beyond those wasi:http already forbids). */
const BROWSER_FORBIDDEN = new Set([
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'origin',
  'referer',
  'set-cookie',
  'te',
  'trailer',
  'via',
]);
const browserForbids = (name) => BROWSER_FORBIDDEN.has(name) || name.startsWith('proxy-') || name.startsWith('sec-');

const latin1 = (v) => String.fromCharCode(...v);

async function collect(body) {
  if (body === null) return undefined;
  const parts = [];
  let n = 0;
  for await (const c of body) {
    parts.push(c);
    n += c.length;
  }
  const out = new Uint8Array(n);
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}

/** A response body's chunks; `abort` ends the fetch when no chunk comes within `betweenBytes` ms. */
async function* bodyOf(reader, betweenBytes, abort, broken) {
  let timedOut = false;
  try {
    for (;;) {
      const timer =
        betweenBytes === undefined
          ? null
          : setTimeout(() => {
              timedOut = true;
              abort();
            }, betweenBytes);
      const { done, value } = await reader.read().finally(() => clearTimeout(timer));
      if (done) return;
      yield value;
    }
  } catch {
    broken(timedOut ? { tag: 'connection-read-timeout' } : { tag: 'HTTP-response-incomplete' });
  } finally {
    reader.releaseLock();
  }
}

/** The request's headers as `Headers`, after the browser's rules when `browser`; throws an error-code. */
function headersOf(entries, body, browser) {
  const h = new Headers();
  for (const [k, v] of entries) {
    if (browser && k === 'content-length') {
      if (Number(latin1(v)) !== (body?.length ?? 0))
        throw { tag: 'HTTP-request-body-size', val: BigInt(body?.length ?? 0) };
      continue;
    }
    if (browser && browserForbids(k))
      throw { tag: 'internal-error', val: `the browser's fetch cannot send the request header ${k}` };
    h.append(k, latin1(v));
  }
  return h;
}

/**
 * The transport; `fetchImpl` (default: the global `fetch`) sends the request
 * (edge runtimes pass their own); `browser` applies a browser's header rules.
 */
export async function fetchTransport(
  { method, url, headers, body, trailers, timeouts = {}, signal },
  fetchImpl = globalThis.fetch,
  { browser = false } = {},
) {
  let data;
  try {
    data = await collect(body);
  } catch {
    throw { tag: 'internal-error', val: 'the request body failed' };
  }
  const t = await trailers;
  if (t && t.length > 0) throw { tag: 'internal-error', val: 'fetch cannot send request trailers' };
  const h = headersOf(headers, data, browser);
  const ac = new AbortController();
  signal?.addEventListener?.('abort', () => ac.abort(), { once: true });
  let timedOut = false;
  const limit = timeouts.firstByte ?? timeouts.connect;
  const timer =
    limit === undefined
      ? null
      : setTimeout(() => {
          timedOut = true;
          ac.abort();
        }, limit);
  let res;
  try {
    res = await fetchImpl(url, { method, headers: h, body: data, signal: ac.signal, redirect: 'manual' });
  } catch (e) {
    if (timedOut) throw { tag: 'connection-read-timeout' };
    if (e instanceof TypeError && /method/i.test(e.message)) throw { tag: 'HTTP-request-method-invalid' };
    throw { tag: 'destination-unavailable' };
  } finally {
    clearTimeout(timer);
  }
  let settle;
  const trailersIn = new Promise((ok, err) => (settle = { ok, err }));
  trailersIn.catch(() => {});
  const entries = [...res.headers].map(([k, v]) => [k, Uint8Array.from(v, (c) => c.charCodeAt(0) & 0xff)]);
  async function* responseBody() {
    if (res.body) yield* bodyOf(res.body.getReader(), timeouts.betweenBytes, () => ac.abort(), settle.err);
    settle.ok(null);
  }
  return { status: res.status, headers: entries, body: responseBody(), trailers: trailersIn };
}

/** `fetchTransport` with the browser's header rules, over the page's `fetch`. */
export function browserFetchTransport(request) {
  return fetchTransport(request, globalThis.fetch, { browser: true });
}
