// The npm package's output is byte-identical to the native CLI's: every
// golden-test input (glue .wat, .d.ts WIT cases), every built fixture and
// bench component, under every option combination the golden tests use plus
// the rest of the transpile flags. Needs `cargo build` (target/debug/weft)
// and `bash npm/build.sh` (npm/wasm/).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const native = join(root, 'target/debug/weft');
const bin = join(root, 'npm/bin/weft.js');
const { transpile, types, guestTypes, wit } = await import('../../npm/src/node.js');

const tmp = mkdtempSync(join(tmpdir(), 'weft-npm-identical-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Every file under `dir`, `{ relative path: bytes }`. */
function readTree(dir) {
  const out = {};
  const walk = (d) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

function runNative(args) {
  const r = spawnSync(native, args, { encoding: 'buffer' });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

function runBin(args) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'buffer' });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

let dirs = 0;
const outDir = () => join(tmp, `o${dirs++}`);

/** Native `weft transpile` into a fresh directory: its files. */
function nativeTranspile(input, flags) {
  const dir = outDir();
  const r = runNative(['transpile', input, '-o', dir, '-q', ...flags]);
  assert.equal(r.status, 0, `native weft transpile ${input} ${flags.join(' ')}: ${r.stderr}`);
  return readTree(dir);
}

/** Boolean CLI flags and the API option each sets to true. */
const BOOLEAN_FLAGS = {
  '--tla-compat': 'tlaCompat',
  '-m': 'minify',
  '--minify': 'minify',
  '--no-typescript': 'noTypescript',
  '--tracing': 'tracing',
  '--no-namespaced-exports': 'noNamespacedExports',
  '--no-component-error-wrapping': 'noComponentErrorWrapping',
  '--no-wasi-shim': 'noWasiShim',
  '--all-features': 'allFeatures',
  '--variants-inline-cases': 'variantsInlineCases',
  '-O': 'optimize',
  '--js': 'js',
  '--strict': 'strict',
  '--multi-memory': 'multiMemory',
  '--valid-lifting-optimization': 'validLiftingOptimization',
};

/** The CLI flags as API options (the bin does this same mapping). */
function apiOptions(input, flags) {
  const o = {
    name: input
      .split('/')
      .pop()
      .replace(/\.[^.]*$/, ''),
    map: {},
  };
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i];
    const next = () => flags[++i];
    if (f in BOOLEAN_FLAGS) o[BOOLEAN_FLAGS[f]] = true;
    else if (f === '--instantiation') o.instantiation = next();
    else if (f === '-I') o.instantiation = 'async';
    else if (f === '--map' || f === '-M') {
      const [k, v] = next().split('=');
      o.map[k] = v;
    } else if (f === '--base64-cutoff' || f === '-b') o.base64Cutoff = Number(next());
    else if (f === '--async-mode') o.asyncMode = next();
    else if (f === '--async-imports') o.asyncImports = next();
    else if (f === '--name') o.name = next();
    else if (f === '--flags-as-bigint') o.flagsAsBigint = true;
    else if (f === '--use-namespace-objects') o.useNamespaceObjects = true;
    else if (f === '--enum-values-screaming-snake-case') o.enumValuesScreamingSnakeCase = true;
    else if (f === '--feature') o.features = [...(o.features ?? []), next()];
    else if (f === '--adapters') o.adapters = next();
    else if (f === '--target') o.target = next();
    else if (f === '--import-bindings') o.importBindings = next();
    else if (f === '--') o.wasmOptArgs = flags.splice(i + 1);
    else throw new Error(`flag ${f} not mapped`);
  }
  return o;
}

function assertSameTree(got, want, what) {
  assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), `${what}: file list`);
  for (const [path, bytes] of Object.entries(want)) {
    assert.ok(Buffer.compare(Buffer.from(got[path]), bytes) === 0, `${what}: ${path} differs`);
  }
}

const treeOf = (files) => Object.fromEntries(files.map((f) => [f.path, f.contents]));

// The option combinations: the golden tests' (async glue, sync, maps,
// tla-compat, names) and the remaining transpile flags.
const COMBOS = [
  [],
  ['--instantiation', 'async'],
  ['--instantiation', 'sync', '--no-typescript'],
  ['--instantiation', 'async', '--map', 'wasi:*=@scope/shim/*', '--name', 'app'],
  ['--tla-compat', '--minify'],
  ['--base64-cutoff', '1000000'],
  ['--async-mode', 'jspi'],
  ['--flags-as-bigint', '--use-namespace-objects', '--enum-values-screaming-snake-case'],
  ['--tracing', '--no-namespaced-exports', '--import-bindings', 'hybrid', '--strict'],
  ['--no-wasi-shim', '--no-component-error-wrapping', '--variants-inline-cases', '--all-features'],
  ['-I', '-M', 'wasi:*=./shim/*.js', '-b', '4000', '-m', '--feature', 'x', '--adapters', 'js'],
];

/** Combinations that run binaryen's tools: on the bench components and a few fixtures only (slow). */
// (`-O` alone runs binaryen's default features, which most core modules exceed: the error path.)
const BINARYEN_COMBOS = [
  ['-O'],
  ['-O', '--', '-O', '-all'],
  ['--js'],
  ['-O', '--js', '--', '-Os', '-all'],
  ['--js', '-I'],
];

const components = [
  ...readdirSync(join(root, 'tests/golden/glue')).map((c) => join(root, 'tests/golden/glue', c, 'input.wat')),
  ...readdirSync(join(root, 'fixtures/build'))
    .filter((f) => f.endsWith('.wasm'))
    .map((f) => join(root, 'fixtures/build', f)),
  ...readdirSync(join(root, 'bench/components'))
    .filter((f) => f.endsWith('.wat'))
    .map((f) => join(root, 'bench/components', f)),
].filter((p) => existsSync(p));

test('every component and option combination: the API writes the native files', () => {
  assert.ok(components.length >= 20, `found only ${components.length} components`);
  for (const input of components) {
    const bytes = readFileSync(input);
    for (const flags of COMBOS) {
      const want = nativeTranspile(input, flags);
      const got = treeOf(transpile(bytes, apiOptions(input, flags)).files);
      assertSameTree(got, want, `${relative(root, input)} ${flags.join(' ')}`);
    }
  }
});

test('-O and --js (binaryen): the API writes the native files, or fails as it does', () => {
  const some = components.filter((c) =>
    /bench\/components|values\.wasm|wasi-hello\.wasm|golden\/glue\/(resources|strings)/.test(c),
  );
  assert.ok(some.length >= 4, some.join());
  let same = 0;
  for (const input of some) {
    for (const flags of BINARYEN_COMBOS) {
      const dir = outDir();
      const n = runNative(['transpile', input, '-o', dir, '-q', ...flags]);
      const call = () => transpile(readFileSync(input), apiOptions(input, [...flags]));
      if (n.status === 0) {
        assertSameTree(treeOf(call().files), readTree(dir), `${relative(root, input)} ${flags.join(' ')}`);
        same++;
      } else
        assert.throws(
          call,
          (e) => e.name === 'WeftError' && n.stderr.includes(e.message),
          `${input} ${flags.join(' ')}: ${n.stderr}`,
        );
    }
  }
  assert.ok(same >= some.length * 2, `only ${same} runs succeeded`);
});

test('--target: the API writes the native entry module too', () => {
  const input = join(root, 'fixtures/build/wasi-http-server.wasm');
  for (const target of ['workers', 'deno', 'bun', 'node']) {
    const flags = ['--target', target];
    assertSameTree(
      treeOf(transpile(readFileSync(input), apiOptions(input, flags)).files),
      nativeTranspile(input, flags),
      `--target ${target}`,
    );
  }
});

test('the bin prints and writes what the native CLI does', () => {
  components.forEach((input, i) => {
    const flags = COMBOS[i % COMBOS.length];
    const [a, b] = [outDir(), outDir()];
    const n = runNative(['transpile', input, '-o', a, ...flags]);
    const j = runBin(['transpile', input, '-o', b, ...flags]);
    assert.equal(j.status, n.status, `${input}: exit ${j.stderr}`);
    assert.equal(j.stdout.replaceAll(b, a), n.stdout, `${input}: stdout`);
    assert.equal(j.stderr, n.stderr, `${input}: stderr`);
    assertSameTree(readTree(b), readTree(a), `${input} ${flags.join(' ')}`);
    const [nw, jw] = [runNative(['wit', input]), runBin(['wit', input])];
    assert.deepEqual(jw, nw, `${input}: weft wit`);
  });
});

/** A golden .d.ts case's options file as CLI flags. */
function caseFlags(dir) {
  const file = join(dir, 'options');
  const flags = { common: [], tla: false, fromWit: false };
  if (!existsSync(file)) return flags;
  for (const line of readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    const [key, value] = [line.slice(0, at).trim(), line.slice(at + 1).trim()];
    if (key === 'instantiation' && value !== 'esm') flags.common.push('--instantiation', value);
    else if (key === 'map') flags.common.push('--map', value);
    else if (key === 'name') flags.common.push('--name', value);
    else if (key === 'tla-compat') flags.tla = value === 'true';
    else if (key === 'source') flags.fromWit = value === 'wit';
  }
  return flags;
}

test('every golden .d.ts case: types, wit and transpile match the native CLI', () => {
  const cases = readdirSync(join(root, 'tests/golden/dts'));
  assert.ok(cases.length >= 10);
  for (const c of cases) {
    const dir = join(root, 'tests/golden/dts', c);
    const witFile = join(dir, 'input.wit');
    const { common, tla, fromWit } = caseFlags(dir);
    // From WIT, as `weft types input.wit`, through the bin.
    const [a, b] = [outDir(), outDir()];
    const n = runNative(['types', witFile, '-o', a, ...common]);
    const j = runBin(['types', witFile, '-o', b, ...common]);
    assert.deepEqual([j.status, j.stderr], [n.status, n.stderr], `${c}: types from WIT`);
    assertSameTree(readTree(b), readTree(a), `${c}: types from WIT`);
    if (fromWit) continue;
    // From the component the golden test builds (dummy core module + encoder).
    const wasm = join(tmp, `${c}.wasm`);
    const core = execFileSync('wasm-tools', ['component', 'embed', '--dummy', witFile]);
    writeFileSync(wasm, execFileSync('wasm-tools', ['component', 'new', '-'], { input: core }));
    const [x, y] = [outDir(), outDir()];
    assert.equal(runNative(['types', wasm, '-o', x, ...common]).status, 0);
    assert.equal(runBin(['types', wasm, '-o', y, ...common]).status, 0);
    assertSameTree(readTree(y), readTree(x), `${c}: types from the component`);
    assert.deepEqual(runBin(['wit', wasm]), runNative(['wit', wasm]), `${c}: wit`);
    const flags = [...common, ...(tla ? ['--tla-compat'] : [])];
    assertSameTree(
      treeOf(transpile(readFileSync(wasm), apiOptions(wasm, flags)).files),
      nativeTranspile(wasm, flags),
      `${c}: transpile`,
    );
  }
});

test('every golden .d.ts case: --stub and guest-types match the native CLI', () => {
  for (const c of readdirSync(join(root, 'tests/golden/dts'))) {
    const witFile = join(root, 'tests/golden/dts', c, 'input.wit');
    for (const args of [
      ['transpile', witFile, '--stub'],
      ['transpile', witFile, '--stub', '-I', 'sync', '--tracing'],
      ['guest-types', witFile],
      ['guest-types', witFile, '--name', 'g', '--variants-inline-cases'],
    ]) {
      const [a, b] = [outDir(), outDir()];
      const n = runNative([...args, '-o', a]);
      const j = runBin([...args, '-o', b]);
      assert.equal(j.status, n.status, `${c} ${args.join(' ')}: ${j.stderr}`);
      assert.equal(j.stdout.replaceAll(b, a), n.stdout, `${c} ${args.join(' ')}: stdout`);
      if (n.status === 0) assertSameTree(readTree(b), readTree(a), `${c} ${args.join(' ')}`);
      else assert.match(j.stderr, /^error: [^\n]+\n$/);
    }
  }
  // guest-types of a component, through the API
  const values = join(root, 'fixtures/build/values.wasm');
  const dir = outDir();
  assert.equal(runNative(['guest-types', values, '-o', dir]).status, 0);
  assertSameTree(
    treeOf(guestTypes(readFileSync(values), { name: 'values' }).files),
    readTree(dir),
    'guest-types values.wasm',
  );
});

test('bad input: the same one-line error and exit code as the native CLI', () => {
  const notWasm = join(tmp, 'bad.wasm');
  writeFileSync(notWasm, 'hello');
  const truncated = join(tmp, 'truncated.wasm');
  writeFileSync(truncated, readFileSync(join(root, 'fixtures/build/values.wasm')).subarray(0, 300));
  const badText = join(tmp, 'bad.wat');
  writeFileSync(badText, '(component\n  (bogus))');
  const badWit = join(tmp, 'bad.wit');
  writeFileSync(badWit, 'package a:b;\nworld w { import nope; }\n');
  for (const args of [
    ['transpile', notWasm, '-o', outDir()],
    ['transpile', truncated, '-o', outDir()],
    ['transpile', badText, '-o', outDir()],
    ['transpile', join(tmp, 'missing.wasm'), '-o', outDir()],
    ['wit', truncated],
    ['types', badWit, '-o', outDir()],
  ]) {
    const n = runNative(args);
    const j = runBin(args);
    assert.equal(j.status, n.status, `${args.join(' ')}: ${j.stderr}`);
    assert.match(j.stderr, /^error: [^\n]+\n$/, args.join(' '));
    if (args[1] !== badWit) assert.equal(j.stderr, n.stderr, args.join(' '));
  }
});

test('API errors are WeftErrors with the message and the byte offset', () => {
  const truncated = readFileSync(join(root, 'fixtures/build/values.wasm')).subarray(0, 300);
  assert.throws(
    () => transpile(truncated),
    (e) => e.name === 'WeftError' && e.kind === 'invalid' && typeof e.offset === 'number' && !e.message.includes('\n'),
  );
  assert.throws(
    () => transpile(new Uint8Array([0xff, 0xfe, 0])),
    (e) => e.offset === 0 && e.kind === 'invalid',
  );
  assert.throws(
    () => transpile(readFileSync(join(root, 'fixtures/build/values.wasm')), { instantiation: 'nope' }),
    /option `instantiation`: expected one of 'esm', 'async', 'sync'/,
  );
  assert.throws(() => transpile(new Uint8Array(0), { bogus: 1 }), /unknown option `bogus`/);
  assert.throws(() => wit(42), /expected the component as a Uint8Array/);
  // Valid, but wit-parser's decoder panics on it (src/panic_guard.rs; wasm32 aborts).
  const panics = '(component (import "a:b/c" (instance (type $f (func)) (export "t" (type (eq $f))))))';
  assert.throws(
    () => wit(new TextEncoder().encode(panics)),
    (e) => e.name === 'WeftError' && e.kind === 'invalid' && /the transpiler failed on this input/.test(e.message),
  );
  assert.ok(wit(readFileSync(join(root, 'fixtures/build/values.wasm'))).startsWith('package'), 'later calls work');
  assert.throws(
    () => types('package a:b;\nworld w { import nope; }\n'),
    (e) => e.name === 'WeftError' && /nope/.test(e.message),
  );
});
