// wasi:sockets on Node, when `createWasi({ network: true })` grants it: tcp,
// udp and ip-name-lookup.
//
// wasi:sockets is synchronous and poll-driven, Node's network is
// asynchronous: the I/O runs in a worker thread (net-worker.js) while the
// guest's thread waits in Atomics.wait for each reply (net-bridge.js).
import { IoError, InputStream, OutputStream, Pollable, MAX_CHUNK } from './io.js';
import { bridge } from './net-bridge.js';
import { socketsImports } from './sockets.js';
import { hostOf, ipAddress, isAddressFamily, isUnspecified, isUsableRemote, socketAddress } from './socket-address.js';
import { defineOptions, initialOptions } from './socket-options.js';

export { ipv6Parts } from './socket-address.js';

// ---- checks and steps both socket kinds share

const u64 = (v) => (typeof v === 'bigint' ? v : BigInt(v));

/** Option checks: 0 is `invalid-argument`; u64 options are kept as bigints. */
function nonZero(v) {
  if (v === 0) throw 'invalid-argument';
  return v;
}
function nonZeroU64(v) {
  if (u64(v) === 0n) throw 'invalid-argument';
  return u64(v);
}

const BUFFER_OPTIONS = [
  ['receiveBufferSize', 'setReceiveBufferSize', 65536n, nonZeroU64],
  ['sendBufferSize', 'setSendBufferSize', 65536n, nonZeroU64],
];

/** `a`, when it is an address of `family`. */
function checkFamily(a, family) {
  if (a?.tag !== family) throw 'invalid-argument';
  return a;
}
/** `a`, when it is an address of `family` that can be sent or connected to. */
function checkRemote(a, family) {
  if (!isUsableRemote(checkFamily(a, family))) throw 'invalid-argument';
  return a;
}

/** A start-* step: runs worker `op` for a new entry id; `{ ok, id }` or `{ err }` for the finish-* step. */
function startOp(op, ...args) {
  const b = bridge();
  const id = b.nextId++;
  try {
    return { ok: b.call(op, id, ...args), id };
  } catch (e) {
    return { err: e };
  }
}

/** A finish-* step: the started op's `{ ok, id }`, or its error thrown with the socket back in `failedState`. */
function finishOp(socket, startedState, failedState) {
  if (socket.state !== startedState) throw 'not-in-progress';
  const r = socket.pending;
  socket.pending = undefined;
  if ('err' in r) {
    socket.state = failedState;
    throw r.err;
  }
  return r;
}

/** Drops a socket: its worker entry closes. */
function closeSocket(socket) {
  if (socket.id !== null) bridge().call('close', socket.id);
  socket.id = null;
  socket.state = 'closed';
}

// ---- tcp

const TCP_OPTIONS = [
  ['keepAliveEnabled', 'setKeepAliveEnabled', false, Boolean],
  ['keepAliveIdleTime', 'setKeepAliveIdleTime', 7_200_000_000_000n, nonZeroU64],
  ['keepAliveInterval', 'setKeepAliveInterval', 75_000_000_000n, nonZeroU64],
  ['keepAliveCount', 'setKeepAliveCount', 9, nonZero],
  ['hopLimit', 'setHopLimit', 64, nonZero],
  ...BUFFER_OPTIONS,
];

export class TcpSocket {
  constructor(family, id = null) {
    this.family = family;
    this.id = id;
    this.state = 'unbound';
    this.local = undefined;
    this.remote = undefined;
    this.pending = undefined;
    this.backlog = 128;
    this.options = initialOptions(TCP_OPTIONS);
  }
  startBind(_network, localAddress) {
    if (this.state !== 'unbound') throw 'invalid-state';
    this.local = checkFamily(localAddress, this.family);
    this.state = 'bind-started';
  }
  finishBind() {
    if (this.state !== 'bind-started') throw 'not-in-progress';
    this.state = 'bound';
  }
  startConnect(_network, remoteAddress) {
    if (this.state !== 'unbound' && this.state !== 'bound') throw 'invalid-state';
    checkRemote(remoteAddress, this.family);
    const local = this.local;
    // Connecting waits here (the worker reports when it is done); finish-connect hands out the result.
    this.pending = startOp(
      'connect',
      hostOf(remoteAddress),
      remoteAddress.val.port,
      local && !isUnspecified(local) ? hostOf(local) : undefined,
      local?.val.port || undefined,
    );
    this.state = 'connect-started';
  }
  finishConnect() {
    const r = finishOp(this, 'connect-started', 'closed');
    this.id = r.id;
    this.local = socketAddress(r.ok.local);
    this.remote = socketAddress(r.ok.remote);
    this.state = 'connected';
    return streams(this.id);
  }
  startListen() {
    if (this.state !== 'bound') throw 'invalid-state';
    this.pending = startOp('listen', hostOf(this.local), this.local.val.port, this.backlog);
    this.state = 'listen-started';
  }
  finishListen() {
    const r = finishOp(this, 'listen-started', 'bound');
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
    closeSocket(this);
  }
}
defineOptions(TcpSocket, TCP_OPTIONS);

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

const UDP_OPTIONS = [['unicastHopLimit', 'setUnicastHopLimit', 64, nonZero], ...BUFFER_OPTIONS];

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
    this.options = initialOptions(UDP_OPTIONS);
  }
  startBind(_network, localAddress) {
    if (this.state !== 'unbound') throw 'invalid-state';
    checkFamily(localAddress, this.family);
    this.pending = startOp('udpBind', hostOf(localAddress), localAddress.val.port, this.family);
    this.state = 'bind-started';
  }
  finishBind() {
    const r = finishOp(this, 'bind-started', 'unbound');
    this.id = r.id;
    this.local = socketAddress(r.ok);
    this.state = 'bound';
  }
  stream(remoteAddress) {
    if (this.state !== 'bound') throw 'invalid-state';
    if (remoteAddress !== undefined) checkRemote(remoteAddress, this.family);
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
  subscribe() {
    return new Pollable();
  }
  [Symbol.dispose]() {
    closeSocket(this);
  }
}
defineOptions(UdpSocket, UDP_OPTIONS);

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
      checkRemote(to, s.family);
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

/** create-tcp-socket and create-udp-socket: a new `Socket` of `family`. */
function newSocket(Socket, family) {
  if (!isAddressFamily(family)) throw 'invalid-argument';
  return new Socket(family);
}

/** The wasi:sockets import entries with TCP, UDP and name lookup granted. */
export function nodeSocketsImports() {
  const base = socketsImports();
  return {
    ...base,
    'wasi:sockets/tcp': { TcpSocket },
    'wasi:sockets/tcp-create-socket': {
      createTcpSocket: (family) => newSocket(TcpSocket, family),
    },
    'wasi:sockets/udp': { UdpSocket, IncomingDatagramStream, OutgoingDatagramStream },
    'wasi:sockets/udp-create-socket': {
      createUdpSocket: (family) => newSocket(UdpSocket, family),
    },
    'wasi:sockets/ip-name-lookup': { ResolveAddressStream, resolveAddresses },
  };
}
