// `toFetchHandler`: a `wasi:http/proxy` 0.2 component (its
// `wasi:http/incoming-handler` export) or a WASI 0.3 `wasi:http/service`
// component (its `wasi:http/handler@0.3.x` export, fetch-handler3.js) as a
// Fetch API handler, `fetch(request) -> Promise<Response>`, for Cloudflare
// Workers, Deno, Bun and Node. The instance's exports decide: a 0.3 handler
// is used when there is one.
//
// The 0.2 handler is a synchronous export: it runs until it returns, reading
// the request body and writing the response body through blocking stream
// calls. Here those calls wait with JSPI (the glue from `weft transpile
// --async-mode jspi`, which every `--target` uses): the guest suspends on a
// Promise, the event loop keeps going, and the two bodies stream — the
// Response is handed to the platform as soon as the guest sets it through its
// `response-outparam`, while the guest goes on writing the body.
//
// A 0.2 instance serves one request at a time (a suspended instance cannot be
// entered again), so concurrency comes from several instances. A 0.3
// instance serves any number of requests at once (its export is async), so
// 'pooled' keeps one shared instance (replaced after a trap) and
// 'per-request' still makes one per request:
// - `instances: 'pooled'` (default): an idle instance is reused, a new one is
//   made when none is idle (at most `maxInstances`, then requests queue). Fast
//   (no instantiation per request), but state a guest keeps in its memory
//   lives on into later requests; an instance that trapped is dropped.
// - `instances: 'per-request'`: a fresh instance per request and dropped after
//   it: full isolation between requests, at the cost of instantiating
//   (compiled modules are reused; the memory is new) every time.
import { createEdgeWasi } from './wasi.js';
import { ResponseOutparam, IncomingRequest, headersFrom } from './http.js';
import { handlerOf3, respond3 } from './fetch-handler3.js';

const trailersByResponse = new WeakMap();

/**
 * The trailers a handler's Response will carry: a Promise of `Headers` or
 * undefined, settled when the body is finished. Fetch `Response`s cannot send
 * trailers; a Node entry writes them as HTTP/1.1 trailers.
 */
export function trailersOf(response) {
  return trailersByResponse.get(response);
}

/** The instance's incoming handler (`incomingHandler` or the versioned interface name). */
export function incomingHandlerOf(app) {
  const key = Object.keys(app ?? {}).find((k) => k.startsWith('wasi:http/incoming-handler'));
  const handler = app?.incomingHandler ?? (key && app[key]);
  if (!handler || typeof handler.handle !== 'function')
    throw new TypeError('toFetchHandler: the instance exports no wasi:http/incoming-handler');
  return handler;
}

/** What serves requests for one instance: `{ v3: handler }` (0.3, concurrent) or `{ v2: handler }` (0.2, one at a time). */
export function servingOf(app) {
  const v3 = app ? handlerOf3(app) : null;
  return v3 ? { v3 } : { v2: incomingHandlerOf(app) };
}

/**
 * Instances handed out to requests; `create` is null for a single given
 * instance. A 0.2 instance serves one request at a time; a 0.3 instance,
 * when reused, is `shared` by every request.
 */
class InstancePool {
  constructor(create, { max, reuse }) {
    this.create = create;
    this.max = max;
    this.reuse = reuse;
    this.idle = [];
    this.shared = null;
    this.live = 0;
    this.waiting = [];
  }
  async acquire() {
    if (this.shared) return this.shared;
    if (this.idle.length > 0) return this.idle.pop();
    if (this.create && this.live < this.max) {
      this.live++;
      try {
        const s = servingOf(await this.create());
        if (s.v3 && this.reuse && !this.shared) this.shared = s;
        return s;
      } catch (e) {
        this.live--;
        throw e;
      }
    }
    if (!this.create && this.live === 0)
      throw new Error('the component instance trapped earlier and cannot be used again');
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }
  release(s) {
    if (s.v3 && this.shared === s) return;
    if (!this.reuse || s.v3) return this.drop(s);
    const next = this.waiting.shift();
    if (next) next.resolve(s);
    else this.idle.push(s);
  }
  /** Forgets `s` (done with, or trapped); a 0.3 instance shared by several requests is dropped once. */
  drop(s) {
    if (s.dropped) return;
    s.dropped = true;
    if (this.shared === s) this.shared = null;
    this.live--;
    const next = this.waiting.shift();
    if (next) this.acquire().then(next.resolve, next.reject);
  }
}

/** Statuses whose Response must have no body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

const failure = (text) => new Response(text, { status: 500, headers: { 'content-type': 'text/plain' } });

/**
 * `target`: an instance (made with `createEdgeWasi()`'s imports under JSPI
 * glue; requests then take turns), or a loader `(imports) => instance |
 * Promise<instance>` that instantiates the glue with the import object it is
 * given. options: `instances` ('pooled' | 'per-request', above),
 * `maxInstances` (default 64), `wasi` (createEdgeWasi options, for each
 * instance), `imports` (more import entries, merged over WASI's), `log`
 * (default console.error; gets the message of a trap or handler failure).
 * Returns `fetch(request) -> Promise<Response>`.
 */
export function toFetchHandler(target, options = {}) {
  const mode = options.instances ?? 'pooled';
  if (mode !== 'pooled' && mode !== 'per-request')
    throw new TypeError("toFetchHandler: instances must be 'pooled' or 'per-request'");
  const log = options.log ?? ((m) => console.error(m));
  let pool;
  if (typeof target === 'function') {
    const create = () => target({ ...createEdgeWasi(options.wasi), ...options.imports });
    pool = new InstancePool(create, { max: options.maxInstances ?? 64, reuse: mode === 'pooled' });
  } else {
    pool = new InstancePool(null, { max: 1, reuse: true });
    const s = servingOf(target);
    if (s.v3) pool.shared = s;
    else pool.idle.push(s);
    pool.live = 1;
  }
  return async function fetch(request) {
    let s;
    try {
      s = await pool.acquire();
    } catch (e) {
      log(`wasi:http handler unavailable: ${e?.message ?? e}`);
      return failure(`handler failed: ${e?.message ?? e}`);
    }
    return s.v3 ? serve3(s, request, pool, log) : serve(s, request, pool, log);
  };
}

const trapMessage = (e) => `${e instanceof WebAssembly.RuntimeError ? 'wasm trap: ' : ''}${e?.message ?? e}`;

/** Runs one request on a 0.3 instance; the instance is released once the response body is sent (or given up). */
async function serve3(s, request, pool, log) {
  const onTrap = (e) => {
    log(`wasi:http handler failed: ${trapMessage(e)}`);
    pool.drop(s);
  };
  try {
    const { response, trailers } = await respond3(s.v3, request, { onTrap, onDone: () => pool.release(s) });
    trailersByResponse.set(response, trailers);
    return response;
  } catch (e) {
    onTrap(e);
    return failure(`handler failed: ${e?.message ?? e}`);
  }
}

/** Runs one request on a 0.2 instance; resolves once the guest set its response (or ended without one). */
function serve(s, request, pool, log) {
  const handler = s.v2;
  return new Promise((resolve) => {
    let answered = false;
    let body;
    const outparam = new ResponseOutparam((result) => {
      answered = true;
      if (result?.tag !== 'ok') {
        resolve(failure(`handler returned an error: ${JSON.stringify(result?.val)}`));
        return;
      }
      const out = result.val;
      body = out.outgoingBody;
      const nullBody = NULL_BODY.has(out.code) || request.method === 'HEAD';
      const response = new Response(nullBody || !body ? null : body.sink.readable, {
        status: out.code,
        headers: headersFrom(out.fields),
      });
      if (body)
        trailersByResponse.set(
          response,
          body.trailers.then((t) => (t ? headersFrom(t) : undefined)),
        );
      resolve(response);
    });
    let done;
    try {
      done = Promise.resolve(handler.handle(new IncomingRequest(request), outparam));
    } catch (e) {
      done = Promise.reject(e);
    }
    done.then(
      () => {
        pool.release(s);
        if (!answered) resolve(failure('handler returned an error: "no response was set"'));
        else if (body && !body.finished)
          body.sink.fail(new Error('the handler returned without finishing the response body'));
      },
      (e) => {
        pool.drop(s);
        log(`wasi:http handler failed: ${trapMessage(e)}`);
        if (!answered) resolve(failure(`handler failed: ${e?.message ?? e}`));
        else body?.sink.fail(e);
      },
    );
  });
}
