// Unit tests of the bundler plugin's pieces that need no bundler: which
// imports are components (npm/src/bundler/component.js) and the module a
// component becomes (npm/src/bundler/module.js), run in Node on a glue stub,
// and the transpile cache (npm/src/bundler/cache.js).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { cached, contentHash } from '../../npm/src/bundler/cache.js';
import { classify, isComponentHeader } from '../../npm/src/bundler/component.js';
import { componentModule, importSources, unmappedImports } from '../../npm/src/bundler/module.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '../..');
const WEFT = process.env.WEFT_BIN ?? join(REPO, 'target/debug/weft');
const dir = mkdtempSync(join(tmpdir(), 'weft-bundler-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const COMPONENT = Buffer.from([0, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]);
const CORE = Buffer.from([0, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

test('components are told from core modules by their header', () => {
  assert.equal(isComponentHeader(COMPONENT), true);
  assert.equal(isComponentHeader(CORE), false);
  assert.equal(isComponentHeader(COMPONENT.subarray(0, 6)), false);
  writeFileSync(join(dir, 'c.wasm'), COMPONENT);
  writeFileSync(join(dir, 'core.wasm'), CORE);
  writeFileSync(join(dir, 'c.bin'), COMPONENT);
  assert.deepEqual(classify(join(dir, 'c.wasm')), { file: join(dir, 'c.wasm'), instantiate: false });
  assert.equal(classify(join(dir, 'core.wasm')), null);
  assert.equal(classify(join(dir, 'missing.wasm')), null);
  assert.equal(classify(join(dir, 'c.bin')), null, 'not .wasm: only with ?component');
  assert.deepEqual(classify(`${join(dir, 'c.bin')}?component`), { file: join(dir, 'c.bin'), instantiate: false });
  assert.deepEqual(
    classify(`${join(dir, 'core.wasm')}?component`),
    { file: join(dir, 'core.wasm'), instantiate: false },
    'forced',
  );
  assert.deepEqual(classify(`${join(dir, 'c.wasm')}?instantiate`), { file: join(dir, 'c.wasm'), instantiate: true });
  assert.deepEqual(classify(join(dir, 'c.wasm'), { instantiate: true }).instantiate, true);
  assert.equal(classify(`${join(dir, 'c.wasm')}?init`), null, "another plugin's query");
  assert.equal(classify(`${join(dir, 'c.wasm')}?url`), null);
  assert.notEqual(classify(`${join(dir, 'c.wasm')}?import&t=123`), null, "Vite's dev-server queries");
  assert.equal(classify(`\0virtual.wasm`), null);
});

test('import keys: WASI from the shared host, mapped modules, unmapped WIT names', () => {
  assert.deepEqual(importSources(['wasi:cli/environment', './host.js', './wasi.js#streams', 'my:app/host', 'lodash']), [
    { key: 'wasi:cli/environment', wasi: true },
    { key: './host.js', module: './host.js', member: undefined },
    { key: './wasi.js#streams', module: './wasi.js', member: 'streams' },
    { key: 'my:app/host', missing: true },
    { key: 'lodash', module: 'lodash', member: undefined },
  ]);
  assert.deepEqual(unmappedImports(['wasi:io/poll', 'my:app/host', './x.js']), ['my:app/host']);
});

/** The shape of `instantiation: 'async'` glue with `noCoreLoader` (no default core-module loader). */
const GLUE = `async function $instantiate(getCoreModule, imports) {
  const m = await getCoreModule('app.core.wasm');
  const api = { m, imports };
  return { 'ns:pkg/api': api, api, topAdd: () => imports };
}
export { $instantiate as instantiate };
`;

/** Evaluates a generated module with its imports replaced by stubs. */
async function run(code, stubs) {
  const file = join(dir, `m${Math.random().toString(36).slice(2)}.mjs`);
  let src = code;
  for (const [spec, path] of Object.entries(stubs))
    src = src.replaceAll(`from ${JSON.stringify(spec)}`, `from ${JSON.stringify(path)}`);
  writeFileSync(file, src);
  return import(file);
}

test('the module: named exports (jco names, string names too), imports, core module URLs', async () => {
  writeFileSync(
    join(dir, 'runtime.mjs'),
    "export const compileCore = async (u) => 'compiled ' + u; export const wasiImport = (k) => ({ wasi: k });",
  );
  writeFileSync(join(dir, 'host.mjs'), 'export const log = 1;');
  const code = componentModule({
    glue: GLUE,
    keys: ['wasi:cli/exit', './host.js', './host.js#log'],
    exportNames: ['api', 'ns:pkg/api', 'topAdd'],
    coreUrls: [['app.core.wasm', '"https://x/app.core-1234.wasm"']],
    instantiate: false,
    runtime: 'weftjs/bundled',
  });
  assert.equal((code.match(/from "\.\/host\.js"/g) ?? []).length, 1, 'one import per module');
  const m = await run(code, { 'weftjs/bundled': join(dir, 'runtime.mjs'), './host.js': join(dir, 'host.mjs') });
  assert.deepEqual(Object.keys(m).sort(), ['api', 'ns:pkg/api', 'topAdd']);
  assert.equal(m.api.m, 'compiled https://x/app.core-1234.wasm');
  assert.deepEqual(m.api.imports['wasi:cli/exit'], { wasi: 'wasi:cli/exit' });
  assert.equal(m.api.imports['./host.js'].log, 1);
  assert.equal(m.api.imports['./host.js#log'], 1);
  assert.equal(m['ns:pkg/api'], m.api);
});

test('instantiate mode: instantiate(imports) over the defaults', async () => {
  const code = componentModule({
    glue: GLUE,
    keys: ['wasi:cli/exit', 'my:app/host'],
    exportNames: ['api'],
    coreUrls: [['app.core.wasm', '"u"']],
    instantiate: true,
  });
  const m = await run(code, { 'weftjs/bundled': join(dir, 'runtime.mjs') });
  assert.deepEqual(Object.keys(m), ['instantiate']);
  const e = await m.instantiate({ 'my:app/host': { log: 2 } });
  assert.deepEqual(e.api.imports, { 'wasi:cli/exit': { wasi: 'wasi:cli/exit' }, 'my:app/host': { log: 2 } });
});

test('real glue, minified too: the module runs the component', async () => {
  // weft's own glue (the native CLI's, as the npm build makes the same text):
  // --minify shortens names but keeps `$instantiate`, which the module calls.
  writeFileSync(
    join(dir, 'runtime-fs.mjs'),
    "import { readFileSync } from 'node:fs'; export const compileCore = (p) => WebAssembly.compile(readFileSync(p));",
  );
  for (const extra of [[], ['--minify']]) {
    const out = mkdtempSync(join(dir, 'glue-'));
    execFileSync(WEFT, [
      'transpile',
      join(REPO, 'bench/components/bench.wat'),
      '-o',
      out,
      '--name',
      'bench',
      '--instantiation',
      'async',
      '--no-typescript',
      '--quiet',
      ...extra,
    ]);
    const code = componentModule({
      glue: readFileSync(join(out, 'bench.js'), 'utf8'),
      keys: [],
      exportNames: ['api', 'bench:bench/api'],
      coreUrls: [['bench.core.wasm', JSON.stringify(join(out, 'bench.core.wasm'))]],
      instantiate: false,
    });
    const m = await run(code, { 'weftjs/bundled': join(dir, 'runtime-fs.mjs') });
    assert.equal(m.api.classify(-3), 'neg', `glue ${extra.join(' ') || 'plain'}`);
  }
});

test('a glue of another shape is an error, not a broken module', () => {
  assert.throws(
    () => componentModule({ glue: 'export const x = 1;', keys: [], exportNames: [], coreUrls: [] }),
    /the glue has 0 copies of its `instantiate` export, expected one/,
  );
  assert.throws(() => componentModule({ glue: GLUE + GLUE, keys: [], exportNames: [], coreUrls: [] }), /has 2 copies/);
});

test('transpile results are cached by content and options', () => {
  let calls = 0;
  const compute = () => ++calls;
  const a = contentHash(COMPONENT, { name: 'a' });
  assert.equal(cached(a, compute), 1);
  assert.equal(
    cached(contentHash(Buffer.from(COMPONENT), { name: 'a' }), compute),
    1,
    'same bytes, same options: a hit',
  );
  assert.equal(cached(contentHash(CORE, { name: 'a' }), compute), 2, 'edited bytes: computed again');
  assert.equal(cached(contentHash(COMPONENT, { name: 'b' }), compute), 3, 'other options: computed again');
  for (let i = 0; i < 100; i++) cached(contentHash(COMPONENT, { i }), compute);
  assert.equal(cached(a, compute), 104, 'old entries leave a full cache');
});
