// The bundler plugins in Chromium: examples/{vite,rollup,rolldown,webpack,
// esbuild,rspack} built from the packed weftjs tarball (tests/npm/bundler-site.mjs:
// installed offline into a temp project, bundlers linked in), served, and
// the page's output checked (an import the app provides, a resource, an
// async export); a WASI command in the page, granted args and env through
// configure(). Then the dev servers (Vite's, and webpack-dev-server through
// examples/webpack/serve.mjs): the component served on request, and an edit
// of the .wasm reaches the page.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test as base, expect } from './fixtures';
import { serve } from '../../src/cli/server.mjs';
import { BUNDLERS, REPO, bundle, buildExample, createSite, removeSite, subdir } from '../npm/bundler-site.mjs';

const EXPECTED = [
  'greet: hello, bundlers',
  'counter: 42',
  'host log: counter is 41 | counter is 42 | greeting bundlers',
].join('\n');
/** Where each example's built page is, under the site. */
const PAGE: Record<string, string> = { vite: 'vite/dist/index.html' };

const test = base.extend<{}, { bundled: { dir: string; url: string; failures: Record<string, string> } }>({
  bundled: [
    async ({}, use) => {
      const dir = createSite();
      const failures: Record<string, string> = {};
      for (const bundler of BUNDLERS) {
        const r = buildExample(dir, bundler);
        if (r.status !== 0) failures[bundler] = r.output;
      }
      const server = await serve(dir);
      await use({ dir, url: server.url, failures });
      await server.close();
      removeSite(dir);
    },
    { scope: 'worker', timeout: 240_000 },
  ],
});

test.describe('bundler plugins: the example app', () => {
  for (const bundler of BUNDLERS) {
    test(`${bundler}: built from the tarball, runs in the page`, async ({ page, bundled }) => {
      expect(bundled.failures[bundler] ?? '').toBe('');
      const wasm: string[] = [];
      page.on('response', (r) => {
        if (r.url().endsWith('.wasm')) wasm.push(`${r.url().split('/').pop()} ${r.headers()['content-type']}`);
      });
      await page.goto(`${bundled.url}${PAGE[bundler] ?? `${bundler}/index.html`}`);
      await expect(page.locator('#output')).toHaveText(EXPECTED, { timeout: 30_000 });
      // The big core module is a hashed asset; the two small ones are inlined (base64Cutoff).
      expect(wasm).toEqual([expect.stringMatching(/^app\.core-[\w-]{8}\.wasm application\/wasm$/)]);
    });
  }
});

// WASI in a browser build: weftjs/wasi's browser host, granted through configure(). Vite reaches
// weftjs/bundled through the plugin's resolveId, esbuild through the package's export conditions.
for (const bundler of ['vite', 'esbuild']) {
  test(`${bundler}: a WASI command in the page, configure()d`, async ({ page, bundled }) => {
    const app = subdir(bundled.dir, `wasi-${bundler}`);
    cpSync(join(REPO, 'fixtures/build/wasi-args-env-exit.wasm'), join(app, 'command.wasm'));
    writeFileSync(
      join(app, 'setup.js'),
      `import { configure } from 'weftjs/bundled';
export const out = [];
const text = new TextDecoder();
configure({ args: ['page', 'x'], env: { WEFT_X: '1' }, stdout: (bytes) => out.push(text.decode(bytes)) });
`,
    );
    writeFileSync(
      join(app, 'main.js'),
      `import { out } from './setup.js';
import { run } from './command.wasm';
run.run();
document.querySelector('#output').textContent = out.join('');
`,
    );
    const r = bundle(bundled.dir, bundler, join(app, 'main.js'), join(app, 'dist'));
    expect(r.output).toBe('');
    const main = readdirSync(join(app, 'dist'), { recursive: true })
      .map(String)
      .find((f) => /main[^/]*\.js$/.test(f));
    writeFileSync(
      join(app, 'index.html'),
      `<!doctype html><link rel="icon" href="data:,"><pre id="output"></pre><script type="module" src="./dist/${main}"></script>`,
    );
    await page.goto(`${bundled.url}wasi-${bundler}/index.html`);
    await expect(page.locator('#output')).toContainText('argc=2\narg[0]=page\narg[1]=x\nenvc=1\nenv WEFT_X=1\n', {
      timeout: 30_000,
    });
  });
}

/** Starts a dev server (`node <args>` in the site's `example` directory); resolves to the URL it prints. */
function devServer(dir: string, example: string, args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { cwd: join(dir, example), env: { ...process.env, NO_COLOR: '1' } });
  return new Promise((ok, fail) => {
    let text = '';
    const onData = (d: Buffer) => {
      text += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(text);
      if (m) ok({ url: m[1], child });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => fail(new Error(`${example} dev server exited ${code}: ${text}`)));
    setTimeout(() => fail(new Error(`${example} dev server did not start: ${text}`)), 60_000).unref();
  });
}

const DEV_SERVERS: Record<string, { args: string[]; core: RegExp }> = {
  vite: {
    args: ['../node_modules/vite/bin/vite.js', '--host', '127.0.0.1', '--port', '0', '--strictPort', 'false'],
    core: /\/@weft\/app\.core-[\w-]{8}\.wasm$/,
  },
  // examples/webpack/serve.mjs: webpack-dev-server's API, the bundle served from memory under /dist/.
  webpack: { args: ['serve.mjs', '0'], core: /\/dist\/app\.core-[\w-]{8}\.wasm$/ },
};

for (const [example, { args, core }] of Object.entries(DEV_SERVERS)) {
  test(`${example} dev server: serves the component, and an edited .wasm reaches the page`, async ({
    page,
    bundled,
  }) => {
    const { url, child } = await devServer(bundled.dir, example, args);
    const app = join(bundled.dir, 'bundler-app/src/app.wasm');
    const original = readFileSync(app);
    try {
      const wasmRequests: string[] = [];
      page.on('request', (r) => {
        if (r.url().endsWith('.wasm')) wasmRequests.push(r.url());
      });
      await page.goto(url);
      await expect(page.locator('#output')).toHaveText(EXPECTED, { timeout: 60_000 });
      expect(
        wasmRequests.some((u) => core.test(u)),
        wasmRequests.join(),
      ).toBe(true);
      // Edit the component: the greeting's text lives in its data segment.
      const bytes = Buffer.from(original);
      const at = bytes.indexOf('hello, ');
      expect(at).toBeGreaterThan(0);
      bytes.write('howdy, ', at);
      writeFileSync(app, bytes);
      await expect(page.locator('#output')).toContainText('greet: howdy, bundlers', { timeout: 60_000 });
    } finally {
      child.kill('SIGTERM');
      writeFileSync(app, original); // the site's other tests build the original app
    }
  });
}
