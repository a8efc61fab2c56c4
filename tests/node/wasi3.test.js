// WASI 0.3 guests (fixtures/guests/wasi3-*, the wasip3 crate; Rust std still
// reaches WASI 0.2 through the adapter) transpiled with `--instantiation
// async` and run on Node 20 against createWasi (js-runtime/wasi + wasi3):
// callback-form P3 code, no JSPI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, instantiate, transpile } from './harness.js';
import {
  createWasi,
  collectSink,
  isCommand3,
  memoryDirectory,
  memorySymlink,
  runCommand3,
} from '../../js-runtime/wasi/index.js';
import { createWasi as createBrowserWasi } from '../../js-runtime/wasi/browser.js';

/** Runs 0.3 fixture `name`; returns { code, stdout, stderr }. */
async function runGuest3(name, opts = {}, create = createWasi) {
  const stdout = collectSink();
  const stderr = collectSink();
  const wasi = create({ stdout, stderr, ...opts, args: [name, ...(opts.args ?? [])] });
  const inst = await instantiate(name, wasi);
  assert.ok(isCommand3(inst), `${name} exports wasi:cli/run@0.3.x`);
  const code = await runCommand3(inst);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const CLI_EXPECTED = [
  'argc=3',
  'arg[0]=wasi3-cli',
  'arg[1]=echo',
  'arg[2]=b c',
  'env FOO=bar',
  'cwd=Some("/work")',
  'terminal stdin=false stdout=false',
  'stdin: 16 bytes',
  'HELLO',
  'STDIN 0.3',
  'done',
  '',
].join('\n');

for (const [what, create] of [
  ['Node', createWasi],
  ['browser host', createBrowserWasi],
]) {
  test(`wasi3-cli (${what}): args, env, cwd, stdin and stdout as streams, mixed with std's 0.2 output`, async () => {
    const r = await runGuest3(
      'wasi3-cli',
      { args: ['echo', 'b c'], env: { FOO: 'bar' }, cwd: '/work', stdin: 'hello\nstdin 0.3\n' },
      create,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, CLI_EXPECTED);
    assert.equal(r.stderr, `${'x'.repeat(200_000)}\nstderr via 0.3\n`);
  });
}

test('wasi3-cli: exit-with-code passes 0-255 through; exit and run() -> err give 0/1', async () => {
  for (const n of [0, 3, 42, 255]) {
    const r = await runGuest3('wasi3-cli', { args: [`exit=${n}`] });
    assert.equal(r.code, n);
    assert.equal(r.stdout, `exiting with ${n}\n`);
  }
  assert.equal((await runGuest3('wasi3-cli', { args: ['exit-ok'] })).code, 0);
  assert.equal((await runGuest3('wasi3-cli', { args: ['exit-err'] })).code, 1);
  assert.equal((await runGuest3('wasi3-cli', { args: ['fail'] })).code, 1);
});

test('wasi3-cli: a stdin source that fails ends the stream and the future reports err', async () => {
  const stdin = {
    read() {
      throw Object.assign(new Error('boom'), { code: 'EIO' });
    },
  };
  // the guest asserts its stdin future is ok: the failure surfaces as a trap
  await assert.rejects(runGuest3('wasi3-cli', { args: ['echo'], stdin }), /stdin ends without error|unreachable/);
});

test('isCommand3 tells a 0.2 command from a 0.3 one; runCommand3 refuses 0.2', async () => {
  const p2 = await instantiate('wasi-hello', createWasi({ stdout: null, stderr: null }));
  assert.equal(isCommand3(p2), false);
  await assert.rejects(runCommand3(p2), /no wasi:cli\/run@0\.3/);
});

test('wasi3-clocks-random: waits are timers (overlapping), clocks agree with std, random works', async () => {
  const r = await runGuest3('wasi3-clocks-random');
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^clocks ok: wait-for 50ms, wait-until \+30ms, overlapping waits (1\d\d|2[0-4]\d)ms\nrandom ok\n$/,
  );
});

test('plain-ESM output bundles wasi/ and wasi3/ and runs a 0.3 command', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-wasi3-esm-'));
  try {
    const bin = process.env.WEFT_BIN ?? path.join(REPO, 'target/debug/weft');
    execFileSync(
      bin,
      ['transpile', path.join(REPO, 'fixtures/build/wasi3-cli.wasm'), '-o', dir, '--quiet', '--no-typescript'],
      { stdio: ['ignore', 'ignore', 'ignore'] },
    );
    assert.ok(fs.existsSync(path.join(dir, 'wasi3/imports.js')));
    const { configure } = await import(pathToFileURL(path.join(dir, 'wasi/esm.js')).href);
    const { runCommand3: run3 } = await import(pathToFileURL(path.join(dir, 'wasi3/run.js')).href);
    const stdout = collectSink();
    configure({ args: ['esm', 'exit=77'], stdout, stderr: null });
    const glue = await import(pathToFileURL(path.join(dir, 'wasi3-cli.js')).href);
    assert.equal(await run3(glue), 77);
    assert.equal(stdout.text(), 'exiting with 77\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** The directory wasi3-files expects at /data: [root, data]. */
function filesFixture() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-wasi3-files-'));
  const data = path.join(root, 'data');
  fs.mkdirSync(data);
  fs.writeFileSync(path.join(root, 'secret.txt'), 'top secret');
  fs.writeFileSync(path.join(data, 'input.txt'), 'input data here\n');
  fs.symlinkSync('../secret.txt', path.join(data, 'link-out'));
  fs.symlinkSync('input.txt', path.join(data, 'link-in'));
  return [root, data];
}

const FILES_OUT = 'read ok\nwrite ok\nlist rename stat remove ok\nescapes refused\n';

test('wasi3-files: streams, directory listing, metadata and escape checks on a host directory', async () => {
  const [root, data] = filesFixture();
  try {
    const r = await runGuest3('wasi3-files', { preopens: { '/data': data } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, FILES_OUT);
    assert.deepEqual(fs.readdirSync(path.join(data, 'out')), ['hello.txt']);
    assert.equal(fs.readFileSync(path.join(data, 'out/hello.txt'), 'utf8'), 'Jello world\n');
    assert.equal(fs.readFileSync(path.join(root, 'secret.txt'), 'utf8'), 'top secret');
    assert.ok(!fs.existsSync(path.join(root, 'escape.txt')));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

for (const [what, create] of [
  ['Node', createWasi],
  ['browser host', createBrowserWasi],
]) {
  test(`wasi3-files (${what}): the same program on an in-memory tree`, async () => {
    const tree = memoryDirectory({
      'input.txt': 'input data here\n',
      'link-in': memorySymlink('input.txt'),
      'link-out': memorySymlink('../secret.txt'),
    });
    const r = await runGuest3('wasi3-files', { preopens: { '/data': tree } }, create);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, FILES_OUT);
    assert.equal(tree.readText('out/hello.txt'), 'Jello world\n');
  });
}

test('wasi3-files: the glue asks for the 0.3 filesystem under its own key', async () => {
  const glue = fs.readFileSync(transpile('wasi3-files', { instantiation: 'async' }), 'utf8');
  assert.match(glue, /imports\['wasi:filesystem\/types@0\.3'\]/);
  assert.match(glue, /imports\['wasi:filesystem\/preopens@0\.3'\]/);
  const p2 = fs.readFileSync(transpile('wasi-files', { instantiation: 'async' }), 'utf8');
  assert.match(p2, /imports\['wasi:filesystem\/types'\]/, '0.2 keeps the bare key');
});

test('wasi3-sockets: TCP echo, UDP echo and name lookup on 127.0.0.1 with a network grant', async () => {
  const r = await runGuest3('wasi3-sockets', { network: true });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'tcp echo ok\nudp echo ok\nlookup ok\n');
});

for (const [what, create, opts] of [
  ['Node, no grant', createWasi, {}],
  ['browser host, network granted', createBrowserWasi, { network: true }],
]) {
  test(`wasi3-sockets (${what}): sockets are not-supported and lookups denied, at once`, async () => {
    const r = await runGuest3('wasi3-sockets', { args: ['denied'], ...opts }, create);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'sockets refused\n');
  });
}
