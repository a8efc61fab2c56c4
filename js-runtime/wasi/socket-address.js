// wasi:sockets addresses <-> Node's address strings, shared by the 0.2 host
// (sockets-node.js) and the 0.3 host (wasi3/sockets-node.js), whose WIT
// address values have the same shape: `{ tag: 'ipv4' | 'ipv6', val }`, an
// ip-address's `val` the parts, an ip-socket-address's `val` `{ port,
// address, ... }`.

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

/** An address family as Node (`'IPv6'`, `6`) or the network worker and WIT (`'ipv6'`) spell it. */
const isIpv6 = (family) => family === 'ipv6' || family === 'IPv6' || family === 6;

/** `'ipv4'` and `'ipv6'`, the ip-address-family cases. */
export const isAddressFamily = (family) => family === 'ipv4' || family === 'ipv6';

/** A Node address string of `family` -> WIT ip-address. */
export function ipAddress(address, family) {
  return isIpv6(family)
    ? { tag: 'ipv6', val: ipv6Parts(address) }
    : { tag: 'ipv4', val: address.split('.').map(Number) };
}

/** A Node `{ address, port, family }` -> WIT ip-socket-address. */
export function socketAddress({ address, port, family }) {
  return isIpv6(family)
    ? { tag: 'ipv6', val: { port, flowInfo: 0, address: ipv6Parts(address), scopeId: 0 } }
    : { tag: 'ipv4', val: { port, address: address.split('.').map(Number) } };
}

/** The ip-socket-address of port 0 on the unspecified address (`0.0.0.0`, `::`) of `family`. */
export function unspecifiedAddress(family) {
  return family === 'ipv6'
    ? { tag: 'ipv6', val: { port: 0, flowInfo: 0, address: [0, 0, 0, 0, 0, 0, 0, 0], scopeId: 0 } }
    : { tag: 'ipv4', val: { port: 0, address: [0, 0, 0, 0] } };
}

/** A WIT ip-socket-address's host as Node takes it (`127.0.0.1`, `0:0:0:0:0:0:0:1`). */
export function hostOf(a) {
  const parts = a.val.address;
  return a.tag === 'ipv6' ? parts.map((x) => x.toString(16)).join(':') : parts.join('.');
}

export const isUnspecified = (a) => a.val.address.every((x) => x === 0);

/** A remote a socket can send to or connect to: a port, and not the unspecified address. */
export const isUsableRemote = (a) => a.val.port !== 0 && !isUnspecified(a);
