// The packed weftjs tarball, installed into an empty directory outside the
// repository (so nothing resolves from this repo's node_modules), works under
// Node 20 (`node`) and Node 24: the `weft` bin (transpile, types, wit, run,
// serve, errors), the API, weftjs/wasi, and the hand-written .d.ts files type-
// check against the API. Needs `bash npm/build.sh` (npm/weftjs-*.tgz).
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const NODES = { 'node 20': process.execPath, 'node 24': join(root, 'node_modules/node/bin/node') };
const fixture = (name) => join(root, 'fixtures/build', name);

let dir;
let bin;
before(() => {
  const tarball = readdirSync(join(root, 'npm')).find((f) => /^weftjs-.*\.tgz$/.test(f));
  assert.ok(tarball, 'npm/weftjs-<version>.tgz is missing: run bash npm/build.sh');
  dir = mkdtempSync(join(tmpdir(), 'weftjs-install-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', join(root, 'npm', tarball)], {
    cwd: dir,
    stdio: 'pipe',
  });
  bin = join(dir, 'node_modules/.bin/weft');
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

function run(node, args, options = {}) {
  const r = spawnSync(node, args, { cwd: dir, encoding: 'utf8', ...options });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the tarball holds what the package needs and nothing else', () => {
  const pkg = join(dir, 'node_modules/weftjs');
  const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
  assert.deepEqual(manifest.dependencies ?? {}, {});
  for (const f of [
    'bin/weft.js',
    'src/node.js',
    'src/web.js',
    'src/browser.js',
    'src/index.d.ts',
    'wasm/weft_bg.wasm',
    'wasi/index.js',
    'run/command.mjs',
  ]) {
    assert.ok(existsSync(join(pkg, f)), f);
  }
  assert.ok(!existsSync(join(pkg, 'build.sh')) && !existsSync(join(pkg, 'wasm/weft_bg.wasm.d.ts')));
});

for (const [label, node] of Object.entries(NODES)) {
  test(`${label}: weft transpile, types and wit`, () => {
    const out = join(dir, `out-${label.replace(' ', '')}`);
    const r = run(node, [bin, 'transpile', fixture('values.wasm'), '-o', out, '--instantiation', 'async']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /values\.js \(\d+ bytes\)/);
    const written = readdirSync(out);
    assert.ok(written.includes('values.js') && written.includes('values.d.ts'), written.join());
    assert.ok(
      written.some((f) => f.endsWith('.wasm')),
      'a core module',
    );
    const t = run(node, [bin, 'types', fixture('values.wasm'), '-o', join(out, 'types')]);
    assert.equal(t.status, 0, t.stderr);
    assert.ok(readdirSync(join(out, 'types')).includes('values.d.ts'));
    const w = run(node, [bin, 'wit', fixture('values.wasm')]);
    assert.equal(w.status, 0, w.stderr);
    assert.match(w.stdout, /^package /m);
  });

  test(`${label}: weft run passes args, env, stdout and the exit code`, () => {
    const r = run(node, [bin, 'run', fixture('wasi-hello.wasm')]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.length > 0);
    const e = run(node, [bin, 'run', '--env', 'WEFT_X=42', fixture('wasi-args-env-exit.wasm'), '--', 'a', 'b']);
    const n = spawnSync(
      join(root, 'target/debug/weft'),
      ['run', '--env', 'WEFT_X=42', fixture('wasi-args-env-exit.wasm'), '--', 'a', 'b'],
      { encoding: 'utf8' },
    );
    assert.deepEqual([e.status, e.stdout, e.stderr], [n.status, n.stdout, n.stderr]);
  });

  test(`${label}: weft serve answers HTTP and stops with its parent`, async () => {
    const child = spawn(node, [bin, 'serve', '--addr', '127.0.0.1:0', fixture('wasi-http-server.wasm')], { cwd: dir });
    try {
      const url = await new Promise((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (d) => {
          text += d;
          const m = /listening on (http:\/\/\S+)/.exec(text);
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
        setTimeout(() => reject(new Error('serve did not start')), 30000).unref();
      });
      const res = await fetch(url);
      assert.equal(res.status < 500, true, `status ${res.status}`);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode === null ? child.on('exit', r) : r()));
    }
  });

  test(`${label}: bad input is one error line and exit 1; wast is native-only`, () => {
    const r = run(node, [bin, 'transpile', join(root, 'README.md'), '-o', join(dir, 'nope')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^error: \S*README\.md:1:1: [^\n]+\n$/);
    assert.ok(!existsSync(join(dir, 'nope')));
    const u = run(node, [bin, 'transpile']);
    assert.equal(u.status, 2);
    assert.match(u.stderr, /^error: [^\n]+\n$/);
    const w = run(node, [bin, 'wast', 'x.wast']);
    assert.match(w.stderr, /native build only/);
    assert.match(run(node, [bin, '--help']).stdout, /wast.*native build only/s);
  });

  test(`${label}: -O and --js without binaryen are one error line; with it they run`, () => {
    // No binaryen beside weftjs in this install, none on PATH, none up from the working directory.
    const bare = { ...process.env, PATH: dirname(node), WEFT_WASM_OPT: '', WEFT_WASM2JS: '' };
    for (const [flag, tool] of [
      ['-O', 'wasm-opt'],
      ['--js', 'wasm2js'],
    ]) {
      const out = join(dir, `no-binaryen-${label.replace(' ', '')}`);
      const r = run(node, [bin, 'transpile', fixture('values.wasm'), '-o', out, flag], { env: bare });
      assert.equal(r.status, 1, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `^error: option \`(optimize|js)\` runs binaryen's \`${tool}\`, which was not found: install the npm package \`binaryen\`[^\n]*\n$`,
        ),
      );
      assert.ok(!existsSync(out), 'nothing written');
    }
    const api = run(
      node,
      [
        '-e',
        "import('weftjs').then(({ transpile }) => { try { transpile(new Uint8Array(8), { optimize: true }); } catch (e) { console.log(e.name, e.kind); } })",
      ],
      { env: bare },
    );
    assert.equal(api.stdout.trim(), 'WeftError options', api.stderr);
    // binaryen found through $WEFT_WASM_OPT: the optimised module differs from the plain one.
    const opt = join(dir, `binaryen-${label.replace(' ', '')}`);
    const env = {
      ...bare,
      WEFT_WASM_OPT: join(root, 'node_modules/.bin/wasm-opt'),
      PATH: `${dirname(node)}:${process.env.PATH}`,
    };
    const o = run(node, [bin, 'transpile', fixture('values.wasm'), '-o', opt, '-O', '-q', '--', '-O', '-all'], { env });
    assert.equal(o.status, 0, o.stderr);
    const plain = join(dir, `plain-${label.replace(' ', '')}`);
    assert.equal(run(node, [bin, 'transpile', fixture('values.wasm'), '-o', plain, '-q']).status, 0);
    const core = readdirSync(opt).find((f) => f.endsWith('.wasm'));
    assert.notDeepEqual(readFileSync(join(opt, core)), readFileSync(join(plain, core)));
  });

  test(`${label}: the API and weftjs/wasi from the installed package`, () => {
    const script = `
      import { transpile, types, wit, WeftError } from 'weftjs';
      import { createWasi, runCommand, collectSink } from 'weftjs/wasi';
      import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
      import { dirname, join } from 'node:path';
      const bytes = readFileSync(${JSON.stringify(fixture('wasi-hello.wasm'))});
      const out = transpile(bytes, { name: 'hello', instantiation: 'async' });
      const dir = join(process.cwd(), 'api-out-' + process.version);
      for (const f of out.files) { mkdirSync(dirname(join(dir, f.path)), { recursive: true }); writeFileSync(join(dir, f.path), f.contents); }
      const { instantiate } = await import(join(dir, 'hello.js'));
      const stdout = collectSink();
      const app = await instantiate((p) => WebAssembly.compile(readFileSync(join(dir, p))), createWasi({ stdout }));
      const code = runCommand(app);
      let err;
      try { transpile(bytes.subarray(0, 100)); } catch (e) { err = e; }
      console.log(JSON.stringify({
        code, text: stdout.text(), exports: out.exports, imports: out.imports.length,
        dts: types(bytes, { name: 'hello' }).files.some((f) => f.path === 'hello.d.ts'),
        wit: wit(bytes).startsWith('package'), error: err instanceof WeftError && typeof err.offset === 'number',
      }));
    `;
    writeFileSync(join(dir, 'api.mjs'), script);
    const r = run(node, ['api.mjs']);
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout);
    assert.equal(got.code, 0);
    assert.ok(got.text.length > 0);
    assert.ok(got.imports > 0 && got.dts && got.wit && got.error, r.stdout);
  });
}

test('the .d.ts files type-check a consumer (tsc, strict)', () => {
  writeFileSync(
    join(dir, 'use.ts'),
    `
    import { transpile, types, guestTypes, wit, WeftError, type Transpiled } from 'weftjs';
    import { loadComponent } from 'weftjs/browser';
    import { createWasi } from 'weftjs/wasi';
    const out: Transpiled = transpile(new Uint8Array(), { instantiation: 'async', map: { 'wasi:*': './w.js#*' }, asyncImports: ['a#b'] });
    const first: Uint8Array = out.files[0].contents;
    const d: string[] = types('package a:b; world w {}', { world: 'w' }).files.map((f) => f.path);
    const w: string = wit(first);
    const e = new Error() as WeftError; const o: number | undefined = e.offset;
    const p: Promise<Record<string, any>> = loadComponent(first, createWasi({ args: ['x'] }), { asyncMode: 'jspi' });
    // @ts-expect-error: not an option
    transpile(first, { bogus: true });
    transpile({ 'a.wit': 'package a:b; world w {}' }, { stub: true, tracing: true, features: ['x'], adapters: 'js' });
    // @ts-expect-error: WIT sources need stub: true
    transpile({ 'a.wit': 'package a:b; world w {}' });
    transpile(first, { optimize: true, wasmOptArgs: ['-Oz'], js: true, noWasiShim: true, importBindings: 'hybrid' });
    const g: string[] = guestTypes('package a:b; world w {}', { world: 'w', asyncMode: 'jspi' }).files.map((f) => f.path);
    // @ts-expect-error: guest-types has no instantiation
    guestTypes(first, { instantiation: 'async' });
    // @ts-expect-error: types() has no optimize
    types(first, { optimize: true });
    void [d, w, o, p, g];
  `,
  );
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        lib: ['es2022', 'dom'],
        types: [],
      },
      files: ['use.ts'],
    }),
  );
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
