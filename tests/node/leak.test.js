// Leak checks: resource create/drop cycles and plain calls leave the JS heap
// flat. Runs in a child Node with --expose-gc so the heap can be measured
// after full collections.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const weft = process.env.WEFT_BIN ?? join(root, 'target/debug/weft');

test('100k resource create/drop cycles and 100k string calls keep the heap flat', (t) => {
  const out = mkdtempSync(join(tmpdir(), 'weft-leak-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  for (const name of ['resources', 'strings-lists']) {
    execFileSync(weft, [
      'transpile',
      join(root, 'tests/golden/glue', name, 'input.wat'),
      '-o',
      out,
      '--name',
      name,
      '--instantiation',
      'sync',
      '-q',
    ]);
  }
  const script = join(out, 'leak.mjs');
  writeFileSync(
    script,
    `
    import { readFileSync } from 'node:fs';
    import { instantiate as res } from './resources.js';
    import { instantiate as str } from './strings-lists.js';
    const core = (f) => new WebAssembly.Module(readFileSync(new URL(f, import.meta.url)));
    const r = res(core, { 'test:res/host': { Logger: class { log() {} } } });
    const s = str(core, {});
    const { Counter } = r.api;
    function cycle(n) {
      for (let i = 0; i < n; i++) {
        const c = new Counter(i & 0xff);
        c.inc();
        if (i & 1) c[Symbol.dispose](); else r.api.consume(c);
        s.echoString('héllo ' + (i & 7));
      }
    }
    function heap() { for (let i = 0; i < 4; i++) globalThis.gc(); return process.memoryUsage().heapUsed; }
    cycle(20000);
    const before = heap();
    cycle(100000);
    const after = heap();
    new Counter(1);
    console.log(JSON.stringify({ before, after, lastHandle: r.api.lastHandle(), drops: r.api.drops() }));
  `,
  );
  const res = JSON.parse(execFileSync(process.execPath, ['--expose-gc', script], { encoding: 'utf8' }));
  assert.equal(res.drops, 120000);
  assert.equal(res.lastHandle, 1, 'every handle was freed: the table reuses index 1');
  const growth = res.after - res.before;
  assert.ok(growth < 1 << 20, `heap grew by ${growth} bytes over 100k cycles`);
});

test('an owned guest resource the garbage collector frees runs its destructor once (as jco)', () => {
  const out = mkdtempSync(join(tmpdir(), 'weft-finalize-'));
  try {
    execFileSync(weft, [
      'transpile',
      join(root, 'tests/golden/glue/resources/input.wat'),
      '-o',
      out,
      '--name',
      'resources',
      '--instantiation',
      'sync',
      '-q',
    ]);
    const script = join(out, 'finalize.mjs');
    writeFileSync(
      script,
      `
      import { instantiate } from './resources.js';
      const r = instantiate(undefined, { 'test:res/host': { Logger: class { log() {} } } });
      const { Counter } = r.api;
      const kept = [];
      (function make() {
        for (let i = 0; i < 100; i++) new Counter(i);               // dropped by the GC
        for (let i = 0; i < 50; i++) new Counter(i)[Symbol.dispose](); // disposed: unregistered
        for (let i = 0; i < 50; i++) r.api.consume(new Counter(i));   // moved into the component
        for (let i = 0; i < 10; i++) kept.push(new Counter(i));      // still alive
      })();
      const disposedNow = r.api.drops();
      for (let i = 0; i < 20 && r.api.drops() < disposedNow + 100; i++) {
        globalThis.gc();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      console.log(JSON.stringify({ disposedNow, drops: r.api.drops(), kept: kept.length }));
    `,
    );
    const res = JSON.parse(execFileSync(process.execPath, ['--expose-gc', script], { encoding: 'utf8' }));
    assert.equal(res.disposedNow, 100, 'dispose and moves run the destructor at once');
    assert.equal(res.drops, 200, 'each collected object ran its destructor exactly once; live ones did not');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
