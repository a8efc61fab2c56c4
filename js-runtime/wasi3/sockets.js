// wasi:sockets@0.3.x without a network grant (and in the browser): socket
// creation and name lookup fail at once with `not-supported`, never a hang.
// `ip-name-lookup` keeps a key of its own (`@0.3`): its 0.2 twin has the same
// function name with another signature. sockets-node.js is the Node grant.

const fail = () => {
  throw { tag: 'not-supported' };
};

// Resource classes (the bindings look up their static constructors), not namespaces.
// biome-ignore lint/complexity/noStaticOnlyClass: a WIT resource with no sockets to construct
export class TcpSocket3 {
  static create = fail;
}
// biome-ignore lint/complexity/noStaticOnlyClass: as above
export class UdpSocket3 {
  static create = fail;
}

export function sockets3Imports() {
  return {
    'wasi:sockets/types': { TcpSocket: TcpSocket3, UdpSocket: UdpSocket3 },
    'wasi:sockets/ip-name-lookup@0.3': {
      resolveAddresses: () => Promise.reject({ tag: 'access-denied' }),
    },
  };
}
