// wasi:http — types and outgoing-handler, over a synchronous *transport*:
//
//   send({ url, method, headers: [[name, Uint8Array]], body: Uint8Array | null,
//          timeoutMs }) -> { status, headers: [[name, Uint8Array]],
//                            body: Uint8Array  or  source: an io.js source }
//   (throws a wasi:http error-code value on failure)
//
// On Node the transport is `fetch` in the network worker (sockets-node.js
// `fetchTransport`: the future is ready when the headers are in, the body
// streams); in the browser a synchronous XHR (http-browser.js, whole body).
// The request is sent once it is complete: at `handle` when the guest never
// asked for a body, else when the guest finishes the body. No `node:` imports.
// The edge host (../edge/http.js, no blocking: Fetch and JSPI) extends these
// classes and builds its `handle` and import entries with `handleWith` and
// `httpImportsWith`; the request parts' checks are http-request-parts.js.
import {
  authorityAllowed,
  isToken,
  methodAllowed,
  methodName,
  pathAllowed,
  schemeAllowed,
  schemeName,
} from './http-request-parts.js';
import { InputStream, OutputStream, Pollable, bytesSource } from './io.js';

const FORBIDDEN = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'host',
  'http2-settings',
]);
const headerError = (tag) => ({ tag });
const encoder = new TextEncoder();
const bytes = (v) => (typeof v === 'string' ? encoder.encode(v) : v);

function checkName(name) {
  if (!isToken(name)) throw headerError('invalid-syntax');
  const lower = name.toLowerCase();
  if (FORBIDDEN.has(lower)) throw headerError('forbidden');
  return lower;
}
function checkValue(v) {
  const b = bytes(v);
  if (!(b instanceof Uint8Array) || b.some((c) => c === 0 || c === 10 || c === 13)) throw headerError('invalid-syntax');
  return b.slice();
}

/** wasi:http/types `fields` (headers and trailers). Names are kept lower-case. */
export class Fields {
  constructor() {
    this.list = [];
    this.immutable = false;
  }
  static fromList(entries) {
    const f = new Fields();
    for (const [name, value] of entries) f.list.push([checkName(name), checkValue(value)]);
    return f;
  }
  /** Fields as a peer sent them (names lower-cased, string values as bytes; not checked against the guest-side rules). */
  static received(entries) {
    const f = new Fields();
    f.list = Array.from(entries, ([k, v]) => [k.toLowerCase(), bytes(v)]);
    return f;
  }
  #mutable() {
    if (this.immutable) throw headerError('immutable');
  }
  get(name) {
    const n = String(name).toLowerCase();
    return this.list.filter(([k]) => k === n).map(([, v]) => v.slice());
  }
  has(name) {
    const n = String(name).toLowerCase();
    return this.list.some(([k]) => k === n);
  }
  set(name, values) {
    this.#mutable();
    const n = checkName(name);
    const vs = values.map(checkValue);
    this.list = this.list.filter(([k]) => k !== n).concat(vs.map((v) => [n, v]));
  }
  delete(name) {
    this.#mutable();
    const n = checkName(name);
    this.list = this.list.filter(([k]) => k !== n);
  }
  append(name, value) {
    this.#mutable();
    this.list.push([checkName(name), checkValue(value)]);
  }
  entries() {
    return this.list.map(([k, v]) => [k, v.slice()]);
  }
  clone() {
    const f = new Fields();
    f.list = this.entries();
    return f;
  }
}
/** `f`, made immutable (the headers of a request or response once it is made). */
export const frozen = (f) => {
  f.immutable = true;
  return f;
};

/** wasi:http/types `outgoing-request`. */
export class OutgoingRequest {
  constructor(headers) {
    this.fields = frozen(headers ?? new Fields());
    this.methodValue = { tag: 'get' };
    this.path = undefined;
    this.schemeValue = undefined;
    this.authorityValue = undefined;
    this.outgoingBody = undefined;
    this.future = undefined;
  }
  body() {
    if (this.outgoingBody !== undefined) throw undefined;
    this.outgoingBody = new OutgoingBody(this);
    return this.outgoingBody;
  }
  method() {
    return this.methodValue;
  }
  setMethod(m) {
    if (!methodAllowed(m)) throw undefined;
    this.methodValue = m;
  }
  pathWithQuery() {
    return this.path;
  }
  setPathWithQuery(p) {
    if (!pathAllowed(p)) throw undefined;
    this.path = p;
  }
  scheme() {
    return this.schemeValue;
  }
  setScheme(s) {
    if (!schemeAllowed(s)) throw undefined;
    this.schemeValue = s;
  }
  authority() {
    return this.authorityValue;
  }
  setAuthority(a) {
    if (!authorityAllowed(a)) throw undefined;
    this.authorityValue = a;
  }
  headers() {
    return this.fields;
  }
}

/** wasi:http/types `request-options`: timeouts in ns (only the smallest one set is used, for the whole exchange). */
export class RequestOptions {
  constructor() {
    this.connect = undefined;
    this.firstByte = undefined;
    this.betweenBytes = undefined;
  }
  connectTimeout() {
    return this.connect;
  }
  setConnectTimeout(d) {
    this.connect = d;
  }
  firstByteTimeout() {
    return this.firstByte;
  }
  setFirstByteTimeout(d) {
    this.firstByte = d;
  }
  betweenBytesTimeout() {
    return this.betweenBytes;
  }
  setBetweenBytesTimeout(d) {
    this.betweenBytes = d;
  }
}

/** wasi:http/types `outgoing-body`: collects what the guest writes. */
export class OutgoingBody {
  constructor(owner) {
    this.owner = owner;
    this.chunks = [];
    this.stream = undefined;
    this.finished = false;
  }
  write() {
    if (this.stream !== undefined || this.finished) throw undefined;
    this.stream = new OutputStream({ write: (b) => void this.chunks.push(b.slice()) });
    return this.stream;
  }
  bytes() {
    const out = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
  static finish(body, trailers) {
    body.finished = true;
    body.trailers = trailers;
    body.owner?.future?.send();
  }
}

/** wasi:http/types `future-incoming-response`. */
export class FutureIncomingResponse {
  constructor(start) {
    this.start = start;
    this.result = undefined;
    this.taken = false;
  }
  send() {
    if (this.result === undefined) this.result = this.start();
  }
  subscribe() {
    return new Pollable(() => this.result !== undefined);
  }
  get() {
    if (this.result === undefined) return undefined;
    if (this.taken) return { tag: 'err', val: undefined };
    this.taken = true;
    return { tag: 'ok', val: this.result };
  }
}

/**
 * What `incoming-request` and `incoming-response` share: immutable headers
 * and a body the guest takes once. `openBody` makes the `incoming-body`; a
 * host whose bodies are read another way overrides it.
 */
class IncomingMessage {
  constructor(headers, body) {
    this.fields = frozen(headers);
    this.body = body;
    this.consumed = false;
  }
  headers() {
    return this.fields;
  }
  consume() {
    if (this.consumed) throw undefined;
    this.consumed = true;
    return this.openBody(this.body);
  }
  /** The `incoming-body` over `body` (a Uint8Array or an io.js source). */
  openBody(body) {
    return new IncomingBody(body);
  }
}

/** wasi:http/types `incoming-response`: `body` is a Uint8Array or an io.js source. */
export class IncomingResponse extends IncomingMessage {
  constructor(status, headers, body) {
    super(headers, body);
    this.statusCode = status;
  }
  status() {
    return this.statusCode;
  }
}

/** wasi:http/types `incoming-body`; `options` are its input stream's (io.js `{ jspi }`). */
export class IncomingBody {
  constructor(body, options) {
    this.body = body;
    this.options = options;
    this.taken = false;
  }
  stream() {
    if (this.taken) throw undefined;
    this.taken = true;
    return new InputStream(this.body instanceof Uint8Array ? bytesSource(this.body) : this.body, this.options);
  }
  static finish() {
    return new FutureTrailers(undefined);
  }
}

/** wasi:http/types `future-trailers` (responses carry no trailers here). */
export class FutureTrailers {
  constructor(trailers) {
    this.trailers = trailers;
    this.taken = false;
  }
  subscribe() {
    return new Pollable();
  }
  get() {
    if (this.taken) return { tag: 'err', val: undefined };
    this.taken = true;
    return { tag: 'ok', val: { tag: 'ok', val: this.trailers } };
  }
}

// ---- server side (incoming-handler): value holders, for hosts that serve components

/** wasi:http/types `incoming-request`, built by a host: `new IncomingRequest({ method, pathWithQuery, scheme, authority, headers, body })`. */
export class IncomingRequest extends IncomingMessage {
  constructor({
    method = { tag: 'get' },
    pathWithQuery,
    scheme,
    authority,
    headers = new Fields(),
    body = new Uint8Array(0),
  } = {}) {
    super(headers, body);
    Object.assign(this, { m: method, p: pathWithQuery, s: scheme, a: authority });
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
}

/** wasi:http/types `outgoing-response`. */
export class OutgoingResponse {
  constructor(headers) {
    this.fields = frozen(headers ?? new Fields());
    this.code = 200;
    this.outgoingBody = undefined;
  }
  statusCode() {
    return this.code;
  }
  setStatusCode(c) {
    if (c < 100 || c > 999) throw undefined;
    this.code = c;
  }
  headers() {
    return this.fields;
  }
  body() {
    if (this.outgoingBody !== undefined) throw undefined;
    this.outgoingBody = new OutgoingBody(null);
    return this.outgoingBody;
  }
}

/** wasi:http/types `response-outparam`: `onResponse(result)` receives what the guest sets. */
export class ResponseOutparam {
  constructor(onResponse = () => {}) {
    this.onResponse = onResponse;
  }
  sendInformational() {
    throw { tag: 'internal-error', val: 'informational responses are not supported' };
  }
  static set(param, response) {
    param.onResponse(response);
  }
}

/** The smallest timeout a `request-options` sets, in ms, if any. */
function smallestTimeoutMs(options) {
  const ns = [options?.connect, options?.firstByte, options?.betweenBytes].filter((d) => d !== undefined);
  // biome-ignore lint/complexity/useMathMinMax: BigInt durations (Math.min throws on them)
  return ns.length ? Number(ns.reduce((a, b) => (a < b ? a : b)) / 1_000_000n) : undefined;
}

/**
 * `wasi:http/outgoing-handler.handle` for a host: checks the request has an
 * authority and returns a `Future` (a `future-incoming-response` class)
 * whose `start` is `exchange(request, url, timeoutMs)`. The exchange starts
 * once the request is complete: at once when the guest asked for no body,
 * else when it finishes the body (OutgoingBody.finish).
 */
export function handleWith(Future, exchange) {
  return function handle(request, options) {
    if (request.authorityValue === undefined) throw { tag: 'HTTP-request-URI-invalid' };
    const url = `${schemeName(request.schemeValue)}://${request.authorityValue}${request.path ?? '/'}`;
    const timeoutMs = smallestTimeoutMs(options);
    const future = new Future(() => exchange(request, url, timeoutMs));
    request.future = future;
    if (request.outgoingBody === undefined || request.outgoingBody.finished) future.send();
    return future;
  };
}

/** The `wasi:http/types` entries; a host replaces the classes whose I/O is its own. */
const TYPES = {
  Fields,
  OutgoingRequest,
  RequestOptions,
  OutgoingBody,
  FutureIncomingResponse,
  IncomingResponse,
  IncomingBody,
  FutureTrailers,
  IncomingRequest,
  OutgoingResponse,
  ResponseOutparam,
  httpErrorCode: () => undefined,
};

/** The wasi:http import entries: TYPES with `types` in place of the same names, and the outgoing `handle`. */
export function httpImportsWith(types, handle) {
  return { 'wasi:http/types': { ...TYPES, ...types }, 'wasi:http/outgoing-handler': { handle } };
}

/** One exchange over the synchronous `send` (see the top of this file), as a `future-incoming-response` result. */
function sendExchange(send, request, url, timeoutMs) {
  try {
    const r = send({
      url,
      method: methodName(request.methodValue),
      headers: request.fields.entries(),
      body: request.outgoingBody?.bytes() ?? null,
      timeoutMs,
    });
    return { tag: 'ok', val: new IncomingResponse(r.status, Fields.received(r.headers), r.source ?? r.body) };
  } catch (e) {
    if (e && typeof e === 'object' && typeof e.tag === 'string') return { tag: 'err', val: e };
    throw e;
  }
}

/** The wasi:http import entries over `send` (see the top of this file). */
export function httpImports(send) {
  const exchange = (request, url, timeoutMs) => sendExchange(send, request, url, timeoutMs);
  return httpImportsWith({}, handleWith(FutureIncomingResponse, exchange));
}
