// WASI 0.2 guests (fixtures/guests/wasi-*, Rust std for wasm32-wasip2)
// transpiled with `--instantiation async` and run against the WASI host in
// js-runtime/wasi (createWasi).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, instantiate, instantiateSync, transpile } from './harness.js';
import {
  createWasi,
  runCommand,
  collectSink,
  memoryDirectory,
  memorySymlink,
  WasiExit,
} from '../../js-runtime/wasi/index.js';
import { createWasi as createBrowserWasi } from '../../js-runtime/wasi/browser.js';

/** Runs fixture `name` as a command; returns { code, stdout, stderr }. */
async function runGuest(name, opts = {}, create = createWasi) {
  const stdout = collectSink();
  const stderr = collectSink();
  const wasi = create({ stdout, stderr, ...opts, args: [name, ...(opts.args ?? [])] });
  const inst = await instantiate(name, wasi);
  let code;
  try {
    code = runCommand(inst);
  } catch (e) {
    e.stderr = stderr.text();
    throw e;
  }
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

test('wasi-hello: stdout and stderr, exit 0', async () => {
  const r = await runGuest('wasi-hello');
  assert.deepEqual(r, { code: 0, stdout: 'Hello, world!\n', stderr: 'hello on stderr\n' });
});

test('wasi-hello: --instantiation sync runs entirely synchronously', async () => {
  const stdout = collectSink();
  const inst = await instantiateSync('wasi-hello', createWasi({ stdout, stderr: null }));
  assert.equal(runCommand(inst), 0);
  assert.equal(stdout.text(), 'Hello, world!\n');
});

test('wasi-hello: the generated glue asks for exactly the version-free specifiers', () => {
  const glue = fs.readFileSync(transpile('wasi-hello', { instantiation: 'async' }), 'utf8');
  const keys = [...glue.matchAll(/imports\['([^']+)'\]/g)].map((m) => m[1]);
  assert.ok(keys.includes('wasi:cli/stdout') && keys.includes('wasi:io/streams'));
  assert.ok(keys.every((k) => !k.includes('@')));
  const wasi = createWasi();
  for (const k of keys) assert.ok(wasi[k], `createWasi provides ${k}`);
});

test('wasi-args-env-exit: only granted args and env are visible', async () => {
  process.env.WEFT_WASI_AMBIENT = 'should not leak';
  try {
    const r = await runGuest('wasi-args-env-exit', { args: ['a', 'b c'], env: { FOO: 'bar', HOME: '/home/guest' } });
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      [
        'argc=3',
        'arg[0]=wasi-args-env-exit',
        'arg[1]=a',
        'arg[2]=b c',
        'envc=2',
        'env FOO=bar',
        'env HOME=/home/guest',
        'HOME=/home/guest',
        'cwd=/',
        'done',
        '',
      ].join('\n'),
    );
    const none = await runGuest('wasi-args-env-exit');
    assert.match(none.stdout, /^argc=1\n.*\nenvc=0\nHOME unset\n/s);
  } finally {
    delete process.env.WEFT_WASI_AMBIENT;
  }
});

test('wasi-args-env-exit: std::process::exit stops the program with WasiExit', async () => {
  // Rust std on wasi 0.2.6 calls exit(result): non-zero codes arrive as 1
  // (exit-with-code is unstable and not imported by the toolchain).
  const r = await runGuest('wasi-args-env-exit', { args: ['exit=3', 'after'] });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /exiting with 3\n$/);
  const zero = await runGuest('wasi-args-env-exit', { args: ['exit=0'] });
  assert.equal(zero.code, 0);
  assert.doesNotMatch(zero.stdout, /done/);
  // Without runCommand the WasiExit surfaces from run().
  const inst = await instantiate('wasi-args-env-exit', createWasi({ args: ['x', 'exit=5'], stdout: null }));
  assert.throws(
    () => inst.run.run(),
    (e) => e instanceof WasiExit && e.code === 1,
  );
});

test('wasi-args-env-exit: a panic traps and prints its message on stderr', async () => {
  await assert.rejects(
    runGuest('wasi-args-env-exit', { args: ['panic'] }),
    (e) => e instanceof WebAssembly.RuntimeError && /asked to panic/.test(e.stderr),
  );
});

const FILES_EXPECTED = (input) =>
  [
    `input: ${input}`,
    `input len: ${input.length + 1}`,
    'from offset 6: "from wasi\\nsecond line\\n"',
    'list /data/out: hello.txt:file,nested:dir,renamed.txt:file',
    'missing: err NotFound',
    'escape ..: err PermissionDenied',
    'escape nested ..: err PermissionDenied',
    'escape symlink: err PermissionDenied',
    'escape dir symlink: err PermissionDenied',
    'absolute outside: err NotFound',
    'write escape: err PermissionDenied',
    `inside symlink: ok "${input}\\n"`,
    'done',
    '',
  ].join('\n');

test('wasi-files: real files under a granted host directory; escapes fail', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-wasi-files-'));
  try {
    const data = path.join(root, 'data');
    fs.mkdirSync(data);
    fs.writeFileSync(path.join(root, 'secret.txt'), 'top secret');
    fs.writeFileSync(path.join(data, 'input.txt'), 'input data here\n');
    fs.symlinkSync('../secret.txt', path.join(data, 'link-out'));
    fs.symlinkSync(root, path.join(data, 'dir-link-out'));
    fs.symlinkSync('input.txt', path.join(data, 'link-in'));
    const r = await runGuest('wasi-files', { preopens: { '/data': data } });
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, FILES_EXPECTED('input data here'));
    assert.equal(r.code, 0);
    assert.equal(fs.readFileSync(path.join(data, 'out/hello.txt'), 'utf8'), 'hello from wasi\nsecond line\n');
    assert.equal(fs.readFileSync(path.join(data, 'out/renamed.txt'), 'utf8'), 'temporary');
    assert.deepEqual(fs.readdirSync(path.join(data, 'out')).sort(), ['hello.txt', 'nested', 'renamed.txt']);
    assert.equal(fs.existsSync(path.join(root, 'created-outside.txt')), false);
    assert.equal(fs.readFileSync(path.join(root, 'secret.txt'), 'utf8'), 'top secret');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('wasi-files: the same program on the in-memory tree of the browser entry', async () => {
  const root = memoryDirectory({
    'input.txt': 'memory input\n',
    'link-out': memorySymlink('../secret.txt'),
    'dir-link-out': memorySymlink('..'),
    'link-in': memorySymlink('input.txt'),
  });
  const r = await runGuest('wasi-files', { preopens: { '/data': root } }, createBrowserWasi);
  assert.equal(r.stdout, FILES_EXPECTED('memory input'));
  assert.equal(r.code, 0);
  assert.equal(root.readText('out/hello.txt'), 'hello from wasi\nsecond line\n');
  assert.deepEqual(root.list('out'), ['hello.txt', 'nested', 'renamed.txt']);
});

test('wasi-files: without a preopen nothing is reachable', async () => {
  await assert.rejects(
    runGuest('wasi-files'),
    (e) => e instanceof WebAssembly.RuntimeError && /read input.txt/.test(e.stderr),
  );
});

test('wasi-clocks-random: sleep, monotonic and wall clocks, random bytes', async () => {
  const before = Math.floor(Date.now() / 1000);
  const r = await runGuest('wasi-clocks-random');
  assert.equal(r.code, 0);
  const wall = Number(r.stdout.match(/^wall secs: (\d+)$/m)[1]);
  assert.ok(wall >= before && wall <= before + 5);
  assert.equal(
    r.stdout.replace(/^wall secs: \d+\n/, ''),
    [
      'slept >= 50ms: true',
      'slept < 5s: true',
      'monotonic: true',
      'random bytes: 32 32 differ=true',
      'random u64 differ: true',
      'insecure bytes: 8',
      'hashmap: 1',
      'done',
      '',
    ].join('\n'),
  );
});

test('wasi-stdin: reads a line then the rest from granted stdin', async () => {
  const r = await runGuest('wasi-stdin', { stdin: 'line one\nline two\nthree\n' });
  assert.equal(r.stdout, 'first: "line one"\nrest lines: 2\nrest bytes: 15\nupper: LINE TWO\nTHREE\n');
  const empty = await runGuest('wasi-stdin');
  assert.equal(empty.stdout, 'first: ""\nrest lines: 0\nrest bytes: 0\nupper: \n');
  const chunks = ['li', 'ne ', 'one\nx', 'y', null];
  const fn = await runGuest('wasi-stdin', { stdin: () => chunks.shift() });
  assert.equal(fn.stdout, 'first: "line one"\nrest lines: 1\nrest bytes: 2\nupper: XY\n');
});

test('wasi-stdin: inherited stdin/stdout of a real process (fd reads and writes)', () => {
  const js = transpile('wasi-stdin', { instantiation: 'async' });
  const script = `
    import { readFileSync } from 'node:fs';
    import { dirname, join } from 'node:path';
    import { createWasi, runCommand } from ${JSON.stringify(pathToFileURL(path.join(REPO, 'js-runtime/wasi/index.js')).href)};
    const js = ${JSON.stringify(js)};
    const { instantiate } = await import(${JSON.stringify(pathToFileURL(js).href)});
    const inst = await instantiate((f) => WebAssembly.compile(readFileSync(join(dirname(js), f))), createWasi({ stdin: 'inherit' }));
    process.exitCode = runCommand(inst);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    input: 'from a pipe\nsecond\n',
    encoding: 'utf8',
  });
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'first: "from a pipe"\nrest lines: 1\nrest bytes: 7\nupper: SECOND\n');
});

test('one host serves any wasi 0.2.x: imports at 0.2.0 and 0.2.12 in one component', async () => {
  // The Rust guests import wasi 0.2.6 and export wasi:cli/run@0.2.0; this
  // component adds the oldest and the newest 0.2 releases.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-wasi-versions-'));
  try {
    fs.writeFileSync(
      path.join(dir, 'versions.wat'),
      `(component
      (import "wasi:random/random@0.2.0" (instance $r (export "get-random-u64" (func (result u64)))))
      (import "wasi:clocks/monotonic-clock@0.2.12" (instance $c (export "now" (func (result u64)))))
      (core func $rand (canon lower (func $r "get-random-u64")))
      (core func $now (canon lower (func $c "now")))
      (core module $m
        (import "h" "rand" (func $rand (result i64)))
        (import "h" "now" (func $now (result i64)))
        (func (export "rand") (result i64) call $rand)
        (func (export "now") (result i64) call $now))
      (core instance $i (instantiate $m (with "h" (instance (export "rand" (func $rand)) (export "now" (func $now))))))
      (func (export "rand") (result u64) (canon lift (core func $i "rand")))
      (func (export "now") (result u64) (canon lift (core func $i "now"))))`,
    );
    const bin = process.env.WEFT_BIN ?? path.join(REPO, 'target/debug/weft');
    execFileSync(bin, [
      'transpile',
      path.join(dir, 'versions.wat'),
      '-o',
      dir,
      '--instantiation',
      'async',
      '--quiet',
      '--no-typescript',
    ]);
    const { instantiate: inst } = await import(pathToFileURL(path.join(dir, 'versions.js')).href);
    const exports = await inst((f) => WebAssembly.compile(fs.readFileSync(path.join(dir, f))), createWasi());
    assert.equal(typeof exports.rand(), 'bigint');
    const a = exports.now();
    assert.ok(exports.now() >= a);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('plain ESM output: --map wasi:*=js-runtime/wasi/esm.js#* with configure()', async () => {
  const esm = path.join(REPO, 'js-runtime/wasi/esm.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-wasi-esm-'));
  try {
    const bin = process.env.WEFT_BIN ?? path.join(REPO, 'target/debug/weft');
    execFileSync(bin, [
      'transpile',
      path.join(REPO, 'fixtures/build/wasi-args-env-exit.wasm'),
      '-o',
      dir,
      '--quiet',
      '--no-typescript',
      '--map',
      `wasi:*=${pathToFileURL(esm).href}#*`,
    ]);
    const { configure } = await import(pathToFileURL(esm).href);
    const stdout = collectSink();
    configure({ args: ['esm', 'x'], env: { A: 'b' }, stdout, stderr: null });
    const glue = await import(pathToFileURL(path.join(dir, 'wasi-args-env-exit.js')).href);
    assert.equal(runCommand(glue), 0);
    assert.match(stdout.text(), /^argc=2\narg\[0\]=esm\narg\[1\]=x\nenvc=1\nenv A=b\n/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('wasi-tcp: without a network grant, connect fails with Unsupported', async () => {
  const r = await runGuest('wasi-tcp');
  assert.deepEqual(r, { code: 0, stdout: 'connect error: Unsupported\n', stderr: '' });
});

test('wasi-tcp: std TcpListener + TcpStream over loopback inside one guest', async () => {
  const r = await runGuest('wasi-tcp', { args: ['self'], network: true });
  assert.equal(r.stderr, '');
  assert.equal(
    r.stdout,
    'listening: true\naccepted from loopback: true\nserver got: "hello over tcp"\nclient got: "HELLO OVER TCP"\n',
  );
});

/**
 * Runs `setup` (module code that makes a server `srv`) in a child process, as
 * the guest blocks this thread, listening on a loopback port; resolves to the
 * port. The server ends with the test (or after 30 s).
 */
async function childServer(t, setup) {
  const server = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `${setup}
    srv.listen(0, '127.0.0.1', () => console.log(srv.address().port));
    setTimeout(() => process.exit(0), 30000).unref();
    process.stdin.on('end', () => process.exit(0));
    process.stdin.resume();`,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  t.after(() => server.kill());
  return new Promise((resolve, reject) => {
    server.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    server.once('exit', () => reject(new Error('test server exited')));
  });
}

test('wasi-tcp: client resolves localhost and talks to a loopback server in another process', async (t) => {
  // The server runs in a child process: this thread blocks while the guest runs.
  const port = await childServer(
    t,
    `
    import net from 'node:net';
    const srv = net.createServer({ allowHalfOpen: true }, (c) => {
      let got = '';
      c.on('data', (d) => (got += d));
      c.on('end', () => c.end('pong: ' + got));
    });
  `,
  );
  const r = await runGuest('wasi-tcp', { args: ['client', `localhost:${port}`], network: true });
  assert.equal(r.stdout, 'resolved: true\npeer is loopback: true\nreply: "pong: ping\\n"\n');
  const refused = await runGuest('wasi-tcp', { args: ['client', '127.0.0.1:1'], network: true });
  assert.equal(refused.stdout, 'resolved: true\nconnect error: ConnectionRefused\n');
});

// One resource reached through several type indices (`type headers = fields`,
// or `use types.{outgoing-request}` in another interface) is one run-time type.
test('wasi-http: GET and POST to a loopback server through wasi:http/outgoing-handler', async (t) => {
  const port = await childServer(
    t,
    `
    import http from 'node:http';
    const srv = http.createServer((req, res) => {
      let b = '';
      req.on('data', (d) => (b += d));
      req.on('end', () => {
        res.setHeader('x-method', req.method);
        res.setHeader('x-url', req.url);
        res.setHeader('x-test-seen', req.headers['x-test'] ?? '');
        res.end('echo: ' + b);
      });
    });
  `,
  );
  const head = 'forbidden header refused: true\nrequest headers immutable: true\n';
  const post = await runGuest('wasi-http', { args: [`127.0.0.1:${port}`], network: true });
  assert.equal(
    post.stdout,
    `${head}status: 200\nheader x-method: POST\nheader x-test-seen: yes\nheader x-url: /echo?x=1\nbody: echo: request body\n`,
  );
  const get = await runGuest('wasi-http', { args: [`127.0.0.1:${port}`, 'get'], network: true });
  assert.match(get.stdout, /header x-method: GET\n.*body: echo: \n$/s);
  const denied = await runGuest('wasi-http', { args: [`127.0.0.1:${port}`] });
  assert.equal(denied.stdout, `${head}response error: ErrorCode::HttpRequestDenied\n`);
});

test('wasi-udp: std UdpSocket datagrams over loopback (granted); Unsupported without a grant', async () => {
  const r = await runGuest('wasi-udp', { network: true });
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'bound: true\nb got "first" from a: true\na got "reply" from b: true\n');
  const none = await runGuest('wasi-udp');
  assert.equal(none.stdout, 'bind error: Unsupported\n');
});

test('a resource exported twice from an imported instance (`type alias = r`) is one type', async () => {
  // Minimal form of what wasi:http/types does with `type headers = fields`.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-alias-'));
  try {
    fs.writeFileSync(
      path.join(dir, 'alias.wat'),
      `(component
      (type $ity (instance
        (export "r" (type $r (sub resource)))
        (export "alias" (type (eq $r)))
        (export "[constructor]r" (func (result (own $r))))
        (export "[method]r.get" (func (param "self" (borrow $r)) (result u32)))))
      (import "t:t/i" (instance $i (type $ity)))
      (core func $ctor (canon lower (func $i "[constructor]r")))
      (alias export $i "r" (type $r))
      (core func $drop (canon resource.drop $r))
      (core func $get (canon lower (func $i "[method]r.get")))
      (core module $m
        (import "i" "ctor" (func $ctor (result i32)))
        (import "i" "get" (func $get (param i32) (result i32)))
        (func (export "run") (result i32) (call $get (call $ctor))))
      (core instance $ci (instantiate $m (with "i" (instance (export "ctor" (func $ctor)) (export "get" (func $get))))))
      (func (export "run") (result u32) (canon lift (core func $ci "run"))))`,
    );
    const bin = process.env.WEFT_BIN ?? path.join(REPO, 'target/debug/weft');
    execFileSync(bin, [
      'transpile',
      path.join(dir, 'alias.wat'),
      '-o',
      dir,
      '--instantiation',
      'async',
      '--quiet',
      '--no-typescript',
    ]);
    const { instantiate: inst } = await import(pathToFileURL(path.join(dir, 'alias.js')).href);
    const app = await inst((f) => WebAssembly.compile(fs.readFileSync(path.join(dir, f))), {
      't:t/i': {
        R: class {
          get() {
            return 7;
          }
        },
      },
    });
    assert.equal(app.run(), 7); // weft: RuntimeError "borrow: handle 1 is of resource type alias, expected r"
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('plain ESM output bundles the WASI host and maps wasi:* to it', {
  skip: process.env.WEFT_IMPL === 'jco' && 'weft-specific output layout',
}, async (t) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-wasi-esm-'));
  t.after(() => fs.rmSync(out, { recursive: true, force: true }));
  execFileSync(process.env.WEFT_BIN ?? path.join(REPO, 'target/debug/weft'), [
    'transpile',
    path.join(REPO, 'fixtures/build/wasi-args-env-exit.wasm'),
    '-o',
    out,
    '--name',
    'app',
    '-q',
  ]);
  assert.ok(fs.existsSync(path.join(out, 'wasi/esm.js')), 'the host is written next to the glue');
  const lines = [];
  const { configure } = await import(pathToFileURL(path.join(out, 'wasi/esm.js')));
  configure({ args: ['app', 'x'], env: { A: '1' }, stdout: (bytes) => lines.push(new TextDecoder().decode(bytes)) });
  const app = await import(pathToFileURL(path.join(out, 'app.js')));
  app.run.run();
  const text = lines.join('');
  assert.match(text, /argc=2\narg\[0\]=app\narg\[1\]=x\n/);
  assert.match(text, /env A=1\n/);
});

test('wasi:http incoming on Node: a proxy component serves requests', {
  skip: process.env.WEFT_IMPL === 'jco' && 'weft-specific host entry',
}, async () => {
  const { serveHttp } = await import('../../js-runtime/wasi/http-server.js');
  const app = await instantiate('wasi-http-server', createWasi({}));
  const server = await serveHttp(app);
  try {
    const base = `http://127.0.0.1:${server.address().port}`;
    const get = await fetch(`${base}/hello?x=1`, { headers: { 'x-echo': 'hi there' } });
    assert.equal(get.status, 200);
    assert.equal(get.headers.get('content-type'), 'text/plain');
    assert.equal(await get.text(), 'GET /hello?x=1 hi there ');
    const post = await fetch(`${base}/upload`, { method: 'POST', body: 'pay€load' });
    assert.equal(await post.text(), 'POST /upload  pay€load');
    const missing = await fetch(`${base}/missing`);
    assert.equal(missing.status, 404);
  } finally {
    server.close();
  }
});
