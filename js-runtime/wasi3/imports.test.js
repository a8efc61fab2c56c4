import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWasi } from '../wasi/index.js';
import { createWasi as createBrowserWasi } from '../wasi/browser.js';
import { isCommand3, runCommand3 } from './run.js';
import { WasiExit } from '../wasi/cli.js';

for (const [what, create] of [
  ['Node', createWasi],
  ['browser', createBrowserWasi],
]) {
  test(`${what}: one import object holds the 0.2 and 0.3 functions of each interface`, () => {
    const w = create({ args: ['a'], env: { K: 'v' }, cwd: '/c', stdout: null, stderr: null });
    const env = w['wasi:cli/environment'];
    assert.deepEqual(env.getArguments(), ['a']);
    assert.equal(env.initialCwd(), '/c');
    assert.equal(env.getInitialCwd(), '/c');
    assert.equal(typeof w['wasi:cli/stdout'].getStdout, 'function');
    assert.equal(typeof w['wasi:cli/stdout'].writeViaStream, 'function');
    assert.equal(typeof w['wasi:cli/stdin'].readViaStream, 'function');
    assert.equal(typeof w['wasi:cli/exit'].exitWithCode, 'function');
    assert.ok(w['wasi:cli/types']);
    const mono = w['wasi:clocks/monotonic-clock'];
    for (const f of ['now', 'resolution', 'subscribeDuration', 'getResolution', 'waitFor', 'waitUntil'])
      assert.equal(typeof mono[f], 'function', f);
    assert.equal(typeof w['wasi:clocks/system-clock'].now, 'function');
    const seed = w['wasi:random/insecure-seed'];
    assert.deepEqual(seed.getInsecureSeed(), seed.insecureSeed(), 'one seed for both versions');
  });
}

test('runCommand3 maps run results and exits to a status; traps reject', async () => {
  const cmd = (run) => ({ 'wasi:cli/run@0.3.2': { run }, run: { run } });
  assert.ok(isCommand3(cmd(() => {})));
  assert.ok(isCommand3({ 'wasi:cli/run@0.3.0': { run() {} } }), 'any 0.3 patch version');
  assert.equal(isCommand3({ 'wasi:cli/run@0.2.6': { run() {} } }), false);
  assert.equal(await runCommand3(cmd(async () => {})), 0);
  assert.equal(
    await runCommand3(
      cmd(async () => {
        throw new WasiExit(200);
      }),
    ),
    200,
  );
  const err = Object.assign(new Error('err'), { name: 'ComponentError' });
  assert.equal(
    await runCommand3(
      cmd(async () => {
        throw err;
      }),
    ),
    1,
  );
  await assert.rejects(
    runCommand3(
      cmd(async () => {
        throw new WebAssembly.RuntimeError('unreachable');
      }),
    ),
    WebAssembly.RuntimeError,
  );
});
