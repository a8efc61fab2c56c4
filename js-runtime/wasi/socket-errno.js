// Node errno codes -> wasi:sockets error-code cases. The 0.2 host (in its
// network worker, net-worker.js) and the 0.3 host (wasi3/sockets-node.js)
// agree on most codes; each adds to `ERRNO_COMMON` the ones its own
// error-code variant spells differently (EPIPE) or only it has.

/** The errno codes both versions' error-codes map alike. */
export const ERRNO_COMMON = {
  EACCES: 'access-denied',
  EPERM: 'access-denied',
  EADDRINUSE: 'address-in-use',
  EADDRNOTAVAIL: 'address-not-bindable',
  ECONNREFUSED: 'connection-refused',
  ECONNRESET: 'connection-reset',
  ECONNABORTED: 'connection-aborted',
  ETIMEDOUT: 'timeout',
  EHOSTUNREACH: 'remote-unreachable',
  ENETUNREACH: 'remote-unreachable',
  EINVAL: 'invalid-argument',
};

/** The error-code case `table` gives Node error `e`'s errno, or undefined when it has none. */
export const errnoCase = (table, e) => (Object.hasOwn(table, e?.code) ? table[e.code] : undefined);
