// The parts of a wasi:http request besides its headers and body: the
// `method` and `scheme` variants, the authority and the path-with-query.
// Here are the checks a guest's setters make on them and the conversions
// between the variants and their spellings on the wire, the same for every
// wasi:http host: the 0.2 one (http.js), the edge one (../edge/http.js), the
// 0.3 one (../wasi3/http.js) and the servers that build incoming requests.

/** An HTTP token (RFC 9110 `tchar`s): a header name or an `other` method. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** An `other` scheme (RFC 3986 `scheme`). */
const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*$/;
/** The methods the `method` variant has a case for (lower-case, as its tags). */
const METHODS = new Set(['get', 'head', 'post', 'put', 'delete', 'connect', 'options', 'trace', 'patch']);

/** Whether `s` is an HTTP token. */
export function isToken(s) {
  return typeof s === 'string' && TOKEN.test(s);
}

/** Whether a guest may set `m` as a request's method (an `other` one must be a token). */
export function methodAllowed(m) {
  return m?.tag !== 'other' || isToken(m.val);
}

/** Whether a guest may set `s` as a request's scheme (an `other` one must be a URI scheme). */
export function schemeAllowed(s) {
  return s?.tag !== 'other' || SCHEME.test(s.val);
}

/** Whether a guest may set `a` as a request's authority (none, or no white space, `/`, `?`, `#` or `@`). */
export function authorityAllowed(a) {
  return a === undefined || (typeof a === 'string' && !/[\s/?#@]/.test(a));
}

/** Whether a guest may set `p` as a request's path-with-query (none, or no white space or `#`). */
export function pathAllowed(p) {
  return p === undefined || (typeof p === 'string' && !/[\s#]/.test(p));
}

/** The `method` variant of a method as sent (`GET`, `purge`, ...): a known one in any case is its tag. */
export function methodValue(name) {
  const lower = name.toLowerCase();
  return METHODS.has(lower) ? { tag: lower } : { tag: 'other', val: name };
}

/** A `method` variant as sent: known ones upper-case, `other` as spelled; none is `GET`. */
export function methodName(m) {
  if (m?.tag === 'other') return m.val;
  return String(m?.tag ?? 'get').toUpperCase();
}

/** The `scheme` variant of a URL's `protocol` (`https:`, `ws:`, ...). */
export function schemeValue(protocol) {
  if (protocol === 'https:') return { tag: 'HTTPS' };
  if (protocol === 'http:') return { tag: 'HTTP' };
  return { tag: 'other', val: protocol.slice(0, -1) };
}

/** A `scheme` variant as a URL spells it, without the colon; none is `https`. */
export function schemeName(s) {
  if (s === undefined) return 'https';
  if (s.tag === 'other') return s.val;
  return s.tag.toLowerCase();
}
