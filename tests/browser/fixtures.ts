// Shared Playwright fixtures for the browser tests:
//  - `site` (per worker): the fixtures transpiled by build.mjs, served over
//    loopback by src/cli/server.mjs; `site.url` is its base URL.
//  - page errors and console errors fail the test (auto fixture, checked at the end).
//  - `openPage(path)`: opens a page of the site and waits for its harness to
//    report (window.weftResult), failing with the in-page error, if any.
//  - `runCheck(check, name)`: runs export `name` of page/checks/<check>.js in
//    page/run.html, the same way.
import { rmSync } from 'node:fs';
import { test as base, expect, type Page } from '@playwright/test';
import { build } from './build.mjs';
import { serve } from '../../src/cli/server.mjs';

type Site = { url: string; dir: string };

/**
 * Waits for the in-page harness to report (window.weftResult) and fails the
 * test with its error; page errors or console errors before that (say, a
 * module that failed to load) fail it at once.
 */
async function pageResult(page: Page, errors: string[]) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const result = await page.evaluate(() => (window as any).weftResult ?? null);
    if (result) {
      if (!result.ok) throw new Error(`in-page check failed: ${result.error}`);
      return;
    }
    if (errors.length) throw new Error(`the page failed before reporting:\n${errors.join('\n')}`);
    if (Date.now() > deadline) throw new Error('the page did not report within 60s');
    await page.waitForTimeout(50);
  }
}

export const test = base.extend<
  {
    pageErrors: string[];
    openPage: (path: string) => Promise<void>;
    runCheck: (check: string, name: string) => Promise<void>;
  },
  { site: Site }
>({
  site: [
    async ({}, use) => {
      const dir = build();
      const server = await serve(dir);
      await use({ url: server.url, dir });
      await server.close();
      if (!process.env.WEFT_TEST_KEEP) rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.name}: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console.error: ${m.text()} (${m.location().url})`);
      });
      await use(errors);
      expect(errors, 'page errors and console errors').toEqual([]);
    },
    { auto: true },
  ],
  openPage: async ({ page, site, pageErrors }, use) => {
    await use(async (path) => {
      await page.goto(new URL(path, site.url).href);
      await pageResult(page, pageErrors);
    });
  },
  runCheck: async ({ openPage }, use) => {
    await use((check, name) => openPage(`page/run.html?check=${check}&case=${name}`));
  },
});

export { expect };
