// wasi:sockets on Node, when `createWasi({ network: true })` grants it: tcp,
// udp and ip-name-lookup.
//
// wasi:sockets is synchronous and poll-driven, Node's network is
// asynchronous: the I/O runs in a worker thread (net-worker.js) while the
// guest's thread waits in Atomics.wait for each reply (net-bridge.js).
import { IoError, InputStream, OutputStream, Pollable, MAX_CHUNK } from './io.js';
import { bridge } from './net-bridge.js';
import { socketsImports } from './sockets.js';

// ---- addresses: WIT values <-> Node strings

/** An IPv6 address string (`::1`, `fe80::1%eth0`, `::ffff:1.2.3.4`) -> its 8 u16 parts. */
export function ipv6Parts(s) {
  s = s.replace(/%.*$/, '');
  let tail = [];
  const m = s.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (m) {
    const b = m[2].split('.').map(Number);
    tail = [(b[0] << 8) | b[1], (b[2] << 8) | b[3]];
    s = m[1].endsWith('::') ? m[1] : m[1].slice(0, -1);
  }
  const [head, rest] = s.split('::');
  const hex = (x) => (x ? x.split(':').map((h) => parseInt(h, 16)) : []);
  const a = hex(head);
  if (rest === undefined) return [...a, ...tail];
  const b = hex(rest);
  return [...a, ...Array(8 - a.length - b.length - tail.length).fill(0), ...b, ...tail];
}
function ipAddress(address, family) {
  return family === 'ipv6'
    ? { tag: 'ipv6', val: ipv6Parts(address) }
    : { tag: 'ipv4', val: address.split('.').map(Number) };
}
function socketAddress({ address, port, family }) {
  return family === 'ipv6'
    ? { tag: 'ipv6', val: { port, flowInfo: 0, address: ipv6Parts(address), scopeId: 0 } }
    : { tag: 'ipv4', val: { port, address: address.split('.').map(Number) } };
}
function hostOf(a) {
  const parts = a.val.address;
  return a.tag === 'ipv6' ? parts.map((x) => x.toString(16)).join(':') : parts.join('.');
}
const isUnspecified = (a) => a.val.address.every((x) => x === 0);

// ---- tcp

const u64 = (v) => (typeof v === 'bigint' ? v : BigInt(v));

export class TcpSocket {
  constructor(family, id = null) {
    this.family = family;
    this.id = id;
    this.state = 'unbound';
    this.local = undefined;
    this.remote = undefined;
    this.pending = undefined;
    this.backlog = 128;
    this.keepAlive = false;
    this.keepIdle = 7_200_000_000_000n;
    this.keepInterval = 75_000_000_000n;
    this.keepCount = 9;
    this.hops = 64;
    this.recvBuf = 65536n;
    this.sendBuf = 65536n;
  }
  #checkAddress(a) {
    if (a?.tag !== this.family) throw 'invalid-argument';
  }
  startBind(_network, localAddress) {
    if (this.state !== 'unbound') throw 'invalid-state';
    this.#checkAddress(localAddress);
    this.local = localAddress;
    this.state = 'bind-started';
  }
  finishBind() {
    if (this.state !== 'bind-started') throw 'not-in-progress';
    this.state = 'bound';
  }
  startConnect(_network, remoteAddress) {
    if (this.state !== 'unbound' && this.state !== 'bound') throw 'invalid-state';
    this.#checkAddress(remoteAddress);
    if (remoteAddress.val.port === 0 || isUnspecified(remoteAddress)) throw 'invalid-argument';
    const b = bridge();
    const id = b.nextId++;
    const local = this.local;
    try {
      // Connecting waits here (the worker reports when it is done); finish-connect hands out the result.
      this.pending = {
        ok: b.call(
          'connect',
          id,
          hostOf(remoteAddress),
          remoteAddress.val.port,
          local && !isUnspecified(local) ? hostOf(local) : undefined,
          local?.val.port || undefined,
        ),
        id,
      };
    } catch (e) {
      this.pending = { err: e };
    }
    this.state = 'connect-started';
  }
  finishConnect() {
    if (this.state !== 'connect-started') throw 'not-in-progress';
    const r = this.pending;
    this.pending = undefined;
    if ('err' in r) {
      this.state = 'closed';
      throw r.err;
    }
    this.id = r.id;
    this.local = socketAddress(r.ok.local);
    this.remote = socketAddress(r.ok.remote);
    this.state = 'connected';
    return streams(this.id);
  }
  startListen() {
    if (this.state !== 'bound') throw 'invalid-state';
    const b = bridge();
    const id = b.nextId++;
    try {
      const local = b.call('listen', id, hostOf(this.local), this.local.val.port, this.backlog);
      this.pending = { ok: local, id };
    } catch (e) {
      this.pending = { err: e };
    }
    this.state = 'listen-started';
  }
  finishListen() {
    if (this.state !== 'listen-started') throw 'not-in-progress';
    const r = this.pending;
    this.pending = undefined;
    if ('err' in r) {
      this.state = 'bound';
      throw r.err;
    }
    this.id = r.id;
    this.local = socketAddress(r.ok);
    this.state = 'listening';
  }
  accept() {
    if (this.state !== 'listening') throw 'invalid-state';
    const c = bridge().call('accept', this.id, 0);
    if (c === null) throw 'would-block';
    const s = new TcpSocket(this.family, c.id);
    s.state = 'connected';
    s.local = socketAddress(c.local);
    s.remote = socketAddress(c.remote);
    const [input, output] = streams(c.id);
    return [s, input, output];
  }
  localAddress() {
    if (this.local === undefined || this.state === 'bind-started') throw 'invalid-state';
    return this.local;
  }
  remoteAddress() {
    if (this.state !== 'connected') throw 'invalid-state';
    return this.remote;
  }
  isListening() {
    return this.state === 'listening';
  }
  addressFamily() {
    return this.family;
  }
  setListenBacklogSize(v) {
    if (u64(v) === 0n) throw 'invalid-argument';
    if (this.state === 'connected' || this.state === 'connect-started') throw 'invalid-state';
    this.backlog = Number(u64(v) > 65535n ? 65535n : u64(v));
  }
  keepAliveEnabled() {
    return this.keepAlive;
  }
  setKeepAliveEnabled(v) {
    this.keepAlive = !!v;
  }
  keepAliveIdleTime() {
    return this.keepIdle;
  }
  setKeepAliveIdleTime(v) {
    if (u64(v) === 0n) throw 'invalid-argument';
    this.keepIdle = u64(v);
  }
  keepAliveInterval() {
    return this.keepInterval;
  }
  setKeepAliveInterval(v) {
    if (u64(v) === 0n) throw 'invalid-argument';
    this.keepInterval = u64(v);
  }
  keepAliveCount() {
    return this.keepCount;
  }
  setKeepAliveCount(v) {
    if (v === 0) throw 'invalid-argument';
    this.keepCount = v;
  }
  hopLimit() {
    return this.hops;
  }
  setHopLimit(v) {
    if (v === 0) throw 'invalid-argument';
    this.hops = v;
  }
  receiveBufferSize() {
    return this.recvBuf;
  }
  setReceiveBufferSize(v) {
    if (u64(v) === 0n) throw 'invalid-argument';
    this.recvBuf = u64(v);
  }
  sendBufferSize() {
    return this.sendBuf;
  }
  setSendBufferSize(v) {
    if (u64(v) === 0n) throw 'invalid-argument';
    this.sendBuf = u64(v);
  }
  subscribe() {
    if (this.state === 'listening') {
      return new Pollable(() => bridge().call('acceptable', this.id), {
        group: bridge(),
        token: { kind: 'accept', id: this.id },
      });
    }
    return new Pollable();
  }
  shutdown(how) {
    if (this.state !== 'connected') throw 'invalid-state';
    bridge().call('shutdown', this.id, how);
  }
  [Symbol.dispose]() {
    if (this.id !== null) bridge().call('close', this.id);
    this.id = null;
    this.state = 'closed';
  }
}

/** An input-stream source over entry `id` of the network worker (a TCP connection, an HTTP body). */
export function readSource(id, { what = 'tcp', closeOnDrop = false } = {}) {
  const b = bridge();
  return {
    group: b,
    token: { kind: 'read', id },
    read(len, blocking) {
      try {
        return b.call('read', id, Math.min(len, MAX_CHUNK), blocking ? -1 : 0);
      } catch (e) {
        throw typeof e === 'string' ? new IoError(`${what}: ${e}`) : e;
      }
    },
    ready: () => b.call('readable', id),
    close: closeOnDrop ? () => b.call('close', id) : undefined,
  };
}

function streams(id) {
  const b = bridge();
  const sink = {
    write(bytes) {
      try {
        b.call('write', id, bytes);
      } catch (e) {
        throw typeof e === 'string' ? new IoError(`tcp: ${e}`) : e;
      }
    },
  };
  return [new InputStream(readSource(id)), new OutputStream(sink)];
}

// ---- udp

const sameAddress = (a, b) =>
  a.tag === b.tag && a.val.port === b.val.port && a.val.address.every((x, i) => x === b.val.address[i]);

export class UdpSocket {
  constructor(family) {
    this.family = family;
    this.id = null;
    this.state = 'unbound';
    this.local = undefined;
    this.remote = undefined;
    this.streams = 0;
    this.hops = 64;
    this.recvBuf = 65536n;
    this.sendBuf = 65536n;
  }
  startBind(_network, localAddress) {
    if (this.state !== 'unbound') throw 'invalid-state';
    if (localAddress?.tag !== this.family) throw 'invalid-argument';
    const b = bridge();
    const id = b.nextId++;
    this.pending = (() => {
      try {
        return { ok: b.call('udpBind', id, hostOf(localAddress), localAddress.val.port, this.family), id };
      } catch (e) {
        return { err: e };
      }
    })();
    this.state = 'bind-started';
  }
  finishBind() {
    if (this.state !== 'bind-started') throw 'not-in-progress';
    const r = this.pending;
    this.pending = undefined;
    if ('err' in r) {
      this.state = 'unbound';
      throw r.err;
    }
    this.id = r.id;
    this.local = socketAddress(r.ok);
    this.state = 'bound';
  }
  stream(remoteAddress) {
    if (this.state !== 'bound') throw 'invalid-state';
    if (remoteAddress !== undefined) {
      if (remoteAddress.tag !== this.family) throw 'invalid-argument';
      if (remoteAddress.val.port === 0 || isUnspecified(remoteAddress)) throw 'invalid-argument';
    }
    const b = bridge();
    b.call('udpConnect', this.id, remoteAddress && hostOf(remoteAddress), remoteAddress?.val.port);
    this.remote = remoteAddress;
    const generation = ++this.streams;
    return [new IncomingDatagramStream(this, generation), new OutgoingDatagramStream(this, generation)];
  }
  localAddress() {
    if (this.state !== 'bound') throw 'invalid-state';
    return this.local;
  }
  remoteAddress() {
    if (this.remote === undefined) throw 'invalid-state';
    return this.remote;
  }
  addressFamily() {
    return this.family;
  }
  unicastHopLimit() {
    return this.hops;
  }
  setUnicastHopLimit(v) {
    if (v === 0) throw 'invalid-argument';
    this.hops = v;
  }
  receiveBufferSize() {
    return this.recvBuf;
  }
  setReceiveBufferSize(v) {
    if (u64(v) === 0n) throw 'invalid-argument';
    this.recvBuf = u64(v);
  }
  sendBufferSize() {
    return this.sendBuf;
  }
  setSendBufferSize(v) {
    if (u64(v) === 0n) throw 'invalid-argument';
    this.sendBuf = u64(v);
  }
  subscribe() {
    return new Pollable();
  }
  [Symbol.dispose]() {
    if (this.id !== null) bridge().call('close', this.id);
    this.id = null;
    this.state = 'closed';
  }
}

export class IncomingDatagramStream {
  constructor(socket, generation) {
    this.socket = socket;
    this.generation = generation;
  }
  receive(maxResults) {
    const s = this.socket;
    if (s.id === null || s.streams !== this.generation) throw 'invalid-state';
    const max = Number(u64(maxResults) > 1024n ? 1024n : u64(maxResults));
    if (max === 0) return [];
    return bridge()
      .call('udpReceive', s.id, max)
      .map((d) => ({ data: d.data, remoteAddress: socketAddress(d.remote) }));
  }
  subscribe() {
    const b = bridge();
    const id = this.socket.id;
    return new Pollable(() => b.call('udpReadable', id), { group: b, token: { kind: 'udp', id } });
  }
}

export class OutgoingDatagramStream {
  constructor(socket, generation) {
    this.socket = socket;
    this.generation = generation;
    this.permit = 0n;
  }
  checkSend() {
    const s = this.socket;
    if (s.id === null || s.streams !== this.generation) throw 'invalid-state';
    this.permit = 64n;
    return this.permit;
  }
  send(datagrams) {
    const s = this.socket;
    if (s.id === null || s.streams !== this.generation) throw 'invalid-state';
    if (datagrams.length === 0) return 0n;
    if (BigInt(datagrams.length) > this.permit) throw 'invalid-argument'; // the spec traps; an error is kinder
    const out = datagrams.map((d) => {
      const to = d.remoteAddress;
      if (s.remote !== undefined) {
        if (to !== undefined && !sameAddress(to, s.remote)) throw 'invalid-argument';
        return { data: d.data };
      }
      if (to === undefined) throw 'invalid-argument';
      if (to.tag !== s.family || to.val.port === 0 || isUnspecified(to)) throw 'invalid-argument';
      return { data: d.data, host: hostOf(to), port: to.val.port };
    });
    this.permit -= BigInt(out.length);
    return BigInt(bridge().call('udpSend', s.id, out));
  }
  subscribe() {
    return new Pollable();
  }
}

// ---- ip-name-lookup

export class ResolveAddressStream {
  constructor(addresses) {
    this.addresses = addresses;
  }
  resolveNextAddress() {
    return this.addresses.shift();
  }
  subscribe() {
    return new Pollable();
  }
}

function resolveAddresses(_network, name) {
  if (typeof name !== 'string' || name === '' || /[\s/]/.test(name)) throw 'invalid-argument';
  const literal = name.replace(/^\[(.*)\]$/, '$1');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(literal)) return new ResolveAddressStream([ipAddress(literal, 'ipv4')]);
  if (literal.includes(':')) return new ResolveAddressStream([ipAddress(literal, 'ipv6')]);
  const found = bridge().call('lookup', name);
  return new ResolveAddressStream(found.map((a) => ipAddress(a.address, a.family)));
}

/** http.js transport over `fetch` in the network worker; the body streams from the worker. */
export function fetchTransport(req) {
  const b = bridge();
  const id = b.nextId++;
  const r = b.call('fetch', id, req);
  return { status: r.status, headers: r.headers, source: readSource(id, { what: 'http body', closeOnDrop: true }) };
}

/** The wasi:sockets import entries with TCP, UDP and name lookup granted. */
export function nodeSocketsImports() {
  const base = socketsImports();
  return {
    ...base,
    'wasi:sockets/tcp': { TcpSocket },
    'wasi:sockets/tcp-create-socket': {
      createTcpSocket(family) {
        if (family !== 'ipv4' && family !== 'ipv6') throw 'invalid-argument';
        return new TcpSocket(family);
      },
    },
    'wasi:sockets/udp': { UdpSocket, IncomingDatagramStream, OutgoingDatagramStream },
    'wasi:sockets/udp-create-socket': {
      createUdpSocket(family) {
        if (family !== 'ipv4' && family !== 'ipv6') throw 'invalid-argument';
        return new UdpSocket(family);
      },
    },
    'wasi:sockets/ip-name-lookup': { ResolveAddressStream, resolveAddresses },
  };
}
