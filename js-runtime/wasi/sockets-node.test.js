// wasi:sockets on Node with the network granted: TCP over loopback and name
// lookup, driven synchronously through the worker bridge. The peer of each
// connection lives in this same instance (listen + connect + accept), since
// the test thread blocks while the bridge works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWasi } from './index.js';
import { ipv6Parts } from './sockets-node.js';
import { poll } from './io.js';

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const code = (c) => (e) => e === c;
const LOOPBACK = { tag: 'ipv4', val: { port: 0, address: [127, 0, 0, 1] } };

function granted() {
  const w = createWasi({ network: true, stdout: null, stderr: null });
  return {
    net: w['wasi:sockets/instance-network'].instanceNetwork(),
    tcp: (f = 'ipv4') => w['wasi:sockets/tcp-create-socket'].createTcpSocket(f),
    lookup: w['wasi:sockets/ip-name-lookup'],
  };
}

test('sockets (node, granted): listen, connect, accept, exchange data, shutdown', () => {
  const { net, tcp } = granted();
  const server = tcp();
  server.startBind(net, LOOPBACK);
  server.finishBind();
  server.startListen();
  server.finishListen();
  assert.equal(server.isListening(), true);
  const addr = server.localAddress();
  assert.equal(addr.tag, 'ipv4');
  assert.ok(addr.val.port > 0);
  assert.throws(() => server.accept(), code('would-block'));

  const client = tcp();
  client.startConnect(net, addr);
  const [cin, cout] = client.finishConnect();
  assert.deepEqual(client.remoteAddress(), addr);
  // Wait for the connection to arrive through poll on the listener's pollable.
  assert.deepEqual([...poll([server.subscribe()])], [0]);
  const [conn, sin, sout] = server.accept();
  assert.deepEqual(conn.remoteAddress(), client.localAddress());

  cout.blockingWriteAndFlush(enc('ping'));
  client.shutdown('send');
  let got = '';
  for (;;) {
    try {
      got += dec(sin.blockingRead(100n));
    } catch (e) {
      assert.equal(e.tag, 'closed');
      break;
    }
  }
  assert.equal(got, 'ping');
  // Half-open: the server can still answer after the client's FIN.
  sout.blockingWriteAndFlush(enc('pong'));
  conn[Symbol.dispose]();
  const p = cin.subscribe();
  p.block();
  assert.equal(dec(cin.blockingRead(100n)), 'pong');
  assert.throws(
    () => cin.blockingRead(100n),
    (e) => e.tag === 'closed',
  );
  client[Symbol.dispose]();
  server[Symbol.dispose]();
});

test('sockets (node, granted): connection refused, state and argument errors', () => {
  const { net, tcp } = granted();
  // Find a free port, then close it so nothing listens there.
  const probe = tcp();
  probe.startBind(net, LOOPBACK);
  probe.finishBind();
  probe.startListen();
  probe.finishListen();
  const port = probe.localAddress().val.port;
  probe[Symbol.dispose]();
  const s = tcp();
  s.startConnect(net, { tag: 'ipv4', val: { port, address: [127, 0, 0, 1] } });
  assert.throws(() => s.finishConnect(), code('connection-refused'));

  const t = tcp();
  assert.throws(() => t.finishConnect(), code('not-in-progress'));
  assert.throws(() => t.startListen(), code('invalid-state'));
  assert.throws(() => t.remoteAddress(), code('invalid-state'));
  assert.throws(
    () =>
      t.startConnect(net, {
        tag: 'ipv6',
        val: { port: 1, flowInfo: 0, address: [0, 0, 0, 0, 0, 0, 0, 1], scopeId: 0 },
      }),
    code('invalid-argument'),
  );
  assert.throws(
    () => t.startConnect(net, { tag: 'ipv4', val: { port: 0, address: [127, 0, 0, 1] } }),
    code('invalid-argument'),
  );
  assert.throws(() => t.setHopLimit(0), code('invalid-argument'));
  t.setKeepAliveEnabled(true);
  assert.equal(t.keepAliveEnabled(), true);
  assert.equal(t.addressFamily(), 'ipv4');
});

test('ip-name-lookup (node, granted): literals and localhost', () => {
  const { net, lookup } = granted();
  const one = lookup.resolveAddresses(net, '127.0.0.1');
  assert.deepEqual(one.resolveNextAddress(), { tag: 'ipv4', val: [127, 0, 0, 1] });
  assert.equal(one.resolveNextAddress(), undefined);
  assert.deepEqual(lookup.resolveAddresses(net, '[::1]').resolveNextAddress(), {
    tag: 'ipv6',
    val: [0, 0, 0, 0, 0, 0, 0, 1],
  });
  const local = lookup.resolveAddresses(net, 'localhost');
  assert.equal(local.subscribe().ready(), true);
  const first = local.resolveNextAddress();
  assert.ok(first.tag === 'ipv4' || first.tag === 'ipv6');
  assert.throws(() => lookup.resolveAddresses(net, 'bad name'), code('invalid-argument'));
});

test('sockets (node): not granted -> not-supported', () => {
  const w = createWasi({ stdout: null });
  assert.throws(() => w['wasi:sockets/tcp-create-socket'].createTcpSocket('ipv4'), code('not-supported'));
  assert.throws(() => w['wasi:sockets/udp-create-socket'].createUdpSocket('ipv4'), code('not-supported'));
  assert.throws(() => w['wasi:sockets/ip-name-lookup'].resolveAddresses({}, 'localhost'), code('not-supported'));
});

test('udp (node, granted): datagrams between two sockets, unconnected and connected', () => {
  const w = createWasi({ network: true, stdout: null });
  const net = w['wasi:sockets/instance-network'].instanceNetwork();
  const udp = () => w['wasi:sockets/udp-create-socket'].createUdpSocket('ipv4');
  const a = udp();
  const b = udp();
  for (const s of [a, b]) {
    s.startBind(net, LOOPBACK);
    s.finishBind();
  }
  const bAddr = b.localAddress();
  assert.ok(bAddr.val.port > 0);
  const [aIn, aOut] = a.stream(undefined);
  const [bIn] = b.stream(undefined);
  assert.deepEqual(bIn.receive(10n), []);
  assert.ok(aOut.checkSend() >= 2n);
  assert.throws(() => aOut.send([{ data: enc('no address'), remoteAddress: undefined }]), code('invalid-argument'));
  aOut.checkSend();
  assert.equal(
    aOut.send([
      { data: enc('one'), remoteAddress: bAddr },
      { data: enc('two'), remoteAddress: bAddr },
    ]),
    2n,
  );
  const got = [];
  while (got.length < 2) {
    poll([bIn.subscribe()]);
    got.push(...bIn.receive(10n));
  }
  assert.deepEqual(
    got.map((d) => dec(d.data)),
    ['one', 'two'],
  );
  assert.deepEqual(got[0].remoteAddress, a.localAddress());
  // Connected stream: the remote address may be left out; a different one is refused.
  const [, bOut2] = b.stream(a.localAddress());
  assert.deepEqual(b.remoteAddress(), a.localAddress());
  bOut2.checkSend();
  assert.throws(() => bOut2.send([{ data: enc('x'), remoteAddress: bAddr }]), code('invalid-argument'));
  bOut2.checkSend();
  assert.equal(bOut2.send([{ data: enc('back'), remoteAddress: undefined }]), 1n);
  poll([aIn.subscribe()]);
  assert.equal(dec(aIn.receive(1n)[0].data), 'back');
  assert.throws(() => bIn.receive(1n), code('invalid-state')); // b's first streams ended with stream()
  a[Symbol.dispose]();
  b[Symbol.dispose]();
});

test('ipv6 address parsing', () => {
  assert.deepEqual(ipv6Parts('::1'), [0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(ipv6Parts('fe80::1%eth0'), [0xfe80, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(ipv6Parts('::ffff:1.2.3.4'), [0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
  assert.deepEqual(ipv6Parts('1:2:3:4:5:6:7:8'), [1, 2, 3, 4, 5, 6, 7, 8]);
});

/** Each option's default, a value it keeps, and `invalid-argument` for 0 (the value stays). */
function checkOptions(socket, rows) {
  for (const [name, initial, value, stored = value] of rows) {
    const setter = `set${name[0].toUpperCase()}${name.slice(1)}`;
    assert.deepEqual(socket[name](), initial, name);
    socket[setter](value);
    assert.deepEqual(socket[name](), stored, name);
    assert.throws(() => socket[setter](typeof initial === 'bigint' ? 0n : 0), code('invalid-argument'), setter);
    assert.deepEqual(socket[name](), stored, name);
  }
}

test('sockets (node, granted): TCP and UDP options (defaults, validation, u64 as bigint)', () => {
  const w = createWasi({ network: true, stdout: null });
  const tcp = w['wasi:sockets/tcp-create-socket'].createTcpSocket('ipv6');
  assert.equal(tcp.addressFamily(), 'ipv6');
  checkOptions(tcp, [
    ['keepAliveIdleTime', 7_200_000_000_000n, 5n],
    ['keepAliveInterval', 75_000_000_000n, 6, 6n],
    ['keepAliveCount', 9, 3],
    ['hopLimit', 64, 1],
    ['receiveBufferSize', 65536n, 1024n],
    ['sendBufferSize', 65536n, 2048, 2048n],
  ]);
  assert.equal(tcp.keepAliveEnabled(), false);
  tcp.setKeepAliveEnabled(1);
  assert.equal(tcp.keepAliveEnabled(), true);
  assert.throws(() => tcp.setListenBacklogSize(0n), code('invalid-argument'));
  tcp.setListenBacklogSize(10n);
  assert.throws(() => w['wasi:sockets/tcp-create-socket'].createTcpSocket('ipv5'), code('invalid-argument'));

  const udp = w['wasi:sockets/udp-create-socket'].createUdpSocket('ipv4');
  assert.equal(udp.addressFamily(), 'ipv4');
  checkOptions(udp, [
    ['unicastHopLimit', 64, 2],
    ['receiveBufferSize', 65536n, 4096n],
    ['sendBufferSize', 65536n, 8192, 8192n],
  ]);
  assert.throws(() => w['wasi:sockets/udp-create-socket'].createUdpSocket('unix'), code('invalid-argument'));
});
