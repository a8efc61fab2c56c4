// One request through a WASI 0.3 component's `wasi:http/handler@0.3.x`
// export, for `toFetchHandler` (fetch-handler.js). The 0.3 handler is an
// async export (callback form: no JSPI needed to run it): `handle` returns a
// Promise of the response, so one instance serves many requests at once. The
// request body reaches the guest as the platform's ReadableStream (chunks as
// they arrive), the response body goes out as a ReadableStream pulled from
// the guest's stream (backpressure: the guest writes when the platform
// reads), and the guest's trailers are handed to the entry (`trailersOf`).
import { handle3 } from '../wasi3/http-handler.js';

export { handlerOf3 } from '../wasi3/http-handler.js';

/** Statuses whose Response must have no body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

const latin1 = (bytes) => {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
};

/** Entries `[[name, Uint8Array]]` as Fetch `Headers`. */
function headersOf(entries) {
  const headers = new Headers();
  for (const [k, v] of entries) headers.append(k, typeof v === 'string' ? v : latin1(v));
  return headers;
}

/**
 * Runs `request` (a Fetch Request) on `handler`. `onTrap(e)` is called when
 * `handle` throws anything but the guest's own `error-code` result (a trap:
 * the instance is unusable), or the response body fails with a wasm trap;
 * `onDone()` once the response body has been sent, cancelled or failed (the
 * request no longer uses the instance). Resolves to `{ response, trailers }`:
 * a Fetch Response (a handler error is a plain-text 500, or 403 for
 * `HTTP-request-denied`) and a Promise of its trailers (`Headers` or
 * undefined).
 */
export async function respond3(handler, request, { onTrap, onDone }) {
  const guarded = {
    async handle(req) {
      try {
        return await handler.handle(req);
      } catch (e) {
        if (e?.name !== 'ComponentError') onTrap(e);
        throw e;
      }
    },
  };
  const out = await handle3(guarded, {
    method: request.method,
    url: new URL(request.url),
    headers: [...request.headers],
    body: request.body,
  });
  let finished = false;
  const finish = (e) => {
    if (finished) return;
    finished = true;
    out.done(e);
    onDone();
  };
  const trailers = out.trailers.then(
    (t) => (t && t.length > 0 ? headersOf(t) : undefined),
    () => undefined,
  );
  if (NULL_BODY.has(out.status) || request.method === 'HEAD') {
    finish();
    return { response: new Response(null, { status: out.status, headers: headersOf(out.headers) }), trailers };
  }
  const it = (out.body[Symbol.asyncIterator] ?? out.body[Symbol.iterator]).call(out.body);
  const body = new ReadableStream({
    async pull(c) {
      let step;
      try {
        step = await it.next();
      } catch (e) {
        if (e instanceof WebAssembly.RuntimeError) onTrap(e);
        finish(e);
        throw e;
      }
      if (step.done) {
        finish();
        c.close();
      } else {
        c.enqueue(step.value);
      }
    },
    cancel() {
      finish(new Error('cancelled'));
      return it.return?.();
    },
  });
  return { response: new Response(body, { status: out.status, headers: headersOf(out.headers) }), trailers };
}
