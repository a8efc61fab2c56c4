import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWasi, memoryDirectory, collectSink } from './browser.js';
import { createWasi as createNodeWasi } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));

test('browser.js and everything it imports avoid node: modules', () => {
  // paths relative to js-runtime/ (the 0.3 host lives beside this one, in wasi3/)
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(join(here, '..', file), 'utf8');
    for (const [, spec] of src.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
      assert.ok(spec.startsWith('./') || /^\.\.\/wasi3?\//.test(spec), `${file} imports ${spec}`);
      visit(posix.join(posix.dirname(file), spec));
    }
    assert.doesNotMatch(src, /\bimport\(|require\(|process\.(env|argv|cwd)/, `${file} reaches for the host`);
  };
  visit('wasi/browser.js');
  assert.ok(
    seen.has('wasi/filesystem-memory.js') && !seen.has('wasi/filesystem-node.js') && !seen.has('wasi/index.js'),
  );
  assert.ok(seen.has('wasi3/imports.js'));
});

test('both entries provide the same interfaces', () => {
  assert.deepEqual(
    Object.keys(createWasi()).sort(),
    Object.keys(createNodeWasi({ stdout: null, stderr: null })).sort(),
  );
});

test('browser: stdout goes to the console line by line by default; sinks and functions work', (t) => {
  const logged = [];
  t.mock.method(console, 'log', (l) => logged.push(l));
  const w = createWasi();
  const out = w['wasi:cli/stdout'].getStdout();
  out.blockingWriteAndFlush(new TextEncoder().encode('one\ntw'));
  out.blockingWriteAndFlush(new TextEncoder().encode('o\n'));
  assert.deepEqual(logged, ['one', 'two']);
  const sink = collectSink();
  createWasi({ stderr: sink })
    ['wasi:cli/stderr'].getStderr()
    .write(new Uint8Array([104, 105]));
  assert.equal(sink.text(), 'hi');
});

test('browser: the page seeds an in-memory tree and reads results back', () => {
  const root = memoryDirectory({ 'in.txt': 'seed', sub: {} });
  const w = createWasi({ preopens: { '/': root }, stdin: 'typed input' });
  const [[dir, p]] = w['wasi:filesystem/preopens'].getDirectories();
  assert.equal(p, '/');
  const f = dir.openAt({}, 'sub/out.txt', { create: true }, { write: true });
  f.write(new TextEncoder().encode('result'), 0n);
  assert.equal(root.readText('sub/out.txt'), 'result');
  assert.deepEqual(root.list(), ['in.txt', 'sub']);
  root.writeFile('sub/late.txt', 'added by the page');
  assert.equal(dir.statAt({}, 'sub/late.txt').size, 17n);
  assert.throws(() => createWasi({ preopens: { '/x': '/host/path' } }), TypeError);
});
