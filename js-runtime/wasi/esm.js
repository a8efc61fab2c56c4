// WASI for weft's plain-ESM output, in Node and in browsers: `weft transpile`
// writes this host next to the glue (as wasi/) and maps 'wasi:*' here when a
// component imports WASI (or map it yourself: --map 'wasi:*=<path>/esm.js#*'),
// and the glue imports each interface from here ('cli/environment', ...).
// Grant capabilities with `configure(options)` (createWasi's options) before
// the glue module is imported; unconfigured, the guest gets the defaults
// (inherited stdout/stderr, no args, env, stdin or files).
//
//   import { configure } from './js-runtime/wasi/esm.js';
//   configure({ args: ['app'], preopens: { '/data': './data' } });
//   await import('./out/app.js');
import { esmInterfaces } from './esm-common.js';

// Node gets the real host (files, stdio, network); other engines the browser one.
const isNode = typeof process !== 'undefined' && process.versions != null && process.versions.node != null;
const { createWasi } = isNode ? await import('./index.js') : await import('./browser.js');

const ifaces = esmInterfaces(createWasi);
export const configure = ifaces.configure;
export const {
  'cli/environment': cliEnvironment,
  'cli/exit': cliExit,
  'cli/stdin': cliStdin,
  'cli/stdout': cliStdout,
  'cli/stderr': cliStderr,
  'cli/terminal-input': cliTerminalInput,
  'cli/terminal-output': cliTerminalOutput,
  'cli/terminal-stdin': cliTerminalStdin,
  'cli/terminal-stdout': cliTerminalStdout,
  'cli/terminal-stderr': cliTerminalStderr,
  'cli/types': cliTypes,
  'io/error': ioError,
  'io/poll': ioPoll,
  'io/streams': ioStreams,
  'clocks/monotonic-clock': clocksMonotonicClock,
  'clocks/wall-clock': clocksWallClock,
  'clocks/timezone': clocksTimezone,
  'clocks/types': clocksTypes,
  'clocks/system-clock': clocksSystemClock,
  'clocks/timezone@0.3': clocksTimezone3,
  'random/random': randomRandom,
  'random/insecure': randomInsecure,
  'random/insecure-seed': randomInsecureSeed,
  'filesystem/types': filesystemTypes,
  'filesystem/preopens': filesystemPreopens,
  'filesystem/types@0.3': filesystemTypes3,
  'filesystem/preopens@0.3': filesystemPreopens3,
  'sockets/network': socketsNetwork,
  'sockets/instance-network': socketsInstanceNetwork,
  'sockets/tcp': socketsTcp,
  'sockets/tcp-create-socket': socketsTcpCreateSocket,
  'sockets/udp': socketsUdp,
  'sockets/udp-create-socket': socketsUdpCreateSocket,
  'sockets/ip-name-lookup': socketsIpNameLookup,
  'http/types': httpTypes,
  'http/outgoing-handler': httpOutgoingHandler,
  'http/types@0.3': httpTypes3,
  'http/client': httpClient,
  'sockets/types': socketsTypes,
  'sockets/ip-name-lookup@0.3': socketsIpNameLookup3,
} = ifaces.exports;
export {
  cliEnvironment as 'cli/environment',
  cliExit as 'cli/exit',
  cliStdin as 'cli/stdin',
  cliStdout as 'cli/stdout',
  cliStderr as 'cli/stderr',
  cliTerminalInput as 'cli/terminal-input',
  cliTerminalOutput as 'cli/terminal-output',
  cliTerminalStdin as 'cli/terminal-stdin',
  cliTerminalStdout as 'cli/terminal-stdout',
  cliTerminalStderr as 'cli/terminal-stderr',
  cliTypes as 'cli/types',
  ioError as 'io/error',
  ioPoll as 'io/poll',
  ioStreams as 'io/streams',
  clocksMonotonicClock as 'clocks/monotonic-clock',
  clocksWallClock as 'clocks/wall-clock',
  clocksTimezone as 'clocks/timezone',
  clocksTypes as 'clocks/types',
  clocksSystemClock as 'clocks/system-clock',
  clocksTimezone3 as 'clocks/timezone@0.3',
  randomRandom as 'random/random',
  randomInsecure as 'random/insecure',
  randomInsecureSeed as 'random/insecure-seed',
  filesystemTypes as 'filesystem/types',
  filesystemPreopens as 'filesystem/preopens',
  filesystemTypes3 as 'filesystem/types@0.3',
  filesystemPreopens3 as 'filesystem/preopens@0.3',
  socketsNetwork as 'sockets/network',
  socketsInstanceNetwork as 'sockets/instance-network',
  socketsTcp as 'sockets/tcp',
  socketsTcpCreateSocket as 'sockets/tcp-create-socket',
  socketsUdp as 'sockets/udp',
  socketsUdpCreateSocket as 'sockets/udp-create-socket',
  socketsIpNameLookup as 'sockets/ip-name-lookup',
  httpTypes as 'http/types',
  httpOutgoingHandler as 'http/outgoing-handler',
  httpTypes3 as 'http/types@0.3',
  httpClient as 'http/client',
  socketsTypes as 'sockets/types',
  socketsIpNameLookup3 as 'sockets/ip-name-lookup@0.3',
};
