// weftjs/browser in Chromium, from the packed package (npm/weftjs-*.tgz,
// made by `bash npm/build.sh`) installed into a temporary site:
//  - loadComponent transpiles in the page and instantiates from memory; the
//    values, resources and async checks of page/checks/ run on it unchanged
//    (the site's page/load.js calls loadComponent instead of fetching glue);
//  - a page loads it with a plain <script type="module"> from node_modules;
//  - examples/load-in-page/ is clicked through.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect } from './fixtures';
import { REPO } from './build.mjs';
import { serve } from '../../src/cli/server.mjs';

/** Where each `load(key)` of the checks takes its component from (repo-relative). */
const SOURCES: Record<string, string> = {
  values: 'fixtures/build/values.wasm',
  'glue-resources': 'tests/golden/glue/resources/input.wat',
  'glue-scalars': 'tests/golden/glue/scalars/input.wat',
  'async-basics': 'fixtures/build/async-basics.wasm',
  'async-pipeline': 'fixtures/compose/async-pipeline.wasm',
};

const LOAD_JS = `// page/load.js for the npm site: the checks' load() runs loadComponent.
import { loadComponent } from '/node_modules/weftjs/src/browser.js';
export { isTrap, describeError } from './load-fetch.js';
export async function load(key, name, imports = {}) {
  const bytes = new Uint8Array(await (await fetch('/components/' + key)).arrayBuffer());
  return loadComponent(bytes, imports);
}
`;

/** The installed package plus the page checks and the example, served over loopback. */
function buildSite() {
  const tarball = readdirSync(join(REPO, 'npm')).find((f) => /^weftjs-.*\.tgz$/.test(f));
  if (!tarball) throw new Error('npm/weftjs-<version>.tgz is missing: run bash npm/build.sh');
  const dir = mkdtempSync(join(tmpdir(), 'weft-npm-site-'));
  writeFileSync(join(dir, 'package.json'), '{"name":"site","private":true}');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', join(REPO, 'npm', tarball)], {
    cwd: dir,
    stdio: 'pipe',
  });
  cpSync(join(REPO, 'tests/browser/page'), join(dir, 'page'), { recursive: true });
  cpSync(join(REPO, 'tests/browser/page/load.js'), join(dir, 'page/load-fetch.js'));
  writeFileSync(join(dir, 'page/load.js'), LOAD_JS);
  for (const [key, path] of Object.entries(SOURCES)) cpSync(join(REPO, path), join(dir, 'components', key));
  cpSync(join(REPO, 'examples/load-in-page'), join(dir, 'example'), {
    recursive: true,
    filter: (f) => !f.includes('node_modules'),
  });
  cpSync(join(dir, 'node_modules'), join(dir, 'example/node_modules'), { recursive: true });
  return dir;
}

const test = base.extend<{}, { npmSite: { url: string } }>({
  npmSite: [
    async ({}, use) => {
      const dir = buildSite();
      const server = await serve(dir);
      await use({ url: server.url });
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
});

const CHECKS: Array<[string, string]> = [
  ['values', 'exportsRoundTrip'],
  ['values', 'hostImports'],
  ['glue', 'scalars'],
  ['glue', 'resources'],
  ['async', 'asyncImportPromise'],
  ['async', 'streamOut'],
  ['async', 'streamIn'],
  ['async', 'futures'],
  ['async', 'abortSignal'],
  ['async', 'composedPipeline'],
];

test.describe('weftjs/browser loadComponent', () => {
  for (const [check, name] of CHECKS) {
    test(`${check}: ${name}`, async ({ page, npmSite }) => {
      await page.goto(`${npmSite.url}page/run.html?check=${check}&case=${name}`);
      const result = await (
        await page.waitForFunction(() => (window as any).weftResult, null, { timeout: 60_000 })
      ).jsonValue();
      expect(result.error ?? '').toBe('');
      expect(result.ok).toBe(true);
    });
  }

  test('bad bytes reject with a WeftError carrying the offset', async ({ page, npmSite }) => {
    await page.goto(`${npmSite.url}page/blank.html`);
    const got = await page.evaluate(async () => {
      const { loadComponent } = await import('/node_modules/weftjs/src/browser.js' as string);
      try {
        await loadComponent(new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0, 9]));
        return null;
      } catch (e: any) {
        return { name: e.name, offset: e.offset, oneLine: !e.message.includes('\n') };
      }
    });
    expect(got).toEqual({ name: 'WeftError', offset: expect.any(Number), oneLine: true });
  });

  test('in the page: guestTypes works; optimize and js are one WeftError (Node only)', async ({ page, npmSite }) => {
    await page.goto(`${npmSite.url}page/blank.html`);
    const got = await page.evaluate(async () => {
      const { transpile, guestTypes } = await import('/node_modules/weftjs/src/browser.js' as string);
      const guest = guestTypes('package a:b;\nworld w { export f: func() -> u32; }\n', { name: 'w' }).files.map(
        (f: any) => f.path,
      );
      const errors = [];
      for (const option of ['optimize', 'js']) {
        try {
          transpile(new Uint8Array([0, 0x61, 0x73, 0x6d]), { [option]: true });
          errors.push(null);
        } catch (e: any) {
          errors.push({ name: e.name, kind: e.kind, node: /only the Node build/.test(e.message) });
        }
      }
      return { guest, errors };
    });
    expect(got.guest).toEqual(['w.d.ts']);
    expect(got.errors).toEqual([1, 2].map(() => ({ name: 'WeftError', kind: 'options', node: true })));
  });

  test('examples/load-in-page: choose a component, call an export', async ({ page, npmSite }) => {
    await page.goto(`${npmSite.url}example/index.html`);
    await page.setInputFiles('#file', join(REPO, 'tests/golden/glue/scalars/input.wat'));
    await expect(page.locator('#status')).toContainText('transpiled and instantiated');
    await page.fill('input[data-export="add"]', '[2, 3]');
    await page.click('button[data-export="add"]');
    await expect(page.locator('#output')).toContainText('add(2, 3) = 5');
    await page.fill('input[data-export="classify"]', '[-4]');
    await page.click('button[data-export="classify"]');
    await expect(page.locator('#output')).toContainText('classify(-4) = "neg"');
  });
});
