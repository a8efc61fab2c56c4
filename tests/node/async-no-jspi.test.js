// A wit-bindgen async guest whose async imports all come from the host needs no
// JSPI: wit-bindgen's runtime imports a sync `subtask.cancel` and sync
// `stream.cancel-*`, which cannot block there (a host callee is cancelled at
// once; a stream copy's cancel completes at once), so even on an engine with
// JSPI its async exports are entered without `WebAssembly.promising` (a new
// stack and a Promise per call). A composition whose subtasks call a lifted
// function of another component keeps JSPI: cancelling such a subtask may wait.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JSPI_FLAG, NODE24, tmp, transpileFixture, fixturePath } from './support/async.js';

const skip = !existsSync(NODE24) && 'needs node_modules/node (Node 24, JSPI)';

/** Runs `body` (module code with `instantiateGlue`) under Node 24 with JSPI, counting `promising` calls. */
function underJspi(body) {
  const file = join(tmp('no-jspi'), 'run.mjs');
  writeFileSync(
    file,
    `
    const promising = WebAssembly.promising;
    let entries = 0;
    WebAssembly.promising = (f) => { const p = promising(f); return (...a) => { entries++; return p(...a); }; };
    const { instantiateGlue } = await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, 'support/async.js')).href)});
    const out = await (async () => { ${body} })();
    console.log(JSON.stringify({ ...out, entries }));
  `,
  );
  return JSON.parse(execFileSync(NODE24, [JSPI_FLAG, file], { encoding: 'utf8' }));
}

test('async-bench (host imports only): no promising entry on an engine with JSPI', { skip }, () => {
  const js = transpileFixture('weft', 'async-bench');
  const out = underJspi(`
    const { bench } = await instantiateGlue(${JSON.stringify(js)}, { 'test:async-bench/host': { tick: () => 1 } });
    return { nop: await bench.nop(), nopSync: await bench.nopSync(), callHost: await bench.callHost(3) };
  `);
  assert.deepEqual(out, { nop: 1, nopSync: 1, callHost: 3, entries: 0 });
});

test('a composition whose subtasks call another component keeps its promising entries', {
  skip:
    (skip || !existsSync(fixturePath('async-pipeline'))) && 'needs Node 24 and fixtures/compose/async-pipeline.wasm',
}, () => {
  const js = transpileFixture('weft', 'async-pipeline');
  const out = underJspi(`
    const { sink } = await instantiateGlue(${JSON.stringify(js)}, {});
    return { len: Number((await sink.pull(100, 10)).len) };
  `);
  assert.equal(out.len, 100);
  assert.ok(out.entries > 0, 'async exports of a JSPI-mode instance go through promising');
});
