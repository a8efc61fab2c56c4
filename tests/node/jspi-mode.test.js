// `--async-mode jspi` (jco's flag): listed sync imports may return Promises
// (the wasm stack suspends through JSPI), listed exports return Promises.
// JSPI needs Node 24 with --experimental-wasm-jspi (node_modules/node) or
// Chromium; on an engine without it, instantiation fails naming the import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, isJco, tmp, transpile } from './harness.js';

const NODE24 = join(REPO, 'node_modules/node/bin/node');
const hasJspi = typeof WebAssembly.Suspending === 'function';
const JSPI_ARGS = ['--async-mode', 'jspi', '--async-imports', 'get,name', '--async-exports', 'run,name-len'];
const skip = isJco && 'weft-specific error wording';

const script = (js) => `
  import { readFileSync } from 'node:fs';
  const { instantiate } = await import(${JSON.stringify(pathToFileURL(js).href)});
  const dir = ${JSON.stringify(dirname(js))};
  const order = [];
  const ex = await instantiate((f) => WebAssembly.compile(readFileSync(dir + '/' + f)), {
    get: (x) => new Promise((r) => setTimeout(() => { order.push('get ' + x); r(x * 10); }, 5)),
    name: async () => 'héllo',
  });
  const p = ex.run(4);
  order.push('run returned');
  const out = { isPromise: p instanceof Promise, run: await p, sync: ex.sync(21), nameLen: await ex.nameLen(), order };
  console.log(JSON.stringify(out));
`;

test('--async-mode jspi: listed exports return Promises and await Promise-returning imports', {
  skip: (skip || !existsSync(NODE24)) && 'needs node_modules/node (Node 24)',
}, () => {
  const js = transpile('jspi-mode', { instantiation: 'async', args: JSPI_ARGS });
  const file = join(tmp('jspi-mode'), 'run.mjs');
  writeFileSync(file, script(js));
  const out = JSON.parse(execFileSync(NODE24, ['--experimental-wasm-jspi', file], { encoding: 'utf8' }));
  assert.deepEqual(out, {
    isPromise: true,
    run: 50, // get(4) + get(1), each resolving later
    sync: 42, // not listed: stays synchronous
    nameLen: 6, // a string lowered from an async import's result ('héllo' is 6 UTF-8 bytes)
    order: ['run returned', 'get 4', 'get 1'],
  });
});

test('--async-mode jspi without JSPI in the engine: instantiation fails naming the import', {
  skip: (skip || hasJspi) && 'this engine has JSPI',
}, async () => {
  const js = transpile('jspi-mode', { instantiation: 'async', args: JSPI_ARGS });
  const { instantiate } = await import(pathToFileURL(js).href);
  await assert.rejects(
    instantiate((f) => WebAssembly.compile(readFileSync(join(dirname(js), f))), { get: () => 0, name: () => '' }),
    /import `get` may return a Promise \(--async-imports\), which needs JSPI/,
  );
});

test('without --async-mode the same component is synchronous and needs no JSPI', async () => {
  const js = transpile('jspi-mode', { instantiation: 'async' });
  const { instantiate } = await import(pathToFileURL(js).href);
  const ex = await instantiate((f) => WebAssembly.compile(readFileSync(join(dirname(js), f))), {
    get: (x) => x + 1,
    name: () => 'ab',
  });
  assert.equal(ex.run(4), 7);
  assert.equal(ex.nameLen(), 2);
  assert.doesNotMatch(readFileSync(js, 'utf8'), /Suspending|promising/, 'no JSPI code in the glue');
});

test('--async-mode jspi in the .d.ts: listed exports return Promises, listed imports may', { skip }, () => {
  const js = transpile('jspi-mode', { instantiation: 'async', typescript: true, args: JSPI_ARGS });
  const dts = readFileSync(js.replace(/\.js$/, '.d.ts'), 'utf8');
  assert.match(dts, /run\(x: number\): Promise<number>/);
  assert.match(dts, /nameLen\(\): Promise<number>/);
  assert.match(dts, /sync\(x: number\): number/);
  assert.match(dts, /get: \(\(x: number\) => number \| Promise<number>\)/);
});
