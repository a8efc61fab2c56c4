// Drop-in for jco (issue 14): output file names, root-level imported resources,
// `instantiate()` without `getCoreModule`, written the way jco's documentation
// tells users to write hosts. Runs against jco too: WEFT_IMPL=jco node --test ...
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { isJco, jcoSkip, transpile } from './harness.js';

const R_CLASS = `export class R {
  constructor(v) { this.v = v; }
  get() { return this.v + 1; }
  static twice(v) { return v * 2; }
}
`;

test('core modules are <name>.core.wasm, <name>.core2.wasm, ...', () => {
  const js = transpile('jspi-mode', { base64Cutoff: 0, args: ['-q'] });
  const wasm = readdirSync(dirname(js))
    .filter((f) => f.endsWith('.wasm'))
    .sort();
  assert.deepEqual(wasm, ['jspi-mode.core.wasm', 'jspi-mode.core2.wasm']);
});

test('a root-level imported resource is the class behind its name (--map r=../impl.js#R)', async () => {
  const js = transpile('root-resource', { map: { r: '../impl.js#R' } });
  writeFileSync(join(dirname(js), '../impl.js'), R_CLASS);
  const m = await import(pathToFileURL(js).href);
  assert.equal(m.test(20), 42); // new R(20).get() = 21, R.twice(21) = 42
});

test('instantiate(): the import object key is the resource name, the class or { default }', async () => {
  const js = transpile('root-resource', { instantiation: 'async' });
  const m = await import(pathToFileURL(js).href);
  const { R } = await import(`data:text/javascript,${encodeURIComponent(R_CLASS)}`);
  const getCoreModule = undefined; // loaded next to the glue, as jco does
  assert.equal((await m.instantiate(getCoreModule, { r: { default: R } })).test(1), 4);
  if (!isJco) assert.equal((await m.instantiate(getCoreModule, { r: R })).test(2), 6);
});

test('async instantiate() without getCoreModule loads the core modules next to the glue', async () => {
  const js = transpile('jspi-mode', { instantiation: 'async', base64Cutoff: 0 });
  const m = await import(pathToFileURL(js).href);
  const ex = await m.instantiate(undefined, { get: (x) => x + 1, name: () => 'abc' });
  assert.equal(typeof ex.run, 'function');
});

test('sync instantiate() without getCoreModule reads them in Node', jcoSkip('jco requires getCoreModule'), async () => {
  const js = transpile('jspi-mode', { instantiation: 'sync', base64Cutoff: 0 });
  const m = await import(pathToFileURL(js).href);
  const ex = m.instantiate(undefined, { get: (x) => x + 1, name: () => 'abc' });
  assert.equal(typeof ex.run, 'function');
});

test("an async task traps with the export's name", jcoSkip('jco 1.35 needs JSPI for async lifts'), async () => {
  const m = await import(pathToFileURL(transpile('async-task-name')).href);
  await assert.rejects(m.take(1), (e) => {
    assert.ok(e instanceof WebAssembly.RuntimeError);
    assert.match(e.message, /^take: the task exited without calling task\.return/);
    return true;
  });
});

// ---------------------------------------------------------------------------
// jco's flags.

test('--tracing logs each export and import call with its arguments and result', () => {
  const js = transpile('root-resource', { map: { r: '../impl.js#R' }, args: ['--tracing'] });
  writeFileSync(join(dirname(js), '../impl.js'), R_CLASS);
  const script = `import(${JSON.stringify(pathToFileURL(js).href)}).then((m) => m.test(20))`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  const lines = child.stderr.trim().split('\n');
  assert.match(lines[0], /^\[iface="test", function="test"\] call v=20$/);
  assert.match(lines.at(-1), /^\[iface="test", function="test"\] return result=42$/);
  assert.ok(
    lines.some((l) => /function="\[static\]r\.twice"\] call \w+=21$/.test(l)),
    child.stderr,
  );
});

test('--no-component-error-wrapping throws the result error payload itself', async () => {
  const js = transpile('values', { instantiation: 'async', args: ['--no-component-error-wrapping'] });
  const m = await import(pathToFileURL(js).href);
  const host = new Proxy(
    {},
    {
      get: () => () => {
        throw new Error('unused');
      },
    },
  );
  const ex = await m.instantiate(undefined, { 'test:values/host': host });
  assert.throws(
    () => ex.exports.parseU32('x'),
    (e) => e === 'not a u32: x',
  );
  assert.equal(ex.exports.parseU32('7'), 7);
});

test('--no-namespaced-exports drops the full-name export of an interface', () => {
  const glue = (args) => readFileSync(transpile('values', { args }), 'utf8');
  assert.match(glue([]), /as 'test:values\/exports@0\.1\.0'/);
  assert.doesNotMatch(glue(['--no-namespaced-exports']), /as 'test:values\/exports@0\.1\.0'/);
});

test(
  '--no-wasi-shim leaves wasi:* imports as bare specifiers',
  jcoSkip('jco maps to @bytecodealliance/preview2-shim'),
  () => {
    const with_ = transpile('wasi-hello');
    const without = transpile('wasi-hello', { args: ['--no-wasi-shim'] });
    assert.ok(existsSync(join(dirname(with_), 'wasi/esm.js')));
    assert.ok(!existsSync(join(dirname(without), 'wasi')));
    assert.match(readFileSync(without, 'utf8'), /from 'wasi:cli\/stdout'/);
  },
);

test(
  '-O runs wasm-opt on the core modules; short flags -I -b -m -q -M',
  jcoSkip('jco -O needs extra arguments'),
  async () => {
    const plain = transpile('jspi-mode', { instantiation: 'async', base64Cutoff: 0 });
    const js = transpile('jspi-mode', { args: ['-O', '-I', '-b', '0', '-m', '-q', '-M', 'x=y'] });
    const size = (f) => readFileSync(join(dirname(f), 'jspi-mode.core2.wasm')).length;
    assert.ok(size(js) < size(plain), `optimized ${size(js)} < ${size(plain)}`);
    const m = await import(pathToFileURL(js).href);
    const ex = await m.instantiate(undefined, { get: (x) => x + 1, name: () => 'abc' });
    assert.equal(typeof ex.run, 'function');
  },
);
