// wasi:http@0.3.x types and `client`, over a transport that does the I/O
// (http-node.js on Node, http-fetch.js in the browser; without a network
// grant every request fails with `HTTP-request-denied`). Bodies are
// `stream<u8>` (the glue hands them over as ReadableStreams / async
// iterables) and trailers a `future`; the `fields` resource builds on the 0.2
// one (same name/value checks). `handle3` (server side) lives in
// http-handler.js.
//
// The 0.3 `fields` keeps 0.2's name but adds methods, so these types are
// served under `wasi:http/types@0.3` (see README.md); `wasi:http/client` is
// new in 0.3 and keeps the bare key.
import { Fields, frozen } from '../wasi/http.js';
import {
  authorityAllowed,
  methodAllowed,
  methodName,
  methodValue,
  pathAllowed,
  schemeAllowed,
  schemeName,
} from '../wasi/http-request-parts.js';

export { methodValue };

/** `fields` of wasi:http@0.3 (headers and trailers). */
export class Fields3 extends Fields {
  static fromList(entries) {
    const f = new Fields3();
    for (const [name, value] of entries) f.append(name, value);
    return f;
  }
  /** Fields as a peer sent them (not checked against the guest-side rules), immutable. */
  static received(entries) {
    const f = new Fields3();
    f.list = Fields.received(entries).list;
    return frozen(f);
  }
  copyAll() {
    return this.entries();
  }
  getAndDelete(name) {
    const values = this.get(name);
    this.delete(name);
    return values;
  }
  clone() {
    const f = new Fields3();
    f.list = this.entries();
    return f;
  }
}

/** A future for the outcome of transmitting a body: [promise, settle]. */
function transmitFuture() {
  let settle;
  const p = new Promise((resolve) => (settle = resolve));
  return [p, settle];
}

/** `future<result<option<trailers>, error-code>>` from a Promise of received trailer entries (or null). */
export function trailersFuture(p) {
  return p.then(
    (t) => ({ tag: 'ok', val: t ? Fields3.received(t) : undefined }),
    (e) => ({ tag: 'err', val: errorOf(e) }),
  );
}

/** A transport error (already a 0.3 error-code variant) or anything else as `internal-error`. */
export function errorOf(e) {
  if (e && typeof e === 'object' && typeof e.tag === 'string' && !(e instanceof Error)) return e;
  return { tag: 'internal-error', val: String(e?.message ?? e) };
}

class Message {
  constructor(headers, contents, trailers) {
    this.headers = frozen(headers);
    this.contents = contents ?? null;
    this.trailers = trailers;
    this.consumed = false;
    [this.transmitted, this.settleTransmit] = transmitFuture();
  }
  getHeaders() {
    return this.headers;
  }
  /** [stream<u8>, future<result<option<trailers>, error-code>>]; the body can be taken once. */
  static takeBody(m, res) {
    if (m.consumed) throw new TypeError('consume-body: the body was already taken');
    m.consumed = true;
    res?.then?.(
      () => {},
      () => {},
    );
    m.settleTransmit({ tag: 'ok' });
    return [m.contents ?? [], Promise.resolve(m.trailers)];
  }
}

export class Request3 extends Message {
  constructor(headers, contents, trailers, options) {
    super(headers, contents, trailers);
    this.method = { tag: 'get' };
    this.pathWithQuery = undefined;
    this.scheme = undefined;
    this.authority = undefined;
    this.options = options ?? undefined;
  }
  static new(headers, contents, trailers, options) {
    const r = new Request3(headers, contents, trailers, options);
    return [r, r.transmitted];
  }
  static consumeBody(r, res) {
    return Message.takeBody(r, res);
  }
  getMethod() {
    return this.method;
  }
  setMethod(m) {
    if (!methodAllowed(m)) throw undefined;
    this.method = m;
  }
  getPathWithQuery() {
    return this.pathWithQuery;
  }
  setPathWithQuery(p) {
    if (!pathAllowed(p)) throw undefined;
    this.pathWithQuery = p;
  }
  getScheme() {
    return this.scheme;
  }
  setScheme(s) {
    if (!schemeAllowed(s)) throw undefined;
    this.scheme = s;
  }
  getAuthority() {
    return this.authority;
  }
  setAuthority(a) {
    if (!authorityAllowed(a)) throw undefined;
    this.authority = a;
  }
  getOptions() {
    return this.options;
  }
}

export class Response3 extends Message {
  constructor(headers, contents, trailers) {
    super(headers, contents, trailers);
    this.status = 200;
  }
  static new(headers, contents, trailers) {
    const r = new Response3(headers, contents, trailers);
    return [r, r.transmitted];
  }
  static consumeBody(r, res) {
    return Message.takeBody(r, res);
  }
  getStatusCode() {
    return this.status;
  }
  setStatusCode(code) {
    if (!(code >= 100 && code <= 599)) throw undefined;
    this.status = code;
  }
}

export class RequestOptions3 {
  constructor() {
    this.timeouts = { connect: undefined, firstByte: undefined, betweenBytes: undefined };
    this.immutable = false;
  }
  #set(k, d) {
    if (this.immutable) throw { tag: 'immutable' };
    this.timeouts[k] = d;
  }
  getConnectTimeout() {
    return this.timeouts.connect;
  }
  setConnectTimeout(d) {
    this.#set('connect', d);
  }
  getFirstByteTimeout() {
    return this.timeouts.firstByte;
  }
  setFirstByteTimeout(d) {
    this.#set('firstByte', d);
  }
  getBetweenBytesTimeout() {
    return this.timeouts.betweenBytes;
  }
  setBetweenBytesTimeout(d) {
    this.#set('betweenBytes', d);
  }
  clone() {
    const o = new RequestOptions3();
    o.timeouts = { ...this.timeouts };
    return o;
  }
}

const ms = (ns) => (ns === undefined ? undefined : Number(ns / 1_000_000n));

/**
 * `wasi:http/client.send`: hands the request to `transport` (see
 * http-node.js for its contract) and resolves to the response once its
 * headers are in; the body and trailers stream afterwards.
 */
export async function sendRequest(transport, request, signal) {
  if (!(request instanceof Request3)) throw { tag: 'internal-error', val: 'not a request' };
  if (request.consumed) throw { tag: 'internal-error', val: 'the request body was already taken' };
  if (request.authority === undefined) throw { tag: 'HTTP-request-URI-invalid' };
  request.consumed = true;
  const scheme = schemeName(request.scheme);
  if (scheme !== 'http' && scheme !== 'https') throw { tag: 'HTTP-protocol-error' };
  let url;
  try {
    url = new URL(`${scheme}://${request.authority}${request.pathWithQuery ?? '/'}`);
  } catch {
    throw { tag: 'HTTP-request-URI-invalid' };
  }
  const t = request.options?.timeouts ?? {};
  const trailers = Promise.resolve(request.trailers).then((r) => (r?.tag === 'ok' && r.val ? r.val.entries() : null));
  let out;
  try {
    out = await transport({
      method: methodName(request.method),
      url,
      headers: request.headers.entries(),
      body: request.contents,
      trailers,
      timeouts: { connect: ms(t.connect), firstByte: ms(t.firstByte), betweenBytes: ms(t.betweenBytes) },
      signal,
    });
  } catch (e) {
    request.settleTransmit({ tag: 'err', val: errorOf(e) });
    throw errorOf(e);
  }
  request.settleTransmit({ tag: 'ok' });
  const response = new Response3(Fields3.received(out.headers), out.body, trailersFuture(out.trailers));
  response.status = out.status;
  return response;
}

/** Without a network grant: every request is refused at once. */
export function deniedTransport() {
  return Promise.reject({ tag: 'HTTP-request-denied' });
}

/** The import entries; `transport` does the I/O (or `deniedTransport`). */
export function http3Imports(transport = deniedTransport) {
  return {
    'wasi:http/types@0.3': { Fields: Fields3, Request: Request3, Response: Response3, RequestOptions: RequestOptions3 },
    'wasi:http/client': { send: (request, ctx) => sendRequest(transport, request, ctx?.signal) },
  };
}
