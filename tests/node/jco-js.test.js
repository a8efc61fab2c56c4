// `weft transpile --js` (jco's --js): the core modules become JS through
// binaryen's wasm2js and the glue loads those. Each case's exports must
// return the same values as with the wasm modules, and no .wasm is written.
// i64s across a core module's boundary (which wasm2js splits into i32 pairs)
// reach the host and the caller as BigInts, as with wasm.

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
  const input = name.endsWith('.wat') ? join(repo, name) : join(repo, 'tests/golden/glue', name, 'input.wat');
  return spawnSync(weft, ['transpile', input, '-q', '--name', 'c', '-o', out, ...flags], {
    cwd: repo,
    encoding: 'utf8',
  });
}

async function both(name, flags = []) {
  const out = { wasm: join(dir, name.replace(/\W/g, '_'), 'wasm'), js: join(dir, name.replace(/\W/g, '_'), 'js') };
  for (const [kind, extra] of [
    ['wasm', []],
    ['js', ['--js']],
  ]) {
    const run = transpile(name, out[kind], [...flags, ...extra]);
    assert.equal(run.status, 0, run.stderr);
  }
  assert.deepEqual(
    readdirSync(out.js).filter((f) => f.endsWith('.wasm')),
    [],
  );
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
  writeFileSync(
    host,
    'export class Logger { constructor(p) { this.p = p; } log(n) { globalThis.logged.push(this.p + n); } }\n',
  );
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

test('u64 and s64 through exports and imports: the same values with --js', async () => {
  const host = join(dir, 'i64-host.js');
  writeFileSync(
    host,
    `
export function mix(a, b, c) { globalThis.seen.push([a, b, c]); return BigInt.asIntN(64, a + BigInt(b) * c); }
export function triple(a) { globalThis.seen.push([a]); return BigInt.asUintN(64, a * 3n); }
`,
  );
  const [w, j] = await both('fixtures/components/i64-boundary.wat', ['--map', `test:i64/host=${pathToFileURL(host)}`]);
  const results = [w, j].map((m) => {
    globalThis.seen = [];
    const values = [
      m.add(2n ** 64n - 1n, 2n),
      m.add(2n ** 63n, 2n ** 32n + 5n),
      m.sub(-5, -(2n ** 63n) + 10n, 0xffffffff),
      m.high(0xdeadbeef00000000n),
      m.callTriple(2n ** 63n + 1n),
      m.callMix(2n ** 64n - 3n, -7, -(2n ** 62n)),
      m.callMix(0n, 2 ** 31 - 1, 2n ** 32n + 1n),
    ];
    return { values, seen: globalThis.seen };
  });
  assert.deepStrictEqual(results[0].values, [
    1n,
    2n ** 63n + 2n ** 32n + 5n,
    BigInt.asIntN(64, -5n - (-(2n ** 63n) + 10n + 0xffffffffn)),
    0xdeadbeef,
    BigInt.asUintN(64, (2n ** 63n + 1n) * 3n),
    BigInt.asIntN(64, 2n ** 64n - 3n + -7n * -(2n ** 62n)),
    BigInt.asIntN(64, BigInt(2 ** 31 - 1) * (2n ** 32n + 1n)),
  ]);
  assert.deepStrictEqual(results[0].seen, [
    [2n ** 63n + 1n],
    [2n ** 64n - 3n, -7, -(2n ** 62n)],
    [0n, 2 ** 31 - 1, 2n ** 32n + 1n],
  ]);
  assert.deepStrictEqual(results[1], results[0]);
});
