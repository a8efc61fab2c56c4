// wasi:http transport for the browser: a synchronous XMLHttpRequest (the only
// way a page can do blocking network I/O without JSPI). Limits, all the
// browser's: redirects are always followed; CORS applies (cross-origin
// responses need the server's consent, unlisted response headers are hidden);
// forbidden request headers are dropped by the browser; on a page's main
// thread the body is read as "x-user-defined" text and no timeout can be set
// (in a Worker: arraybuffer and timeouts work). No `node:` imports.

function parseHeaders(all) {
  const out = [];
  const enc = new TextEncoder();
  for (const line of all.trim().split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out.push([line.slice(0, i).trim().toLowerCase(), enc.encode(line.slice(i + 1).trim())]);
  }
  return out;
}

/** A transport for http.js using `XMLHttpRequest` (`Xhr` can be replaced for tests). */
export function xhrTransport(Xhr = globalThis.XMLHttpRequest) {
  const inWindow = typeof globalThis.document !== 'undefined';
  return ({ url, method, headers, body, timeoutMs }) => {
    if (typeof Xhr !== 'function') throw { tag: 'internal-error', val: 'no XMLHttpRequest in this environment' };
    const xhr = new Xhr();
    try {
      xhr.open(method, url, false);
    } catch {
      throw { tag: 'HTTP-request-URI-invalid' };
    }
    if (inWindow) xhr.overrideMimeType('text/plain; charset=x-user-defined');
    else {
      xhr.responseType = 'arraybuffer';
      if (timeoutMs !== undefined) xhr.timeout = timeoutMs;
    }
    const dec = new TextDecoder('latin1');
    for (const [k, v] of headers) {
      try {
        xhr.setRequestHeader(k, dec.decode(v));
      } catch {
        /* a header the browser refuses */
      }
    }
    try {
      xhr.send(body === null || ((method === 'GET' || method === 'HEAD') && body.length === 0) ? null : body);
    } catch (e) {
      throw e?.name === 'TimeoutError'
        ? { tag: 'connection-timeout' }
        : { tag: 'internal-error', val: `network error: ${e?.message ?? e}` };
    }
    if (xhr.status === 0)
      throw { tag: 'internal-error', val: 'network error (refused, unreachable or blocked by CORS)' };
    let data;
    if (inWindow) {
      const text = xhr.responseText;
      data = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) data[i] = text.charCodeAt(i) & 0xff;
    } else {
      data = new Uint8Array(xhr.response ?? new ArrayBuffer(0));
    }
    return { status: xhr.status, headers: parseHeaders(xhr.getAllResponseHeaders()), body: data };
  };
}
