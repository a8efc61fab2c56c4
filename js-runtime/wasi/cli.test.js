import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWasi, collectSink, WasiExit, runCommand, runCommandAsync } from './index.js';

test('environment: nothing is visible unless granted', () => {
  process.env.WEFT_WASI_SECRET = 'leak';
  try {
    const env = createWasi()['wasi:cli/environment'];
    assert.deepEqual(env.getEnvironment(), []);
    assert.deepEqual(env.getArguments(), []);
    assert.equal(env.initialCwd(), undefined);
  } finally {
    delete process.env.WEFT_WASI_SECRET;
  }
});

test('environment: granted args, env (object or pairs) and cwd', () => {
  const env = createWasi({ args: ['prog', 'a b'], env: { A: '1', B: '' }, cwd: '/work' })['wasi:cli/environment'];
  assert.deepEqual(env.getArguments(), ['prog', 'a b']);
  assert.deepEqual(env.getEnvironment(), [
    ['A', '1'],
    ['B', ''],
  ]);
  assert.equal(env.initialCwd(), '/work');
  const pairs = createWasi({
    env: [
      ['X', 'y'],
      ['X', 'z'],
    ],
  })['wasi:cli/environment'];
  assert.deepEqual(pairs.getEnvironment(), [
    ['X', 'y'],
    ['X', 'z'],
  ]);
  // The guest gets copies: mutating a result does not change the grant.
  env.getArguments().push('x');
  assert.equal(env.getArguments().length, 2);
});

test('environment: bad grants are rejected up front', () => {
  assert.throws(() => createWasi({ args: [1] }), TypeError);
  assert.throws(() => createWasi({ env: { A: 1 } }), TypeError);
});

test('exit throws WasiExit with the status; exit-with-code keeps the code', () => {
  const exit = createWasi()['wasi:cli/exit'];
  assert.throws(
    () => exit.exit({ tag: 'ok' }),
    (e) => e instanceof WasiExit && e.code === 0,
  );
  assert.throws(
    () => exit.exit({ tag: 'err' }),
    (e) => e instanceof WasiExit && e.code === 1,
  );
  assert.throws(
    () => exit.exitWithCode(42),
    (e) => e instanceof WasiExit && e.code === 42 && e.name === 'WasiExit',
  );
});

test('runCommand maps run results and WasiExit to exit codes', () => {
  assert.equal(runCommand({ 'wasi:cli/run@0.2.3': { run() {} } }), 0);
  const err = Object.assign(new Error('x'), { name: 'ComponentError' });
  assert.equal(
    runCommand({
      run: {
        run() {
          throw err;
        },
      },
    }),
    1,
  );
  assert.equal(
    runCommand({
      run: {
        run() {
          throw new WasiExit(7);
        },
      },
    }),
    7,
  );
  assert.throws(
    () =>
      runCommand({
        run: {
          run() {
            throw new WebAssembly.RuntimeError('trap');
          },
        },
      }),
    WebAssembly.RuntimeError,
  );
  assert.throws(() => runCommand({}), TypeError);
});

test('runCommandAsync: the same mapping for a Promise-returning run (--async-mode jspi glue)', async () => {
  assert.equal(await runCommandAsync({ 'wasi:cli/run@0.2.3': { run: async () => {} } }), 0);
  const err = Object.assign(new Error('x'), { name: 'ComponentError' });
  assert.equal(
    await runCommandAsync({
      run: {
        run: async () => {
          throw err;
        },
      },
    }),
    1,
  );
  assert.equal(await runCommandAsync({ run: { run: () => Promise.reject(new WasiExit(7)) } }), 7);
  await assert.rejects(
    runCommandAsync({
      run: {
        run: async () => {
          throw new WebAssembly.RuntimeError('trap');
        },
      },
    }),
    WebAssembly.RuntimeError,
  );
  await assert.rejects(runCommandAsync({}), TypeError);
});

test('stdio: stdin bytes, stdout/stderr sinks; one stream object per stdio', () => {
  const out = collectSink();
  const errs = [];
  const w = createWasi({ stdin: 'in put', stdout: out, stderr: (b) => errs.push(new TextDecoder().decode(b)) });
  const stdin = w['wasi:cli/stdin'].getStdin();
  assert.equal(new TextDecoder().decode(stdin.blockingRead(100n)), 'in put');
  assert.throws(
    () => stdin.blockingRead(1n),
    (e) => e.tag === 'closed',
  );
  const stdout = w['wasi:cli/stdout'].getStdout();
  assert.equal(w['wasi:cli/stdout'].getStdout(), stdout);
  stdout.blockingWriteAndFlush(new TextEncoder().encode('hi'));
  w['wasi:cli/stderr'].getStderr().write(new TextEncoder().encode('oops'));
  assert.equal(out.text(), 'hi');
  assert.deepEqual(errs, ['oops']);
});

test('stdin defaults to empty; stdout null discards', () => {
  const w = createWasi({ stdout: null });
  assert.throws(
    () => w['wasi:cli/stdin'].getStdin().read(1n),
    (e) => e.tag === 'closed',
  );
  w['wasi:cli/stdout'].getStdout().write(new Uint8Array([1]));
});

test('terminal-*: none unless granted', () => {
  const w = createWasi({ stdout: null, stderr: null });
  assert.equal(w['wasi:cli/terminal-stdin'].getTerminalStdin(), undefined);
  assert.equal(w['wasi:cli/terminal-stdout'].getTerminalStdout(), undefined);
  const t = createWasi({ terminal: { stdout: true } });
  assert.ok(t['wasi:cli/terminal-stdout'].getTerminalStdout() instanceof t['wasi:cli/terminal-output'].TerminalOutput);
  assert.equal(t['wasi:cli/terminal-stderr'].getTerminalStderr(), undefined);
});
