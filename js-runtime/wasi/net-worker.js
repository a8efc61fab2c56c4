// Worker thread behind net-bridge.js: does Node's asynchronous network I/O
// (DNS, TCP) for a guest whose thread waits in Atomics.wait. Each request
// `{ op, args }` gets exactly one reply `{ ok }` or `{ err: wasi:sockets
// error-code }`, posted on the port before the flag is raised.
import { workerData } from 'node:worker_threads';
import dns from 'node:dns/promises';
import net from 'node:net';
import dgram from 'node:dgram';
import { ERRNO_COMMON, errnoCase } from './socket-errno.js';

const { port, flag } = workerData;
const sockets = new Map(); // id -> { sock, chunks, size, eof, error, waiters }
const servers = new Map(); // id -> { server, pending, error, waiters }
const udps = new Map(); // id -> { sock, queue, error, waiters }
let nextAccepted = 1 << 30; // ids of accepted connections (the main thread counts up from 1)
const MAX_BUFFERED = 4 << 20;

// wasi:sockets 0.2's error-code (name lookups report through it too): EPIPE is connection-reset, as it has no connection-broken.
const ERRNO = {
  ...ERRNO_COMMON,
  EPIPE: 'connection-reset',
  ENOTFOUND: 'name-unresolvable',
  ENODATA: 'name-unresolvable',
  EAI_NONAME: 'name-unresolvable',
  EAI_AGAIN: 'temporary-resolver-failure',
  ESERVFAIL: 'temporary-resolver-failure',
  EMFILE: 'new-socket-limit',
  ENFILE: 'new-socket-limit',
};
const code = (e) => (typeof e === 'string' || typeof e?.tag === 'string' ? e : (errnoCase(ERRNO, e) ?? 'unknown'));

function notify(entry) {
  for (const w of [...entry.waiters]) w();
}
/** Resolves true once `ready()` holds (re-checked on every notify), false after `ms` (-1: never). */
function waitFor(entries, ready, ms) {
  if (ready()) return Promise.resolve(true);
  if (ms === 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    let timer;
    const done = (v) => {
      clearTimeout(timer);
      for (const e of entries) e.waiters.delete(check);
      resolve(v);
    };
    const check = () => {
      if (ready()) done(true);
    };
    for (const e of entries) e.waiters.add(check);
    if (ms > 0) timer = setTimeout(() => done(ready()), ms);
  });
}

function addr(a) {
  return { address: a.address, port: a.port, family: a.family === 'IPv6' || a.family === 6 ? 'ipv6' : 'ipv4' };
}

function track(id, sock) {
  const e = { sock, chunks: [], size: 0, eof: false, error: null, waiters: new Set() };
  sock.on('data', (b) => {
    e.chunks.push(new Uint8Array(b.buffer, b.byteOffset, b.length));
    e.size += b.length;
    if (e.size > MAX_BUFFERED) sock.pause();
    notify(e);
  });
  sock.on('end', () => {
    e.eof = true;
    notify(e);
  });
  sock.on('error', (err) => {
    e.error = code(err);
    notify(e);
  });
  sock.on('close', () => {
    e.eof = true;
    notify(e);
  });
  sockets.set(id, e);
  return e;
}
const readable = (e) => e.size > 0 || e.eof || e.error !== null;
function take(e, max) {
  const out = new Uint8Array(Math.min(max, e.size));
  let o = 0;
  while (o < out.length) {
    const c = e.chunks[0];
    const n = Math.min(c.length, out.length - o);
    out.set(c.subarray(0, n), o);
    o += n;
    if (n === c.length) e.chunks.shift();
    else e.chunks[0] = c.subarray(n);
  }
  e.size -= out.length;
  if (e.size <= MAX_BUFFERED) e.sock.resume();
  return out;
}
function sock(id) {
  const e = sockets.get(id);
  if (!e) throw 'invalid-state';
  return e;
}
function server(id) {
  const s = servers.get(id);
  if (!s) throw 'invalid-state';
  return s;
}
const tokenEntry = (t) => (t.kind === 'accept' ? servers : t.kind === 'udp' ? udps : sockets).get(t.id);
const tokenReady = (t) => {
  const e = tokenEntry(t);
  if (!e) return true; // closed: report ready so the guest finds out
  if (t.kind === 'accept') return e.pending.length > 0 || e.error !== null;
  if (t.kind === 'udp') return e.queue.length > 0 || e.error !== null;
  return readable(e);
};
const MAX_DATAGRAMS = 1024;

// wasi:http error-code for a failed fetch.
function httpError(e, timedOut) {
  if (timedOut) return { tag: 'connection-timeout' };
  const c = e?.cause?.code ?? e?.code;
  switch (c) {
    case 'ECONNREFUSED':
      return { tag: 'connection-refused' };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return { tag: 'connection-terminated' };
    case 'ENOTFOUND':
    case 'EAI_NONAME':
    case 'EAI_AGAIN':
      return { tag: 'DNS-error', val: { rcode: c, infoCode: undefined } };
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { tag: 'connection-timeout' };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { tag: 'destination-unavailable' };
    case 'ERR_INVALID_URL':
      return { tag: 'HTTP-request-URI-invalid' };
    default:
      return { tag: 'internal-error', val: String(e?.cause?.message ?? e?.message ?? e) };
  }
}

const ops = {
  // Returns once the response headers are in; the body streams into entry `id`
  // (read with `read`/`readable` like a TCP connection, closed with `close`).
  async fetch(id, { url, method, headers, body, timeoutMs }) {
    const h = new Headers();
    for (const [k, v] of headers) h.append(k, Buffer.from(v).toString('latin1'));
    const ctl = new AbortController();
    let timedOut = false;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            ctl.abort();
          }, timeoutMs);
    let res;
    try {
      res = await fetch(url, {
        method,
        headers: h,
        redirect: 'manual',
        signal: ctl.signal,
        body: body === null || ((method === 'GET' || method === 'HEAD') && body.length === 0) ? undefined : body,
      });
    } catch (e) {
      throw httpError(e, timedOut);
    } finally {
      clearTimeout(timer);
    }
    const out = [];
    res.headers.forEach((v, k) => {
      out.push([k, new Uint8Array(Buffer.from(v, 'latin1'))]);
    });
    const reader = res.body?.getReader();
    const e = {
      sock: { pause() {}, resume() {}, destroy: () => reader?.cancel().catch(() => {}) },
      chunks: [],
      size: 0,
      eof: !reader,
      error: null,
      waiters: new Set(),
    };
    sockets.set(id, e);
    if (reader) {
      (async () => {
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            e.chunks.push(value);
            e.size += value.length;
            notify(e);
          }
        } catch {
          e.error = 'connection-reset';
        }
        e.eof = true;
        notify(e);
      })();
    }
    return { status: res.status, headers: out };
  },
  async lookup(name) {
    const all = await dns.lookup(name, { all: true, verbatim: true });
    return all.map((a) => ({ address: a.address, family: a.family === 6 ? 'ipv6' : 'ipv4' }));
  },
  connect(id, host, port, localAddress, localPort) {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port, localAddress, localPort, noDelay: true, allowHalfOpen: true });
      const fail = (err) => {
        s.destroy();
        reject(err);
      };
      s.once('error', fail);
      s.once('connect', () => {
        s.off('error', fail);
        track(id, s);
        resolve({
          local: addr({ address: s.localAddress, port: s.localPort, family: s.localFamily }),
          remote: addr({ address: s.remoteAddress, port: s.remotePort, family: s.remoteFamily }),
        });
      });
    });
  },
  async read(id, max, ms) {
    const e = sock(id);
    await waitFor([e], () => readable(e), ms);
    if (e.size > 0) return take(e, max);
    if (e.error !== null) throw e.error;
    return e.eof ? null : new Uint8Array(0);
  },
  readable(id) {
    return tokenReady({ kind: 'read', id });
  },
  write(id, bytes) {
    const e = sock(id);
    if (e.error !== null) throw e.error;
    return new Promise((resolve, reject) => e.sock.write(bytes, (err) => (err ? reject(err) : resolve(null))));
  },
  shutdown(id, how) {
    const e = sock(id);
    if (how !== 'receive') e.sock.end();
    if (how !== 'send') {
      e.chunks = [];
      e.size = 0;
      e.eof = true;
    }
    return null;
  },
  udpBind(id, host, port, family) {
    return new Promise((resolve, reject) => {
      const sock = dgram.createSocket({ type: family === 'ipv6' ? 'udp6' : 'udp4', ipv6Only: family === 'ipv6' });
      const e = { sock, queue: [], error: null, waiters: new Set() };
      sock.once('error', reject);
      sock.bind({ address: host, port, exclusive: true }, () => {
        sock.off('error', reject);
        sock.on('error', (err) => {
          e.error = code(err);
          notify(e);
        });
        sock.on('message', (msg, rinfo) => {
          if (e.queue.length >= MAX_DATAGRAMS) return; // dropped, as a full kernel buffer would
          e.queue.push({ data: new Uint8Array(msg.buffer, msg.byteOffset, msg.length), remote: addr(rinfo) });
          notify(e);
        });
        udps.set(id, e);
        resolve(addr(sock.address()));
      });
    });
  },
  udpConnect(id, host, port) {
    const e = udps.get(id);
    if (!e) throw 'invalid-state';
    return new Promise((resolve, reject) => {
      try {
        e.sock.disconnect();
      } catch {
        /* not connected */
      }
      if (host === undefined) return resolve(null);
      e.sock.connect(port, host, (err) => (err ? reject(err) : resolve(addr(e.sock.remoteAddress()))));
    });
  },
  udpSend(id, datagrams) {
    const e = udps.get(id);
    if (!e) throw 'invalid-state';
    return datagrams
      .reduce(
        (p, d) =>
          p.then(
            () =>
              new Promise((resolve, reject) => {
                const done = (err) => (err ? reject(err) : resolve());
                if (d.host === undefined) e.sock.send(d.data, done);
                else e.sock.send(d.data, d.port, d.host, done);
              }),
          ),
        Promise.resolve(),
      )
      .then(() => datagrams.length);
  },
  udpReceive(id, max) {
    const e = udps.get(id);
    if (!e) throw 'invalid-state';
    if (e.queue.length === 0 && e.error !== null) throw e.error;
    return e.queue.splice(0, max);
  },
  udpReadable(id) {
    return tokenReady({ kind: 'udp', id });
  },
  close(id) {
    udps.get(id)?.sock.close();
    udps.delete(id);
    sockets.get(id)?.sock.destroy();
    sockets.delete(id);
    const s = servers.get(id);
    if (s) {
      s.server.close();
      for (const p of s.pending) p.destroy();
      servers.delete(id);
    }
    return null;
  },
  listen(id, host, port, backlog) {
    return new Promise((resolve, reject) => {
      const s = { server: net.createServer({ allowHalfOpen: true }), pending: [], error: null, waiters: new Set() };
      s.server.on('connection', (c) => {
        c.pause();
        s.pending.push(c);
        notify(s);
      });
      s.server.once('error', reject);
      s.server.listen({ host, port, backlog, exclusive: true }, () => {
        s.server.off('error', reject);
        s.server.on('error', (err) => {
          s.error = code(err);
          notify(s);
        });
        servers.set(id, s);
        resolve(addr(s.server.address()));
      });
    });
  },
  async accept(id, ms) {
    const s = server(id);
    await waitFor([s], () => s.pending.length > 0 || s.error !== null, ms);
    if (s.pending.length === 0) {
      if (s.error !== null) throw s.error;
      return null;
    }
    const c = s.pending.shift();
    const cid = nextAccepted++;
    track(cid, c);
    c.resume();
    return {
      id: cid,
      local: addr({ address: c.localAddress, port: c.localPort, family: c.localFamily }),
      remote: addr({ address: c.remoteAddress, port: c.remotePort, family: c.remoteFamily }),
    };
  },
  acceptable(id) {
    return tokenReady({ kind: 'accept', id });
  },
  async waitAny(tokens, ms) {
    const entries = tokens.map(tokenEntry).filter(Boolean);
    await waitFor(entries, () => tokens.some(tokenReady), ms);
    return null;
  },
};

port.on('message', async ({ op, args }) => {
  let reply;
  try {
    reply = { ok: await ops[op](...args) };
  } catch (e) {
    reply = { err: code(e) };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
