// Drop-in for jco (issue 14): output file names, root-level imported resources,
// `instantiate()` without `getCoreModule`, written the way jco's documentation
// tells users to write hosts. Runs against jco too: WEFT_IMPL=jco node --test ...
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
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
  const wasm = readdirSync(dirname(js)).filter((f) => f.endsWith('.wasm')).sort();
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

test('an async task traps with the export\'s name', jcoSkip('jco 1.35 needs JSPI for async lifts'), async () => {
  const m = await import(pathToFileURL(transpile('async-task-name')).href);
  await assert.rejects(m.take(1), (e) => {
    assert.ok(e instanceof WebAssembly.RuntimeError);
    assert.match(e.message, /^take: the task exited without calling task\.return/);
    return true;
  });
});
