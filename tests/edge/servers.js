// Starts the wasi-http-server fixture on every platform weft serves it on:
// `weft serve` (Node 20, synchronous host), and the `weft transpile --target`
// entries on Node 24 (JSPI), Deno, Bun and workerd. Shared by the runtime
// tests (tests/edge/runtimes.test.js) and the load benchmark (bench/edge.mjs).
// Everything listens on 127.0.0.1.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WEFT = process.env.WEFT_BIN ?? join(REPO, 'target/debug/weft');
const BIN = join(REPO, 'node_modules/.bin');
const NODE24 = join(REPO, 'node_modules/node/bin/node');
export const FIXTURE = join(REPO, 'fixtures/build/wasi-http-server.wasm');
/** The WASI 0.3 fixture (`wasi:http/handler@0.3.x`). */
export const FIXTURE3 = join(REPO, 'fixtures/build/wasi3-http-server.wasm');

/** A free TCP port on 127.0.0.1 (for workerd, whose config names its port). */
function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

/** Transpiles `fixture` for `target` into a fresh directory under `root`. */
function transpile(root, target, fixture) {
  const dir = join(root, target);
  execFileSync(WEFT, [
    'transpile',
    fixture,
    '-o',
    dir,
    '--name',
    'app',
    '--target',
    target,
    '--quiet',
    '--no-typescript',
  ]);
  return dir;
}

/** How to start each platform's server: [command, args, env] for a transpiled `dir` and `port`. */
const COMMANDS = {
  'weft serve': (_dir, port, fixture) => [WEFT, ['serve', '--addr', `127.0.0.1:${port}`, fixture], {}],
  node: (dir, port) => [NODE24, ['--experimental-wasm-jspi', join(dir, 'node-server.mjs')], { PORT: port }],
  deno: (dir, port) => [
    join(BIN, 'deno'),
    ['run', '--allow-net', `--allow-read=${dir}`, '--allow-env=HOST,PORT', join(dir, 'deno-server.js')],
    { PORT: port, NO_COLOR: '1' },
  ],
  bun: (dir, port) => [join(BIN, 'bun'), [join(dir, 'bun-server.js')], { PORT: port }],
  workerd: (dir, port) => {
    const config = join(dir, 'workerd.capnp');
    writeFileSync(config, readFileSync(config, 'utf8').replace('127.0.0.1:8080', `127.0.0.1:${port}`));
    return [join(BIN, 'workerd'), ['serve', config], {}];
  },
};
export const PLATFORMS = Object.keys(COMMANDS);

/** Waits until `port` accepts connections (or the child exits). */
async function listening(child, port, log) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${log()}`);
    const ok = await new Promise((res) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        res(true);
      });
      s.on('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not listen on ${port} within 30 s:\n${log()}`);
}

/**
 * Starts `platform` serving `fixture` (default: the 0.2 one). Resolves to
 * { url, stop(), log() }; `log()` is what the server printed (stdout and stderr).
 */
export async function startServer(platform, root, fixture = FIXTURE) {
  const dir =
    platform === 'weft serve' ? root : transpile(root, platform === 'workerd' ? 'workers' : platform, fixture);
  const port = await freePort();
  const [cmd, args, env] = COMMANDS[platform](dir, port, fixture);
  const child = spawn(cmd, args, {
    env: { ...process.env, ...env, PORT: String(env.PORT ?? port) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  const log = () => output;
  await listening(child, port, log);
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    log,
    stop: () =>
      new Promise((res) => {
        if (child.exitCode !== null) return res();
        child.once('exit', () => res());
        child.kill();
      }),
  };
}

/** A temporary root directory, removed by the returned function. */
export function tempRoot() {
  const root = mkdtempSync(join(tmpdir(), 'weft-edge-'));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
