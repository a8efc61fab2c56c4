// The bundler plugins (weftjs/vite, rollup, rolldown, webpack, esbuild, rspack) from
// the packed tarball, built in Node (tests/npm/bundler-site.mjs, bundle.mjs);
// the example app in Chromium is tests/browser/bundlers.spec.ts. Per bundler:
//  - a Node build (SSR / platform node) runs: a WASI command through
//    weftjs/bundled's Node host with `configure()`d args and env, a
//    `?instantiate` import given its imports at run time, a `?component`
//    import of a file without the .wasm extension; bundler source maps intact;
//  - a core module import is left to the bundler (or the next plugin);
//  - a broken component fails the build with weft's one-line message, naming the file.
// Then `tsc` types an import with the `.d.ts` the plugin writes, or `weft types` does.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BUNDLERS, REPO, bundle, createSite, removeSite, subdir } from './bundler-site.mjs';

let dir;
before(() => {
  dir = createSite('weft-bundlers-node-');
});
after(() => removeSite(dir));

const fixture = (name) => join(REPO, 'fixtures/build', name);
/** The smallest core module: `(module (func (export "f")))`. */
const CORE = Buffer.from('0061736d0100000001040160000003020100070501016600000a040102000b', 'hex');

/** What the WASI command of writeNodeApp's app prints first, given setup.js's configure(). */
const CONFIGURED = ['argc=2', 'arg[0]=bundled', 'arg[1]=x', 'envc=1', 'env WEFT_X=7', 'HOME unset'];

function writeNodeApp(app) {
  cpSync(fixture('wasi-args-env-exit.wasm'), join(app, 'command.wasm'));
  cpSync(fixture('bundler-app.wasm'), join(app, 'app.wasm'));
  cpSync(fixture('bundler-app.wasm'), join(app, 'app.component'));
  writeFileSync(
    join(app, 'setup.js'),
    `import { configure } from 'weftjs/bundled';
configure({ args: ['bundled', 'x'], env: { WEFT_X: '7' } });
`,
  );
  writeFileSync(
    join(app, 'main.js'),
    `import './setup.js';
import { run } from './command.wasm';
import { instantiate } from './app.wasm?instantiate';
import { api as forced } from './app.component?component';
const logs = [];
// Keys are the glue's import keys: after the map, this one is './host.js'.
const app = await instantiate({ './host.js': { log: (m) => logs.push(m) } });
const greeting = await app.api.greet('node');
const counter = new forced.Counter(1);
console.log(JSON.stringify({ greeting, logs, forced: counter.increment(2) }));
run.run();
`,
  );
}

for (const bundler of BUNDLERS) {
  test(`${bundler}: a Node build runs WASI (configure), ?instantiate and ?component`, () => {
    const app = subdir(dir, `node-${bundler}`);
    writeNodeApp(app);
    // `host.js` maps the forced component's import (map values are relative to the .wasm).
    writeFileSync(join(app, 'host.js'), 'export function log() {}\n');
    const out = join(app, 'dist');
    const r = bundle(dir, bundler, join(app, 'main.js'), out, { map: { 'example:app/host': './host.js' } }, 'node');
    assert.equal(r.status, 0, r.output);
    const main = readdirSync(out).find((f) => /^main\.m?js$/.test(f));
    const run = spawnSync(process.execPath, [join(out, main)], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const [json, ...printed] = run.stdout.trim().split('\n');
    assert.deepEqual(JSON.parse(json), { greeting: 'hello, node', logs: ['greeting node'], forced: 3 });
    assert.deepEqual(printed.slice(0, 6), CONFIGURED);
    // Bundler source maps survive the component modules: the app's own sources are mapped.
    const map = JSON.parse(readFileSync(join(out, `${main}.map`), 'utf8'));
    assert.ok(
      map.sources.some((s) => s.endsWith('setup.js')),
      map.sources.join(),
    );
    assert.equal(map.sources.length, map.sourcesContent?.length ?? map.sources.length);
  });

  test(`${bundler}: a core module import is left to the bundler`, () => {
    const app = subdir(dir, `core-${bundler}`);
    writeFileSync(join(app, 'core.wasm'), CORE);
    const native = {
      vite: ["import init from './core.wasm?init';", 'init'],
      webpack: ["import * as core from './core.wasm';", 'core'],
      rspack: ["import * as core from './core.wasm';", 'core'],
      esbuild: ["import core from './core.wasm';", 'core'],
    };
    const [line, name] = native[bundler] ?? ["import core from './core.wasm';", 'core'];
    writeFileSync(join(app, 'main.js'), `${line}\nconsole.log(${name});\n`);
    const extra = {
      webpack: { experiments: { outputModule: true, asyncWebAssembly: true } },
      rspack: { experiments: { asyncWebAssembly: true } },
      esbuild: { loader: { '.wasm': 'file' } },
    }[bundler];
    const out = join(app, 'dist');
    const r = bundle(dir, bundler, join(app, 'main.js'), out, { __extra: extra, __coreFallback: true });
    assert.equal(r.status, 0, r.output);
    const files = readdirSync(out, { recursive: true }).map(String);
    if (bundler === 'rollup' || bundler === 'rolldown') {
      const js = files
        .filter((f) => f.endsWith('.js'))
        .map((f) => readFileSync(join(out, f), 'utf8'))
        .join('');
      assert.match(js, new RegExp(`core module, ${CORE.length} bytes`), 'the next plugin loaded it');
    } else {
      const emitted = files.filter((f) => f.endsWith('.wasm')).map((f) => readFileSync(join(out, f)));
      const js = files
        .filter((f) => f.endsWith('.js'))
        .map((f) => readFileSync(join(out, f), 'utf8'))
        .join('');
      // Vite's `?init` inlines a module this small (assetsInlineLimit): it is in the JS, as base64.
      const kept = emitted.some((b) => b.equals(CORE)) || (bundler === 'vite' && js.includes(CORE.toString('base64')));
      assert.ok(kept, `the bundler emitted the core module as is: ${files.join()}`);
    }
    assert.ok(!existsSync(join(app, 'core.wasm.d.ts')), 'no declarations for a core module');
  });

  test(`${bundler}: a broken component fails the build with weft's error, naming the file`, async () => {
    const app = subdir(dir, `broken-${bundler}`);
    const broken = readFileSync(fixture('bundler-app.wasm')).subarray(0, 200);
    writeFileSync(join(app, 'broken.wasm'), broken);
    writeFileSync(join(app, 'main.js'), "import { api } from './broken.wasm';\nconsole.log(api);\n");
    const { transpile } = await import(join(dir, 'node_modules/weftjs/src/node.js'));
    let message;
    try {
      transpile(broken);
    } catch (e) {
      message = e.message;
    }
    assert.ok(message && !message.includes('\n'));
    const r = bundle(dir, bundler, join(app, 'main.js'), join(app, 'dist'));
    assert.notEqual(r.status, 0);
    assert.ok(r.output.includes(`broken.wasm: ${message}`), r.output);
    assert.ok(!existsSync(join(app, 'dist/main.js')), 'nothing half-written');
  });
}

/** The Vite dev server's SSR side (tests/npm/bundlers.test.js): `ssrLoadModule` of main.js, then again after app.wasm is edited. */
const VITE_SSR = `import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'vite';
import weft from 'weftjs/vite';
const root = process.argv[2];
const server = await createServer({
  configFile: false, logLevel: 'silent', root, appType: 'custom',
  server: { middlewareMode: true, hmr: false },
  plugins: [weft({ map: { 'example:app/host': './host.js' } })],
});
try {
  const first = await (await server.ssrLoadModule('/main.js')).render();
  const app = join(root, 'app.wasm');
  const bytes = readFileSync(app);
  bytes.write('howdy, ', bytes.indexOf('hello, '));
  writeFileSync(app, bytes);
  let second = first;
  for (let i = 0; i < 100 && second.greeting === first.greeting; i++) {
    await new Promise((r) => setTimeout(r, 100));
    second = await (await server.ssrLoadModule('/main.js')).render();
  }
  console.log(JSON.stringify({ first, second }));
  (await server.ssrLoadModule('/main.js')).command();
} finally {
  await server.close();
}
`;

test("vite dev server, SSR: ssrLoadModule runs components that share the app's configure(), and picks up an edited .wasm", () => {
  const app = subdir(dir, 'vite-ssr-dev');
  writeNodeApp(app);
  writeFileSync(join(app, 'host.js'), 'export function log() {}\n');
  // Vite's server side loads the app's `weftjs/bundled` with Node itself (externalized): the components must reach the same module.
  writeFileSync(
    join(app, 'main.js'),
    `import './setup.js';
import { api } from './app.wasm';
import { instantiate } from './app.wasm?instantiate';
import { run } from './command.wasm';
export async function render() {
  const logs = [];
  const other = await instantiate({ './host.js': { log: (m) => logs.push(m) } });
  return { greeting: await api.greet('ssr'), count: new api.Counter(1).increment(2), other: await other.api.greet('x'), logs };
}
export const command = () => run.run();
`,
  );
  writeFileSync(join(dir, 'vite-ssr-dev.mjs'), VITE_SSR);
  const r = spawnSync(process.execPath, ['vite-ssr-dev.mjs', app], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const [json, ...printed] = r.stdout.trim().split('\n');
  const base = { count: 3, other: 'hello, x', logs: ['greeting x'] };
  assert.deepEqual(JSON.parse(json), {
    first: { greeting: 'hello, ssr', ...base },
    second: { greeting: 'howdy, ssr', ...base, other: 'howdy, x' },
  });
  assert.deepEqual(printed.slice(0, 6), CONFIGURED);
});

test('an import no map entry provides fails the build, naming it', () => {
  const app = subdir(dir, 'unmapped');
  cpSync(fixture('bundler-app.wasm'), join(app, 'app.wasm'));
  writeFileSync(join(app, 'main.js'), "import { api } from './app.wasm';\nconsole.log(api);\n");
  const r = bundle(dir, 'rollup', join(app, 'main.js'), join(app, 'dist'));
  assert.notEqual(r.status, 0);
  assert.match(
    r.output,
    /app\.wasm: no module provides import `example:app\/host`: map it with the plugin's `map` option/,
  );
});

test('noCoreLoader: the glue the plugin gets has no default core-module loader to chase', async () => {
  const { transpile } = await import(join(dir, 'node_modules/weftjs/src/node.js'));
  const bytes = readFileSync(fixture('bundler-app.wasm'));
  const glue = (options) =>
    new TextDecoder().decode(
      transpile(bytes, { name: 'app', instantiation: 'async', ...options }).files.find((f) => f.path === 'app.js')
        .contents,
    );
  const usual = glue({});
  assert.match(usual, /import\.meta\.url/);
  assert.match(usual, /node:fs\/promises/);
  const plugin = glue({ noCoreLoader: true });
  assert.doesNotMatch(plugin, /import\.meta\.url|node:fs|fetchCompile/);
  assert.match(plugin, /getCoreModule\(/, 'core modules are still loaded through the getCoreModule the caller passes');
  assert.throws(() => transpile(bytes, { noCoreLoader: 1 }), /option `noCoreLoader`/);
});

test('plugin options are checked when the plugin is created', () => {
  const script = `
    import weft from 'weftjs/rollup';
    const errors = [];
    for (const o of [{ name: 'x' }, { instantiation: 'sync' }, { bogus: 1 }, { base64Cutoff: -1 }, { target: 'deno' }, { dts: 'yes' }]) {
      try { weft(o); errors.push(null); } catch (e) { errors.push(e.message); }
    }
    console.log(JSON.stringify(errors));
  `;
  writeFileSync(join(dir, 'options.mjs'), script);
  const errors = JSON.parse(execFileSync(process.execPath, ['options.mjs'], { cwd: dir, encoding: 'utf8' }));
  assert.deepEqual(errors, [
    'weftjs plugin: option `name` is set by the plugin (use the file name)',
    'weftjs plugin: option `instantiation` is set by the plugin (use `instantiate: true` or `?instantiate`)',
    'unknown option `bogus`',
    'option `base64Cutoff`: expected a non-negative integer',
    "weftjs plugin: option `target`: expected 'browser' or 'node'",
    'weftjs plugin: option `dts`: expected a boolean',
  ]);
});

/** Runs `tsc` in `app` on a use of `./app.wasm` that only type-checks with the component's WIT types. */
function tscAppUse(app) {
  writeFileSync(
    join(app, 'use.ts'),
    `
    import { api } from './app.wasm';
    import { instantiate } from './app.wasm?instantiate';
    const counter: api.Counter = new api.Counter(1);
    const n: number = counter.increment(2);
    const greeting: Promise<string> = api.greet('x');
    // @ts-expect-error: greet takes a string
    api.greet(1);
    // @ts-expect-error: no such export
    api.nothing();
    const e: Promise<Record<string, any>> = instantiate({});
    void [n, greeting, e];
  `,
  );
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: 'esnext',
        target: 'es2022',
        moduleResolution: 'bundler',
        skipLibCheck: false,
        lib: ['es2022', 'esnext.disposable', 'dom'],
        types: ['weftjs/client'], // resources are Disposable
      },
      files: ['use.ts'],
    }),
  );
  return spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', app], {
    cwd: app,
    encoding: 'utf8',
  });
}

test('tsc types a component import with the .d.ts the plugin wrote (WIT types, not any)', () => {
  const app = join(dir, 'node-rollup'); // built above: app.wasm.d.ts sits next to app.wasm
  assert.ok(existsSync(join(app, 'app.wasm.d.ts')), 'the plugin wrote app.wasm.d.ts');
  const r = tscAppUse(app);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('without the plugin: `weft types app.wasm -o <its directory> --name app.wasm` gives tsc the same types', () => {
  const app = subdir(dir, 'types-cli');
  cpSync(fixture('bundler-app.wasm'), join(app, 'app.wasm'));
  writeFileSync(join(app, 'package.json'), '{"type":"module"}');
  symlinkSync(join(dir, 'node_modules'), join(app, 'node_modules'), 'dir');
  const before = tscAppUse(app);
  assert.notEqual(before.status, 0, 'no declarations yet: tsc cannot resolve ./app.wasm');
  const weftBin = join(dir, 'node_modules/weftjs/bin/weft.js');
  const cli = spawnSync(process.execPath, [weftBin, 'types', 'app.wasm', '-o', '.', '--name', 'app.wasm'], {
    cwd: app,
    encoding: 'utf8',
  });
  assert.equal(cli.status, 0, cli.stderr);
  assert.ok(existsSync(join(app, 'app.wasm.d.ts')));
  const r = tscAppUse(app);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
