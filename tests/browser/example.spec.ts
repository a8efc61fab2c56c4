// The example page (examples/browser/): built with weft, served over loopback,
// clicked through in Chromium; the greeting and a screenshot are checked.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from '@playwright/test';
import { test } from './fixtures';
import { serve } from '../../src/cli/server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('the example page greets through the component', async ({ page, pageErrors }) => {
  const weft = process.env.WEFT_BIN ?? join(root, 'target/debug/weft');
  execFileSync(weft, ['transpile', 'examples/hello/hello.wat', '-o', 'examples/browser/out', '-q'], { cwd: root });
  const server = await serve(join(root, 'examples/browser'));
  try {
    await page.goto(new URL('index.html', server.url).href);
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
    await page.fill('#name', 'Wörld');
    await page.click('#greet');
    await expect(page.locator('#output')).toHaveText('Hello, Wörld!');
    await expect(page).toHaveScreenshot('example.png', { maxDiffPixelRatio: 0.02 });
    expect(pageErrors).toEqual([]);
  } finally {
    await server.close();
  }
});
