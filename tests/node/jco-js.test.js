// `weft transpile --js` (jco's --js): the core modules become JS through
// binaryen's wasm2js and the glue loads those. Each case's exports must
// return the same values as with the wasm modules, and no .wasm is written.
// A component passing i64 across a core boundary is refused with one line.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const weft = join(repo, 'target', 'debug', 'weft');
const dir = mkdtempSync(join(tmpdir(), 'weft-jco-js-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function transpile(name, out, flags) {
  const input = join(repo, 'tests/golden/glue', name, 'input.wat');
  return spawnSync(weft, ['transpile', input, '-q', '--name', 'c', '-o', out, ...flags], { cwd: repo, encoding: 'utf8' });
}

async function both(name, flags = []) {
  const out = { wasm: join(dir, name, 'wasm'), js: join(dir, name, 'js') };
  for (const [kind, extra] of [['wasm', []], ['js', ['--js']]]) {
    const run = transpile(name, out[kind], [...flags, ...extra]);
    assert.equal(run.status, 0, run.stderr);
  }
  assert.deepEqual(readdirSync(out.js).filter((f) => f.endsWith('.wasm')), []);
  assert.ok(readdirSync(out.js).includes('c.core.js'));
  return [await import(pathToFileURL(join(out.wasm, 'c.js'))), await import(pathToFileURL(join(out.js, 'c.js')))];
}

test('strings and lists: same values with --js', async () => {
  const [w, j] = await both('strings-lists');
  for (const m of [w, j]) {
    assert.equal(m.echoString('héllo, wörld ✓'), 'héllo, wörld ✓');
  }
  const bytes = new Uint8Array([0, 1, 2, 250, 255]);
  assert.deepEqual(j.echoBytes(bytes), w.echoBytes(bytes));
  assert.deepEqual(j.echoNames(['a', 'bé', '']), w.echoNames(['a', 'bé', '']));
});

test('resources across two core modules: same values with --js', async () => {
  const host = join(dir, 'host.js');
  writeFileSync(host, 'export class Logger { constructor(p) { this.p = p; } log(n) { globalThis.logged.push(this.p + n); } }\n');
  const [w, j] = await both('resources', ['--map', `test:res/host=${pathToFileURL(host)}`]);
  const results = [w, j].map((m) => {
    globalThis.logged = [];
    const a = new m.api.Counter(5);
    a.inc();
    const b = new m.api.Counter(10);
    const values = [a.get(), m.api.Counter.sum(a, b), m.api.consume(b)];
    m.api.logWith(3);
    return [...values, [...globalThis.logged]];
  });
  assert.deepEqual(results[1], results[0]);
});

test('i64 across a core boundary: one error line, no output', () => {
  const out = join(dir, 'scalars');
  const run = transpile('scalars', out, ['--js']);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /^error: .*--js: c\.core\.wasm: `\w+` passes an i64/);
  assert.equal(run.stderr.trim().split('\n').length, 1);
  assert.throws(() => readdirSync(out));
});
