import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWasi } from './index.js';
import { createWasi as createBrowserWasi } from './browser.js';

for (const [name, create] of [
  ['node', createWasi],
  ['browser', createBrowserWasi],
]) {
  test(`sockets (${name}): every network operation fails at once with not-supported`, () => {
    const w = create({ stdout: null });
    const net = w['wasi:sockets/instance-network'].instanceNetwork();
    assert.ok(net instanceof w['wasi:sockets/network'].Network);
    assert.throws(
      () => w['wasi:sockets/tcp-create-socket'].createTcpSocket('ipv4'),
      (e) => e === 'not-supported',
    );
    assert.throws(
      () => w['wasi:sockets/udp-create-socket'].createUdpSocket('ipv6'),
      (e) => e === 'not-supported',
    );
    assert.throws(
      () => w['wasi:sockets/ip-name-lookup'].resolveAddresses(net, 'localhost'),
      (e) => e === 'not-supported',
    );
    const tcp = new w['wasi:sockets/tcp'].TcpSocket();
    assert.throws(
      () => tcp.startConnect(net, { tag: 'ipv4', val: { port: 80, address: [127, 0, 0, 1] } }),
      (e) => e === 'not-supported',
    );
    assert.equal(tcp.isListening(), false);
    assert.equal(w['wasi:sockets/network'].networkErrorCode({}), undefined);
  });
}
