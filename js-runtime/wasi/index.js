// Node entry of the WASI 0.2 host: `createWasi(options)` returns the import
// object for a transpiled component (keys like 'wasi:cli/environment').
// Capabilities are granted, not ambient: no env var, argument, file or
// network is visible unless passed here. See README.md.
import fs from 'node:fs';
import tty from 'node:tty';
import { buildImports, preopenEntries } from './imports.js';
import { bytesSource, functionSink, functionSource, nullSink } from './io.js';
import { MemDirectory, memoryPreopen } from './filesystem-memory.js';
import { NodeDescriptor, nodePreopen } from './filesystem-node.js';
import { sleepUntil, monotonicNow } from './time.js';
import { fdReader } from './fd-reader.js';
import { fetchTransport, nodeSocketsImports } from './sockets-node.js';
import { nodeTransport } from '../wasi3/http-node.js';
import { nodeSockets3Imports } from '../wasi3/sockets-node.js';

export { isCommand3, runCommand3 } from '../wasi3/run.js';
export { WasiExit, runCommand, runCommandAsync } from './cli.js';
export { IoError, collectSink, lineSink } from './io.js';
export { memoryDirectory, memoryFile, memorySymlink, MemDirectory } from './filesystem-memory.js';

const pause = () => sleepUntil(monotonicNow() + 1_000_000n);

/** A sink writing synchronously to a file descriptor (retries EAGAIN on non-blocking pipes). */
export function fdSink(fd) {
  return {
    write(bytes) {
      for (let o = 0; o < bytes.length; ) {
        try {
          o += fs.writeSync(fd, bytes, o, bytes.length - o);
        } catch (e) {
          if (e.code !== 'EAGAIN') throw e;
          pause();
        }
      }
    },
  };
}

/** A source reading from a file descriptor: synchronously (0.2) or without blocking the thread (0.3, fd-reader.js). */
export function fdSource(fd) {
  const reader = fdReader(fd);
  return {
    read(len, blocking) {
      const ahead = reader.takeBuffered(len);
      if (ahead !== null) return ahead;
      const buf = new Uint8Array(len);
      for (;;) {
        try {
          const n = fs.readSync(fd, buf, 0, len, null);
          return n === 0 && len > 0 ? null : buf.subarray(0, n);
        } catch (e) {
          if (e.code === 'EOF') return null;
          if (e.code !== 'EAGAIN') throw e;
          if (!blocking) return new Uint8Array(0);
          pause();
        }
      }
    },
    /** Reads without blocking the thread (WASI 0.3 stdin): the next chunk, or null at the end. */
    readAsync: reader.readAsync,
  };
}

function sink(v, fd, what) {
  if (v === undefined || v === 'inherit') return fdSink(fd);
  if (v === null || v === 'ignore') return nullSink();
  if (typeof v === 'number') return fdSink(v);
  if (typeof v === 'function') return functionSink(v);
  if (typeof v === 'object' && typeof v.write === 'function') return v;
  throw new TypeError(`createWasi: ${what} must be 'inherit', 'ignore', an fd, a function or a sink`);
}

function source(v) {
  if (v == null || v === 'ignore') return bytesSource('');
  if (v === 'inherit') return fdSource(0);
  if (typeof v === 'number') return fdSource(v);
  if (typeof v === 'string' || v instanceof Uint8Array) return bytesSource(v);
  if (typeof v === 'function') return functionSource(v);
  if (typeof v === 'object' && typeof v.read === 'function') return v;
  throw new TypeError("createWasi: stdin must be a string, Uint8Array, 'inherit', an fd, a function or a source");
}

function preopen(guest, v) {
  if (typeof v === 'string') return nodePreopen(v);
  if (v instanceof MemDirectory) return memoryPreopen(v);
  if (v && typeof v === 'object' && typeof v.path === 'string') return nodePreopen(v.path, v);
  if (v && typeof v === 'object' && v.memory) return memoryPreopen(v.memory, v);
  if (v && typeof v === 'object') return memoryPreopen(v);
  throw new TypeError(
    `createWasi: preopen ${guest} must be a host directory path, { path, readonly } or an in-memory tree`,
  );
}

const isTty = (v, fd) => (v === undefined || v === 'inherit') && tty.isatty(fd);

/**
 * options:
 *   args      string[]                 (argv as the guest sees it, argv[0] included if wanted)
 *   env       { KEY: 'value' } | [[k, v]]
 *   cwd       string                   (wasi:cli/environment initial-cwd)
 *   preopens  { '/guest/path': '/host/dir' | { path, readonly } | memoryDirectory(...) | {spec} }
 *   stdin     string | Uint8Array | 'inherit' | fd | (maxLen) => bytes|string|null | source   (default: empty)
 *   stdout, stderr  'inherit' (default) | 'ignore' | null | fd | (bytes) => void | sink
 *   terminal  { stdin, stdout, stderr } booleans (default: isatty of inherited fds)
 *   timezone  'local' to expose the host's zone (default UTC)
 *   network   true: TCP, UDP, name lookup and outgoing HTTP (fetch) through a worker thread
 *             (default: sockets fail with not-supported, wasi:http requests with HTTP-request-denied)
 */
export function createWasi(options = {}) {
  const preopens = preopenEntries(options.preopens).map(([guest, v]) => [preopen(guest, v), guest]);
  return buildImports({
    args: options.args,
    env: options.env,
    cwd: options.cwd,
    timezone: options.timezone,
    stdin: source(options.stdin),
    stdout: sink(options.stdout, 1, 'stdout'),
    stderr: sink(options.stderr, 2, 'stderr'),
    terminal: options.terminal ?? {
      stdin: options.stdin === 'inherit' && tty.isatty(0),
      stdout: isTty(options.stdout, 1),
      stderr: isTty(options.stderr, 2),
    },
    preopens,
    Descriptor: NodeDescriptor,
    sockets: options.network === true ? nodeSocketsImports() : undefined,
    http: options.network === true ? fetchTransport : undefined,
    http3: options.network === true ? nodeTransport : undefined,
    sockets3: options.network === true ? nodeSockets3Imports() : undefined,
  });
}
