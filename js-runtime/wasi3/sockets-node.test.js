// wasi:sockets@0.3 on Node, the parts the wasi3-sockets guest (tests/node/
// wasi3.test.js) does not reach: option defaults and validation, the checks
// before any I/O, and Node errors as error-code variants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TcpSocket3, UdpSocket3, errorCode, nodeSockets3Imports } from './sockets-node.js';

const tag = (t) => (e) => e?.tag === t && !(e instanceof Error);
const LOOPBACK = { tag: 'ipv4', val: { port: 0, address: [127, 0, 0, 1] } };

/** Each option's default, a value it keeps, and `invalid-argument` for 0 and 0n (the value stays). */
function checkOptions(socket, rows) {
  for (const [name, initial, value] of rows) {
    assert.deepEqual(socket[`get${name}`](), initial, name);
    socket[`set${name}`](value);
    assert.deepEqual(socket[`get${name}`](), value, name);
    for (const zero of [0, 0n]) assert.throws(() => socket[`set${name}`](zero), tag('invalid-argument'), name);
    assert.deepEqual(socket[`get${name}`](), value, name);
  }
}

test('tcp: option defaults, values kept as given, 0 refused', () => {
  const s = TcpSocket3.create('ipv4');
  assert.equal(s.getAddressFamily(), 'ipv4');
  checkOptions(s, [
    ['KeepAliveIdleTime', 7_200_000_000_000n, 5n],
    ['KeepAliveInterval', 1_000_000_000n, 7],
    ['KeepAliveCount', 10, 3],
    ['HopLimit', 64, 1],
    ['ReceiveBufferSize', 65536n, 1024n],
    ['SendBufferSize', 65536n, 2048],
  ]);
  assert.equal(s.getIsListening(), false);
  for (const zero of [0, 0n]) assert.throws(() => s.setListenBacklogSize(zero), tag('invalid-argument'));
  assert.throws(() => TcpSocket3.create('ipv5'), tag('invalid-argument'));
});

test('tcp: keep-alive is remembered and applied to a connected socket', () => {
  const applied = [];
  const s = new TcpSocket3('ipv6', { setKeepAlive: (v) => applied.push(v) });
  assert.equal(s.getKeepAliveEnabled(), false);
  s.setKeepAliveEnabled(true);
  assert.equal(s.getKeepAliveEnabled(), true);
  assert.deepEqual(applied, [true]);
});

test('tcp: a listener refuses a new backlog; bind and connect check the address first', async () => {
  const s = TcpSocket3.create('ipv4');
  assert.throws(
    () => s.bind({ tag: 'ipv6', val: { port: 0, address: [0, 0, 0, 0, 0, 0, 0, 1] } }),
    tag('invalid-argument'),
  );
  s.bind(LOOPBACK);
  assert.throws(() => s.bind(LOOPBACK), tag('invalid-state'));
  s.listen();
  assert.equal(s.getIsListening(), true);
  assert.throws(() => s.setListenBacklogSize(5n), tag('invalid-state'));
  assert.ok(s.getLocalAddress().val.port > 0);
  s[Symbol.dispose]();
  const c = TcpSocket3.create('ipv4');
  await assert.rejects(c.connect({ tag: 'ipv4', val: { port: 0, address: [127, 0, 0, 1] } }), tag('invalid-argument'));
  await assert.rejects(c.connect({ tag: 'ipv4', val: { port: 9, address: [0, 0, 0, 0] } }), tag('invalid-argument'));
  assert.throws(() => c.getRemoteAddress(), tag('invalid-state'));
});

test('udp: option defaults, values kept as given, 0 refused; state and address checks', async () => {
  const s = UdpSocket3.create('ipv4');
  assert.equal(s.getAddressFamily(), 'ipv4');
  checkOptions(s, [
    ['UnicastHopLimit', 64, 2],
    ['ReceiveBufferSize', 65536n, 4096n],
    ['SendBufferSize', 65536n, 8192],
  ]);
  assert.throws(() => UdpSocket3.create('unix'), tag('invalid-argument'));
  assert.throws(() => s.getLocalAddress(), tag('invalid-state'));
  assert.throws(() => s.disconnect(), tag('invalid-state'));
  await assert.rejects(s.receive(), tag('invalid-state'));
  await assert.rejects(s.send(new Uint8Array(1)), tag('invalid-argument'));
  assert.throws(() => s.connect({ tag: 'ipv4', val: { port: 0, address: [127, 0, 0, 1] } }), tag('invalid-argument'));
  s.connect({ tag: 'ipv4', val: { port: 9, address: [127, 0, 0, 1] } }); // binds to an ephemeral port
  assert.ok(s.getLocalAddress().val.port > 0);
  assert.deepEqual(s.getRemoteAddress().val.port, 9);
  await assert.rejects(s.send(new Uint8Array(65508)), tag('datagram-too-large'));
  s[Symbol.dispose]();
});

test('errorCode: Node errno -> error-code; variants pass through; anything else is other', () => {
  const expected = [
    ['access-denied', 'EACCES', 'EPERM'],
    ['address-in-use', 'EADDRINUSE'],
    ['address-not-bindable', 'EADDRNOTAVAIL'],
    ['connection-refused', 'ECONNREFUSED'],
    ['connection-reset', 'ECONNRESET'],
    ['connection-aborted', 'ECONNABORTED'],
    ['connection-broken', 'EPIPE'],
    ['timeout', 'ETIMEDOUT'],
    ['remote-unreachable', 'EHOSTUNREACH', 'ENETUNREACH'],
    ['datagram-too-large', 'EMSGSIZE'],
    ['invalid-argument', 'EINVAL'],
  ];
  for (const [t, ...codes] of expected)
    for (const code of codes) assert.deepEqual(errorCode(Object.assign(new Error('x'), { code })), { tag: t }, code);
  const variant = { tag: 'invalid-state' };
  assert.equal(errorCode(variant), variant);
  assert.deepEqual(errorCode(Object.assign(new Error('odd'), { code: 'EWHAT' })), { tag: 'other', val: 'odd' });
  assert.deepEqual(errorCode('text'), { tag: 'other', val: 'text' });
  assert.deepEqual(errorCode(Object.assign(new Error('own'), { code: 'toString' })), { tag: 'other', val: 'own' });
});

test('ip-name-lookup@0.3: literals answer without DNS, bad names are invalid-argument', async () => {
  const { resolveAddresses } = nodeSockets3Imports()['wasi:sockets/ip-name-lookup@0.3'];
  assert.deepEqual(await resolveAddresses('127.0.0.1'), [{ tag: 'ipv4', val: [127, 0, 0, 1] }]);
  assert.deepEqual(await resolveAddresses('[::1]'), [{ tag: 'ipv6', val: [0, 0, 0, 0, 0, 0, 0, 1] }]);
  for (const bad of ['', 'a b', 'a/b', 7]) await assert.rejects(resolveAddresses(bad), tag('invalid-argument'));
});
