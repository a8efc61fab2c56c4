// Weft's output running in a real browser: the in-page checks of page/checks/
// (ports of the Node tests' value, resource, composition and trap checks) and
// the plain ESM output loaded by a <script type="module">.
import { test, expect } from './fixtures';

const CHECKS: Record<string, string[]> = {
  glue: ['scalars', 'stringsLists', 'variants', 'imports', 'resources', 'moduleImport'],
  compose: [
    'transcodeChain',
    'everyEncodingPair',
    'invalidStringsTrap',
    'resourcesAcrossComponents',
    'resourceTrapsPoison',
    'chain10',
  ],
  values: ['exportsRoundTrip', 'hostImports'],
};

for (const [check, names] of Object.entries(CHECKS)) {
  test.describe(check, () => {
    for (const name of names) {
      test(name, async ({ runCheck }) => {
        await runCheck(check, name);
      });
    }
  });
}

test('plain ESM output: top-level await, core modules fetched next to the glue', async ({ openPage }) => {
  await openPage('page/esm.html');
});

test('core modules are served as application/wasm (compileStreaming needs it)', async ({ request, site }) => {
  const res = await request.get(new URL('out/glue-scalars/scalars.core.wasm', site.url).href);
  expect(res.headers()['content-type']).toBe('application/wasm');
  const js = await request.get(new URL('out/glue-scalars/scalars.js', site.url).href);
  expect(js.headers()['content-type']).toBe('text/javascript');
});

test.describe('the harness itself', () => {
  // Expected to fail: proves that a failing in-page assertion fails the test.
  test.fail('a failing in-page assertion fails the test', async ({ runCheck }) => {
    await runCheck('selftest', 'failingAssertion');
  });
  // Expected to fail: proves that an uncaught page error fails a test.
  test.fail('an uncaught page error fails the test', async ({ page, site }) => {
    await page.goto(new URL('page/run.html?check=glue&case=scalars', site.url).href);
    await page.evaluate(() =>
      setTimeout(() => {
        throw new Error('deliberate');
      }),
    );
    await page.waitForTimeout(100);
  });
  test.fail('console.error fails the test', async ({ page, site }) => {
    await page.goto(new URL('page/run.html?check=glue&case=scalars', site.url).href);
    await page.evaluate(() => console.error('deliberate'));
    await page.waitForTimeout(100);
  });
});
