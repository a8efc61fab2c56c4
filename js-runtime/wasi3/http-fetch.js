// Browser transport for wasi:http@0.3 `client.send` (http.js) over `fetch`,
// with http-node.js's contract. The request body is collected before the
// request goes out (browsers stream uploads only over HTTP/2, with
// `duplex: 'half'`), the response body streams. Fetch has no trailers: none
// are sent, and a response's trailers are always none. Redirects are not
// followed (`redirect: 'manual'`); CORS applies.

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

async function* bodyOf(reader, broken) {
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } catch (e) {
    broken(e);
  } finally {
    reader.releaseLock();
  }
}

/** The transport; `fetchImpl` (default: the global `fetch`) sends the request (edge runtimes pass their own). */
export async function fetchTransport({ method, url, headers, body, timeouts = {}, signal }, fetchImpl = globalThis.fetch) {
  const h = new Headers();
  for (const [k, v] of headers) h.append(k, String.fromCharCode(...v));
  const ac = new AbortController();
  signal?.addEventListener?.('abort', () => ac.abort(), { once: true });
  let timedOut = false;
  const limit = timeouts.firstByte ?? timeouts.connect;
  const timer = limit === undefined ? null : setTimeout(() => { timedOut = true; ac.abort(); }, limit);
  let res;
  try {
    res = await fetchImpl(url, { method, headers: h, body: await collect(body), signal: ac.signal, redirect: 'manual' });
  } catch (e) {
    if (timedOut) throw { tag: 'connection-read-timeout' };
    if (e instanceof TypeError && /method/i.test(e.message)) throw { tag: 'HTTP-request-method-invalid' };
    throw { tag: 'destination-unavailable' };
  } finally {
    clearTimeout(timer);
  }
  let settle;
  const trailers = new Promise((ok, err) => (settle = { ok, err }));
  trailers.catch(() => {});
  const entries = [...res.headers].map(([k, v]) => [k, Uint8Array.from(v, (c) => c.charCodeAt(0) & 0xff)]);
  async function* body2() {
    if (res.body) yield* bodyOf(res.body.getReader(), () => settle.err({ tag: 'HTTP-response-incomplete' }));
    settle.ok(null);
  }
  return { status: res.status, headers: entries, body: body2(), trailers };
}
