// The server side of wasi:http@0.3: call a component's `wasi:http/handler`
// export with a request and get its response back, streaming both bodies.
// `handle3` works on plain values (reusable by any server); `fetchHandler3`
// is the same as a Fetch API function `(Request) => Promise<Response>` (edge
// runtimes, service workers). http-server3.js serves it over node:http.
import { Fields3, Request3, methodValue, trailersFuture } from './http.js';

/** The `wasi:http/handler@0.3.x` export of a glue instance, or null. */
export function handlerOf3(app) {
  const key = Object.keys(app).find((k) => /^wasi:http\/handler@0\.3\./.test(k));
  return key && typeof app[key]?.handle === 'function' ? app[key] : null;
}

/** What a failed `handle` (a trap, or an `error-code`) becomes: a status and a message. */
function failure(e) {
  const code = e?.name === 'ComponentError' ? e.payload : undefined;
  return code !== undefined
    ? {
        status: code.tag === 'HTTP-request-denied' ? 403 : 500,
        message: `handler returned an error: ${JSON.stringify(code, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`,
      }
    : { status: 500, message: `handler failed: ${e?.message ?? e}` };
}

/**
 * Calls `handler.handle` with a request `{ method, url: URL, headers:
 * [[name, bytes | string]], body: AsyncIterable<Uint8Array> | ReadableStream
 * | null, trailers?: Promise<entries | null> }`. Resolves to `{ status,
 * headers: [[name, Uint8Array]], body: AsyncIterable<Uint8Array>, trailers:
 * Promise<entries | null>, done(error?) }` (call `done` once the body has
 * been sent, or failed to be), or to a plain-text 500/403 response if the
 * handler failed.
 */
export async function handle3(handler, { method, url, headers, body, trailers }) {
  const request = new Request3(
    Fields3.received(headers),
    body ?? null,
    trailersFuture(trailers ?? Promise.resolve(null)),
    undefined,
  );
  request.method = methodValue(method);
  request.pathWithQuery = url.pathname + url.search;
  request.scheme = { tag: url.protocol === 'https:' ? 'HTTPS' : 'HTTP' };
  request.authority = url.host;
  let response;
  try {
    response = await handler.handle(request);
  } catch (e) {
    const f = failure(e);
    const text = new TextEncoder().encode(f.message);
    return {
      status: f.status,
      headers: [['content-type', new TextEncoder().encode('text/plain')]],
      body: [text],
      trailers: Promise.resolve(null),
      done() {},
    };
  }
  response.consumed = true;
  const out = Promise.resolve(response.trailers).then((r) => {
    if (r?.tag === 'err') throw r.val;
    return r?.val ? r.val.entries() : null;
  });
  out.catch(() => {});
  return {
    status: response.status,
    headers: response.headers.entries(),
    body: response.contents ?? [],
    trailers: out,
    done: (e) =>
      response.settleTransmit(e === undefined ? { tag: 'ok' } : { tag: 'err', val: { tag: 'connection-terminated' } }),
  };
}

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** `handler` as a Fetch API function: `(Request) => Promise<Response>` (trailers are dropped: fetch has none). */
export function fetchHandler3(handler) {
  return async (request) => {
    const out = await handle3(handler, {
      method: request.method,
      url: new URL(request.url),
      headers: [...request.headers],
      body: request.body,
    });
    const headers = new Headers();
    for (const [k, v] of out.headers) headers.append(k, String.fromCharCode(...v));
    let body = null;
    if (!NULL_BODY.has(out.status) && request.method !== 'HEAD') {
      const it = (out.body[Symbol.asyncIterator] ?? out.body[Symbol.iterator]).call(out.body);
      body = new ReadableStream({
        async pull(c) {
          const { done, value } = await it.next();
          if (done) {
            out.done();
            c.close();
          } else {
            c.enqueue(value);
          }
        },
        cancel() {
          out.done(new Error('cancelled'));
          return it.return?.();
        },
      });
    }
    return new Response(body, { status: out.status, headers });
  };
}
