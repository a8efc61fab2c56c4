// wasi:sockets — no network capability is implemented yet: every operation
// that would touch the network fails at once with `not-supported` (never a
// hang). `instance-network` still hands out a `network` object, because
// guests (Rust std among them) ask for it before creating a socket.
//
// Why not real sockets on Node: wasi:sockets is a synchronous, poll-driven
// API, while Node's sockets are asynchronous; doing it for real needs JSPI or a
// worker thread driven through Atomics.wait. Documented in README.md.
const NOT_SUPPORTED = 'not-supported';
const fail = () => {
  throw NOT_SUPPORTED;
};

export class Network {}

function unsupportedResource(methods) {
  const cls = class {};
  for (const m of methods) cls.prototype[m] = fail;
  return cls;
}

const SOCKET_COMMON = [
  'startBind',
  'finishBind',
  'localAddress',
  'remoteAddress',
  'receiveBufferSize',
  'setReceiveBufferSize',
  'sendBufferSize',
  'setSendBufferSize',
];
export const TcpSocket = unsupportedResource([
  ...SOCKET_COMMON,
  'startConnect',
  'finishConnect',
  'startListen',
  'finishListen',
  'accept',
  'setListenBacklogSize',
  'keepAliveEnabled',
  'setKeepAliveEnabled',
  'keepAliveIdleTime',
  'setKeepAliveIdleTime',
  'keepAliveInterval',
  'setKeepAliveInterval',
  'keepAliveCount',
  'setKeepAliveCount',
  'hopLimit',
  'setHopLimit',
  'shutdown',
  'subscribe',
]);
TcpSocket.prototype.isListening = () => false;
TcpSocket.prototype.addressFamily = () => 'ipv4';
export const UdpSocket = unsupportedResource([
  ...SOCKET_COMMON,
  'stream',
  'unicastHopLimit',
  'setUnicastHopLimit',
  'subscribe',
]);
UdpSocket.prototype.addressFamily = () => 'ipv4';
export const IncomingDatagramStream = unsupportedResource(['receive', 'subscribe']);
export const OutgoingDatagramStream = unsupportedResource(['checkSend', 'send', 'subscribe']);
export const ResolveAddressStream = unsupportedResource(['resolveNextAddress', 'subscribe']);

export function socketsImports() {
  const network = new Network();
  return {
    'wasi:sockets/network': { Network, networkErrorCode: () => undefined },
    'wasi:sockets/instance-network': { instanceNetwork: () => network },
    'wasi:sockets/tcp': { TcpSocket },
    'wasi:sockets/tcp-create-socket': { createTcpSocket: fail },
    'wasi:sockets/udp': { UdpSocket, IncomingDatagramStream, OutgoingDatagramStream },
    'wasi:sockets/udp-create-socket': { createUdpSocket: fail },
    'wasi:sockets/ip-name-lookup': { ResolveAddressStream, resolveAddresses: fail },
  };
}
