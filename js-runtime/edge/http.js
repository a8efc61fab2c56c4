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
// The classes extend the WASI host's (../wasi/http.js), which also builds
// `handle` (`handleWith`) and the import entries (`httpImportsWith`); what
// this file adds is the Fetch side: bodies, the exchange, the error codes.
import {
  Fields,
  FutureIncomingResponse,
  OutgoingBody,
  OutgoingResponse as BufferedOutgoingResponse,
  IncomingBody as BytesIncomingBody,
  IncomingRequest as ValueIncomingRequest,
  IncomingResponse as ValueIncomingResponse,
  ResponseOutparam,
  handleWith,
  httpImportsWith,
} from '../wasi/http.js';
import { methodName, methodValue, schemeValue } from '../wasi/http-request-parts.js';
import { IoError, OutputStream, Pollable, bytesSource } from '../wasi/io.js';
import { asyncStdinSource } from '../wasi/stdio-async.js';

export { Fields, ResponseOutparam, methodValue };

const decoder = new TextDecoder();

/** A Fetch `Headers` as wasi `fields` (names lower-case, values as bytes). */
export function fieldsFrom(headers) {
  return Fields.received(headers);
}

/** wasi `fields` as a Fetch `Headers` (repeated names appended). */
export function headersFrom(fields) {
  const h = new Headers();
  for (const [k, v] of fields.list) h.append(k, decoder.decode(v));
  return h;
}

/** A body source: a ReadableStream of bytes read chunk by chunk, or nothing. */
const bodySource = (stream) => (stream ? asyncStdinSource(stream) : bytesSource(''));

/** wasi:http/types `incoming-body` over a source; its stream waits asynchronously. */
export class IncomingBody extends BytesIncomingBody {
  constructor(source) {
    super(source, { jspi: true });
  }
  static finish(body) {
    body.body.close?.();
    // Fetch bodies carry no trailers: ready with none.
    return BytesIncomingBody.finish(body);
  }
}

/** wasi:http/types `incoming-request` over a Fetch `Request`. */
export class IncomingRequest extends ValueIncomingRequest {
  constructor(request) {
    const url = new URL(request.url);
    super({
      method: methodValue(request.method),
      pathWithQuery: url.pathname + url.search,
      scheme: schemeValue(url.protocol),
      authority: url.host,
      headers: fieldsFrom(request.headers),
      body: request.body,
    });
  }
  /** The body: the Fetch request's ReadableStream, or null. */
  openBody(stream) {
    return new IncomingBody(bodySource(stream));
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

/** wasi:http/types `incoming-response` over a Fetch `Response`. */
export class IncomingResponse extends ValueIncomingResponse {
  constructor(response) {
    super(response.status, fieldsFrom(response.headers), response.body);
  }
  /** The body: the Fetch response's ReadableStream, or null. */
  openBody(stream) {
    return new IncomingBody(bodySource(stream));
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

/** One exchange over `fetchImpl` (`null`: denied), as a `future-incoming-response` result. */
async function fetchExchange(fetchImpl, request, url, timeoutMs) {
  if (!fetchImpl) return { tag: 'err', val: { tag: 'HTTP-request-denied' } };
  const init = { method: methodName(request.methodValue), headers: headersFrom(request.fields), redirect: 'manual' };
  const body = request.outgoingBody?.bytes();
  if (body && body.length > 0) init.body = body;
  if (timeoutMs !== undefined && typeof AbortSignal.timeout === 'function')
    init.signal = AbortSignal.timeout(timeoutMs);
  try {
    return { tag: 'ok', val: new IncomingResponse(await fetchImpl(url, init)) };
  } catch (e) {
    return { tag: 'err', val: errorCode(e) };
  }
}

/**
 * `wasi:http/outgoing-handler.handle` over `fetchImpl` (the platform's
 * `fetch`; `null` denies every request with `HTTP-request-denied`).
 */
export function outgoingHandle(fetchImpl) {
  const exchange = (request, url, timeoutMs) => fetchExchange(fetchImpl, request, url, timeoutMs);
  return handleWith(AsyncFutureIncomingResponse, exchange);
}

/** The wasi:http import entries for a fetch handler. */
export function edgeHttpImports(fetchImpl) {
  const types = {
    OutgoingBody: StreamingOutgoingBody,
    FutureIncomingResponse: AsyncFutureIncomingResponse,
    IncomingResponse,
    IncomingBody,
    IncomingRequest,
    OutgoingResponse,
  };
  return httpImportsWith(types, outgoingHandle(fetchImpl));
}
