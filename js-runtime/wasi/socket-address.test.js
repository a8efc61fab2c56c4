import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  hostOf,
  ipAddress,
  isAddressFamily,
  isUnspecified,
  isUsableRemote,
  socketAddress,
  unspecifiedAddress,
} from './socket-address.js';

const V6_LOOPBACK = [0, 0, 0, 0, 0, 0, 0, 1];

test('ipAddress and socketAddress take the family as Node, the worker or WIT spell it', () => {
  for (const family of ['ipv6', 'IPv6', 6]) {
    assert.deepEqual(ipAddress('::1', family), { tag: 'ipv6', val: V6_LOOPBACK });
    assert.deepEqual(socketAddress({ address: '::1', port: 80, family }), {
      tag: 'ipv6',
      val: { port: 80, flowInfo: 0, address: V6_LOOPBACK, scopeId: 0 },
    });
  }
  for (const family of ['ipv4', 'IPv4', 4]) {
    assert.deepEqual(ipAddress('10.0.0.2', family), { tag: 'ipv4', val: [10, 0, 0, 2] });
    assert.deepEqual(socketAddress({ address: '10.0.0.2', port: 1, family }), {
      tag: 'ipv4',
      val: { port: 1, address: [10, 0, 0, 2] },
    });
  }
});

test('hostOf is the Node host string; the unspecified address is port 0 on 0.0.0.0 or ::', () => {
  assert.equal(hostOf(socketAddress({ address: '127.0.0.1', port: 5, family: 'IPv4' })), '127.0.0.1');
  assert.equal(hostOf(socketAddress({ address: 'fe80::a', port: 5, family: 'IPv6' })), 'fe80:0:0:0:0:0:0:a');
  assert.equal(hostOf(unspecifiedAddress('ipv4')), '0.0.0.0');
  assert.equal(hostOf(unspecifiedAddress('ipv6')), '0:0:0:0:0:0:0:0');
  assert.equal(unspecifiedAddress('ipv6').val.port, 0);
});

test('a usable remote has a port and a specified (not all-zero) address; families are ipv4 and ipv6', () => {
  const at = (address, port) => socketAddress({ address, port, family: 'IPv4' });
  assert.equal(isUsableRemote(at('127.0.0.1', 80)), true);
  assert.equal(isUsableRemote(at('127.0.0.1', 0)), false);
  assert.equal(isUsableRemote(at('0.0.0.0', 80)), false);
  assert.equal(isUnspecified(unspecifiedAddress('ipv6')), true);
  assert.equal(isUnspecified(at('0.0.0.1', 0)), false);
  assert.deepEqual(['ipv4', 'ipv6', 'IPv4', 6, undefined].map(isAddressFamily), [true, true, false, false, false]);
});
