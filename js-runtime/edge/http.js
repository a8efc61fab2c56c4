// wasi:http 0.2 on the Fetch API, without blocking: the resources a
// `wasi:http/proxy` component uses when it runs as a fetch handler.
//
// The guest's calls stay synchronous where the data is there and return a
// Promise where they must wait (JSPI: the glue suspends the wasm stack):
// - incoming request body: an input stream over `request.body`'s reader; a
//   blocking read with no chunk yet waits for the next one.
// - outgoing response body: chunks go into a ReadableStream as they are
//   written; a blocking write waits while the stream's queue is full (the
//   client reads slower than the guest writes), so nothing is buffered whole.
// - outgoing requests: `handle` starts the platform `fetch` once the request
//   is complete; the future's pollable waits for the response headers, the
//   body streams like the request body above. The outgoing request's own body
//   is collected before sending (http.js OutgoingBody).
// Fields, request options and the outparam are the WASI host's (../wasi/http.js).
import {
  Fields,
  FutureIncomingResponse,
  FutureTrailers,
  OutgoingBody,
  OutgoingRequest,
  OutgoingResponse as BufferedOutgoingResponse,
  RequestOptions,
  ResponseOutparam,
} from '../wasi/http.js';
import { InputStream, IoError, OutputStream, Pollable, bytesSource } from '../wasi/io.js';
import { asyncStdinSource } from '../wasi/stdio-async.js';

export { Fields, ResponseOutparam };

const METHODS = new Set(['get', 'head', 'post', 'put', 'delete', 'connect', 'options', 'trace', 'patch']);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const frozen = (f) => {
  f.immutable = true;
  return f;
};

/** A Fetch `Headers` as wasi `fields` (names lower-case, values as bytes). */
export function fieldsFrom(headers) {
  const f = new Fields();
  for (const [k, v] of headers) f.list.push([k.toLowerCase(), encoder.encode(v)]);
  return f;
}

/** wasi `fields` as a Fetch `Headers` (repeated names appended). */
export function headersFrom(fields) {
  const h = new Headers();
  for (const [k, v] of fields.list) h.append(k, decoder.decode(v));
  return h;
}

/** The wasi `method` of a Fetch method string. */
export function methodValue(m) {
  const lower = m.toLowerCase();
  return METHODS.has(lower) ? { tag: lower } : { tag: 'other', val: m };
}

/** A body source: a ReadableStream of bytes read chunk by chunk, or nothing. */
const bodySource = (stream) => (stream ? asyncStdinSource(stream) : bytesSource(''));

/** wasi:http/types `incoming-body` over a source; its stream waits asynchronously. */
export class IncomingBody {
  constructor(source) {
    this.source = source;
    this.taken = false;
  }
  stream() {
    if (this.taken) throw undefined;
    this.taken = true;
    return new InputStream(this.source, { jspi: true });
  }
  static finish(body) {
    body.source.close?.();
    // Fetch bodies carry no trailers: ready with none.
    return new FutureTrailers(undefined);
  }
}

/** wasi:http/types `incoming-request` over a Fetch `Request`. */
export class IncomingRequest {
  constructor(request) {
    const url = new URL(request.url);
    this.m = methodValue(request.method);
    this.p = url.pathname + url.search;
    this.s =
      url.protocol === 'https:'
        ? { tag: 'HTTPS' }
        : url.protocol === 'http:'
          ? { tag: 'HTTP' }
          : { tag: 'other', val: url.protocol.slice(0, -1) };
    this.a = url.host;
    this.h = frozen(fieldsFrom(request.headers));
    this.b = request.body;
    this.consumed = false;
  }
  method() {
    return this.m;
  }
  pathWithQuery() {
    return this.p;
  }
  scheme() {
    return this.s;
  }
  authority() {
    return this.a;
  }
  headers() {
    return this.h;
  }
  consume() {
    if (this.consumed) throw undefined;
    this.consumed = true;
    return new IncomingBody(bodySource(this.b));
  }
}

/**
 * A sink feeding a ReadableStream: `write` enqueues and returns a Promise
 * while the stream's queue is full (settled by the reader's next pull); the
 * reader cancelling fails later writes.
 */
export function streamSink({ highWaterMark = 4 } = {}) {
  let controller;
  let wake = null;
  let cancelled = null;
  const readable = new ReadableStream(
    {
      start(c) {
        controller = c;
      },
      pull() {
        wake?.();
        wake = null;
      },
      cancel(reason) {
        cancelled = reason ?? 'cancelled';
        wake?.();
        wake = null;
      },
    },
    new CountQueuingStrategy({ highWaterMark }),
  );
  return {
    readable,
    write(bytes) {
      if (cancelled !== null)
        throw new IoError(`the response body was cancelled by its reader: ${cancelled?.message ?? cancelled}`);
      controller.enqueue(bytes.slice());
      if (controller.desiredSize > 0) return undefined;
      return new Promise((resolve) => {
        wake = resolve;
      });
    },
    end() {
      if (cancelled === null) controller.close();
    },
    fail(e) {
      if (cancelled === null) controller.error(e);
      cancelled = e;
    },
  };
}

/**
 * wasi:http/types `outgoing-body`. A response's body streams into a
 * ReadableStream (`streamSink`); an outgoing request's body is collected
 * (the http.js behaviour this class extends).
 */
export class StreamingOutgoingBody extends OutgoingBody {
  constructor(owner, sink) {
    super(owner);
    this.sink = sink;
    this.trailers = new Promise((resolve) => {
      this.resolveTrailers = resolve;
    });
  }
  write() {
    if (!this.sink) return super.write();
    if (this.stream !== undefined || this.finished) throw undefined;
    this.stream = new OutputStream(this.sink, { jspi: true });
    return this.stream;
  }
  static finish(body, trailers) {
    if (!body.sink) return OutgoingBody.finish(body, trailers);
    body.finished = true;
    const end = () => {
      body.sink.end();
      body.resolveTrailers(trailers);
    };
    const pending = body.stream?.pending;
    if (pending) pending.then(end);
    else end();
  }
}

/** wasi:http/types `outgoing-response` whose body streams (`streamSink`). */
export class OutgoingResponse extends BufferedOutgoingResponse {
  body() {
    if (this.outgoingBody !== undefined) throw undefined;
    this.outgoingBody = new StreamingOutgoingBody(null, streamSink());
    return this.outgoingBody;
  }
}

export class IncomingResponse {
  constructor(response) {
    this.statusCode = response.status;
    this.fields = frozen(fieldsFrom(response.headers));
    this.b = response.body;
    this.consumed = false;
  }
  status() {
    return this.statusCode;
  }
  headers() {
    return this.fields;
  }
  consume() {
    if (this.consumed) throw undefined;
    this.consumed = true;
    return new IncomingBody(bodySource(this.b));
  }
}

/**
 * wasi:http/types `future-incoming-response` settled by a Promise: `send()`
 * starts the exchange (`start()` returns a Promise of the result), the
 * pollable waits for it.
 */
export class AsyncFutureIncomingResponse extends FutureIncomingResponse {
  send() {
    if (this.promise !== undefined) return;
    this.promise = this.start().then((r) => {
      this.result = r;
    });
  }
  subscribe() {
    return new Pollable(() => this.result !== undefined, { jspi: true, whenReady: () => this.promise ?? null });
  }
}

/** A fetch failure as a wasi:http `error-code`. */
export function errorCode(e) {
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return { tag: 'connection-timeout' };
  return { tag: 'internal-error', val: String(e?.message ?? e) };
}

function schemeName(s) {
  if (s === undefined) return 'https';
  return s.tag === 'other' ? s.val : s.tag.toLowerCase();
}

/** The request's smallest timeout in ms, if any. */
function timeoutOf(options) {
  const ns = [options?.connect, options?.firstByte, options?.betweenBytes].filter((d) => d !== undefined);
  // biome-ignore lint/complexity/useMathMinMax: BigInt durations (Math.min throws on them)
  return ns.length ? Number(ns.reduce((a, b) => (a < b ? a : b)) / 1_000_000n) : undefined;
}

/**
 * `wasi:http/outgoing-handler.handle` over `fetchImpl` (the platform's
 * `fetch`; `null` denies every request with `HTTP-request-denied`).
 */
export function outgoingHandle(fetchImpl) {
  return function handle(request, options) {
    if (request.authorityValue === undefined) throw { tag: 'HTTP-request-URI-invalid' };
    const url = `${schemeName(request.schemeValue)}://${request.authorityValue}${request.path ?? '/'}`;
    const timeoutMs = timeoutOf(options);
    const future = new AsyncFutureIncomingResponse(async () => {
      if (!fetchImpl) return { tag: 'err', val: { tag: 'HTTP-request-denied' } };
      const method =
        request.methodValue.tag === 'other' ? request.methodValue.val : request.methodValue.tag.toUpperCase();
      const init = { method, headers: headersFrom(request.fields), redirect: 'manual' };
      const body = request.outgoingBody?.bytes();
      if (body && body.length > 0) init.body = body;
      if (timeoutMs !== undefined && typeof AbortSignal.timeout === 'function')
        init.signal = AbortSignal.timeout(timeoutMs);
      try {
        return { tag: 'ok', val: new IncomingResponse(await fetchImpl(url, init)) };
      } catch (e) {
        return { tag: 'err', val: errorCode(e) };
      }
    });
    request.future = future;
    if (request.outgoingBody === undefined || request.outgoingBody.finished) future.send();
    return future;
  };
}

/** The wasi:http import entries for a fetch handler. */
export function edgeHttpImports(fetchImpl) {
  return {
    'wasi:http/types': {
      Fields,
      OutgoingRequest,
      RequestOptions,
      OutgoingBody: StreamingOutgoingBody,
      FutureIncomingResponse: AsyncFutureIncomingResponse,
      IncomingResponse,
      IncomingBody,
      FutureTrailers,
      IncomingRequest,
      OutgoingResponse,
      ResponseOutparam,
      httpErrorCode: () => undefined,
    },
    'wasi:http/outgoing-handler': { handle: outgoingHandle(fetchImpl) },
  };
}
