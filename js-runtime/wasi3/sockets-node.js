// wasi:sockets@0.3.x on Node with `createWasi({ network: true })`: TCP
// (node:net), UDP (node:dgram) and name lookup (node:dns). 0.3 is
// asynchronous where it waits (connect, accept as a stream, send/receive as
// streams and futures), so it maps onto Node's own asynchronous sockets
// directly; the synchronous steps (bind, listen) complete synchronously
// because addresses are IP literals (dgram gets a lookup that answers at once).
import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';
import {
  hostOf,
  ipAddress,
  isAddressFamily,
  isUsableRemote,
  socketAddress,
  unspecifiedAddress,
} from '../wasi/socket-address.js';
import { ERRNO_COMMON, errnoCase } from '../wasi/socket-errno.js';
import { defineOptions, initialOptions } from '../wasi/socket-options.js';

const err = (tag) => ({ tag });

const ERRNO = { ...ERRNO_COMMON, EPIPE: 'connection-broken', EMSGSIZE: 'datagram-too-large' };

/** Node errors as wasi:sockets `error-code`. */
export function errorCode(e) {
  if (e && typeof e.tag === 'string' && !(e instanceof Error)) return e;
  const tag = errnoCase(ERRNO, e);
  return tag ? err(tag) : { tag: 'other', val: String(e?.message ?? e) };
}

// ---- checks both socket kinds share

/** `family`, when it is an ip-address-family. */
function checkFamily(family) {
  if (!isAddressFamily(family)) throw err('invalid-argument');
  return family;
}

/** `a`, when it is an address of `family`. */
function checkAddress(a, family) {
  if (a?.tag !== family) throw err('invalid-argument');
  return a;
}

/** Option check: 0 (or 0n) is `invalid-argument`; other values are kept as given. */
function positive(v) {
  if (v === 0 || v === 0n) throw err('invalid-argument');
  return v;
}

const BUFFER_OPTIONS = [
  ['getReceiveBufferSize', 'setReceiveBufferSize', 65536n, positive],
  ['getSendBufferSize', 'setSendBufferSize', 65536n, positive],
];

const immediateLookup = (address, opts, cb) =>
  (typeof opts === 'function' ? opts : cb)(null, address, net.isIP(address));

/**
 * `server.listen` on an IP literal, bound before it returns (wasi `listen`
 * is synchronous and the guest asks for the port next). node:net resolves
 * the host with `dns.lookup` even for a literal, which answers a tick later;
 * for the duration of this call `dns.lookup` answers at once instead (JS is
 * single-threaded: nothing else can observe the swap).
 */
function listenNow(server, options) {
  const saved = dns.lookup;
  dns.lookup = immediateLookup;
  try {
    server.listen(options);
  } finally {
    dns.lookup = saved;
  }
}

// ---- tcp

/** The options it only validates and remembers (keep-alive on/off, below, also reaches the connection). */
const TCP_OPTIONS = [
  ['getKeepAliveIdleTime', 'setKeepAliveIdleTime', 7_200_000_000_000n, positive],
  ['getKeepAliveInterval', 'setKeepAliveInterval', 1_000_000_000n, positive],
  ['getKeepAliveCount', 'setKeepAliveCount', 10, positive],
  ['getHopLimit', 'setHopLimit', 64, positive],
  ...BUFFER_OPTIONS,
];

export class TcpSocket3 {
  static create(family) {
    return new TcpSocket3(checkFamily(family));
  }
  constructor(family, socket = null) {
    this.family = family;
    this.local = undefined; // address given to bind
    this.socket = socket; // net.Socket once connected (or accepted)
    this.server = null; // net.Server once listening
    this.backlog = 128;
    this.keepAlive = false;
    this.options = initialOptions(TCP_OPTIONS);
    this.received = false;
    this.sending = false;
  }
  bind(address) {
    if (this.local !== undefined || this.socket || this.server) throw err('invalid-state');
    this.local = checkAddress(address, this.family);
  }
  async connect(remote, ctx) {
    if (this.socket || this.server) throw err('invalid-state');
    if (!isUsableRemote(checkAddress(remote, this.family))) throw err('invalid-argument');
    const opts = {
      host: hostOf(remote),
      port: remote.val.port,
      family: this.family === 'ipv6' ? 6 : 4,
      signal: ctx?.signal,
      allowHalfOpen: true,
    };
    if (this.local)
      Object.assign(opts, { localAddress: hostOf(this.local), localPort: this.local.val.port || undefined });
    const s = net.connect(opts);
    s.pause();
    await new Promise((resolve, reject) => {
      s.once('connect', resolve);
      s.once('error', (e) => reject(errorCode(e)));
    });
    s.removeAllListeners('error');
    s.on('error', () => {}); // reported through receive/send
    if (this.keepAlive) s.setKeepAlive(true);
    this.socket = s;
  }
  listen() {
    if (this.socket || this.server) throw err('invalid-state');
    const local = this.local ?? unspecifiedAddress(this.family);
    const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
    server.on('error', () => {});
    listenNow(server, {
      host: hostOf(local),
      port: local.val.port,
      backlog: this.backlog,
      ipv6Only: this.family === 'ipv6',
    });
    // node reports a failed bind a tick later: its reason is not known yet
    if (server.address() === null) throw err(local.val.port !== 0 ? 'address-in-use' : 'address-not-bindable');
    this.server = server;
    const family = this.family;
    const queue = [];
    let wake = null;
    server.on('connection', (s) => {
      s.on('error', () => {});
      queue.push(new TcpSocket3(family, s));
      wake?.();
    });
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for (;;) {
            while (queue.length > 0) yield queue.shift();
            await new Promise((r) => (wake = r));
            wake = null;
          }
        } finally {
          server.close();
        }
      },
    };
  }
  send(data) {
    const s = this.socket;
    if (!s || this.sending) return Promise.resolve({ tag: 'err', val: err('invalid-state') });
    this.sending = true;
    const it = data[Symbol.asyncIterator]();
    return (async () => {
      try {
        for (;;) {
          const { done, value } = await it.next();
          if (done) break;
          if (!s.write(value)) {
            await new Promise((resolve, reject) => {
              s.once('drain', resolve);
              s.once('close', () => reject(Object.assign(new Error('closed'), { code: 'EPIPE' })));
            });
          }
        }
        await new Promise((resolve) => s.end(resolve)); // the stream ended: shut the write side down
        return { tag: 'ok' };
      } catch (e) {
        await it.return?.().catch(() => {});
        return { tag: 'err', val: errorCode(e) };
      }
    })();
  }
  receive() {
    const s = this.socket;
    let settle;
    const done = new Promise((r) => (settle = r));
    if (!s || this.received) {
      settle({ tag: 'err', val: err('invalid-state') });
      return [[], done];
    }
    this.received = true;
    const stream = {
      async *[Symbol.asyncIterator]() {
        let failure = null;
        s.once('error', (e) => (failure = e));
        try {
          s.resume();
          for await (const chunk of s.iterator({ destroyOnReturn: false }))
            yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        } catch (e) {
          failure = e;
        } finally {
          settle(failure ? { tag: 'err', val: errorCode(failure) } : { tag: 'ok' });
        }
      },
    };
    return [stream, done];
  }
  getLocalAddress() {
    const a = this.server?.address() ?? (this.socket ? this.socket.address() : null);
    if (a && a.port !== undefined) return socketAddress(a);
    if (this.local) return this.local;
    throw err('invalid-state');
  }
  getRemoteAddress() {
    const s = this.socket;
    if (!s?.remoteAddress) throw err('invalid-state');
    return socketAddress({ address: s.remoteAddress, port: s.remotePort, family: s.remoteFamily });
  }
  getIsListening() {
    return this.server !== null;
  }
  getAddressFamily() {
    return this.family;
  }
  setListenBacklogSize(v) {
    if (v === 0n || v === 0) throw err('invalid-argument');
    if (this.server) throw err('invalid-state');
    this.backlog = Math.min(Number(v), 4096);
  }
  getKeepAliveEnabled() {
    return this.keepAlive;
  }
  setKeepAliveEnabled(v) {
    this.keepAlive = v;
    this.socket?.setKeepAlive(v);
  }
  /** Called when the guest drops the socket: the listener stops; an idle connection closes. */
  [Symbol.dispose]() {
    this.server?.close();
    if (!this.received && !this.sending) this.socket?.destroy();
  }
}
defineOptions(TcpSocket3, TCP_OPTIONS);

// ---- udp

const UDP_OPTIONS = [['getUnicastHopLimit', 'setUnicastHopLimit', 64, positive], ...BUFFER_OPTIONS];

export class UdpSocket3 {
  static create(family) {
    return new UdpSocket3(checkFamily(family));
  }
  constructor(family) {
    this.family = family;
    this.socket = null;
    this.remote = undefined;
    this.queue = []; // received [bytes, address], at most 1024 (a kernel buffer would drop more)
    this.waiters = [];
    this.options = initialOptions(UDP_OPTIONS);
  }
  bind(address) {
    if (this.socket) throw err('invalid-state');
    checkAddress(address, this.family);
    const s = dgram.createSocket({ type: this.family === 'ipv6' ? 'udp6' : 'udp4', lookup: immediateLookup });
    let failure = null;
    s.once('error', (e) => (failure = e));
    s.bind(address.val.port, hostOf(address)); // synchronous: the lookup answers at once
    if (failure) throw errorCode(failure);
    s.on('error', () => {});
    s.on('message', (msg, rinfo) => {
      if (this.remote && (rinfo.port !== this.remote.val.port || hostOf(socketAddress(rinfo)) !== hostOf(this.remote)))
        return;
      const item = [new Uint8Array(msg), socketAddress(rinfo)];
      const w = this.waiters.shift();
      if (w) w(item);
      else if (this.queue.length < 1024) this.queue.push(item);
    });
    this.socket = s;
  }
  #bound() {
    if (!this.socket) this.bind(unspecifiedAddress(this.family));
    return this.socket;
  }
  connect(remote) {
    checkAddress(remote, this.family);
    if (remote.val.port === 0) throw err('invalid-argument');
    this.#bound();
    this.remote = remote;
  }
  disconnect() {
    if (!this.remote) throw err('invalid-state');
    this.remote = undefined;
  }
  async send(data, remote) {
    const to = remote ?? this.remote;
    if (to === undefined) throw err('invalid-argument');
    if (remote !== undefined && this.remote !== undefined && hostOf(remote) !== hostOf(this.remote))
      throw err('invalid-argument');
    checkAddress(to, this.family);
    if (data.length > 65507) throw err('datagram-too-large');
    const s = this.#bound();
    await new Promise((resolve, reject) =>
      s.send(data, to.val.port, hostOf(to), (e) => (e ? reject(errorCode(e)) : resolve())),
    );
  }
  receive(ctx) {
    if (!this.socket) return Promise.reject(err('invalid-state'));
    if (this.queue.length > 0) return this.queue.shift();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      ctx?.signal?.addEventListener?.(
        'abort',
        () => {
          const i = this.waiters.indexOf(resolve);
          if (i >= 0) this.waiters.splice(i, 1);
        },
        { once: true },
      );
    });
  }
  getLocalAddress() {
    if (!this.socket) throw err('invalid-state');
    return socketAddress(this.socket.address());
  }
  getRemoteAddress() {
    if (!this.remote) throw err('invalid-state');
    return this.remote;
  }
  getAddressFamily() {
    return this.family;
  }
  /** Called when the guest drops the socket. */
  [Symbol.dispose]() {
    this.socket?.close();
  }
}
defineOptions(UdpSocket3, UDP_OPTIONS);

/** `ip-name-lookup.resolve-addresses` (its own error-code variant). */
async function resolveAddresses(name) {
  if (typeof name !== 'string' || name === '' || /[\s/]/.test(name)) throw err('invalid-argument');
  const literal = name.replace(/^\[(.*)\]$/, '$1');
  if (net.isIP(literal)) return [ipAddress(literal, net.isIP(literal))];
  try {
    const found = await dns.promises.lookup(name, { all: true });
    return found.map((a) => ipAddress(a.address, a.family));
  } catch (e) {
    if (e.code === 'ENOTFOUND') throw err('name-unresolvable');
    if (e.code === 'EAI_AGAIN') throw err('temporary-resolver-failure');
    throw { tag: 'other', val: String(e.message) };
  }
}

export function nodeSockets3Imports() {
  return {
    'wasi:sockets/types': { TcpSocket: TcpSocket3, UdpSocket: UdpSocket3 },
    'wasi:sockets/ip-name-lookup@0.3': { resolveAddresses },
  };
}
