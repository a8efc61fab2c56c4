// Shared Playwright fixtures for the browser tests:
//  - `site` (per worker): the fixtures transpiled by build.mjs, served over
//    loopback by server.mjs; `site.url` is its base URL.
//  - page errors and console errors fail the test (auto fixture, checked at the end).
//  - `runCheck(check, name)`: runs export `name` of page/checks/<check>.js in
//    page/run.html and fails with the in-page error, if any.
import { rmSync } from 'node:fs';
import { test as base, expect, type Page } from '@playwright/test';
import { build } from './build.mjs';
import { serve } from './server.mjs';

type Site = { url: string; dir: string };

/** Waits for the in-page harness to report and fails the test with its error. */
export async function pageResult(page: Page) {
  const handle = await page.waitForFunction(() => (window as any).weftResult, null, { timeout: 60_000 });
  const result = (await handle.jsonValue()) as { ok: boolean; error?: string };
  if (!result.ok) throw new Error(`in-page check failed: ${result.error}`);
}

export const test = base.extend<
  { pageErrors: string[]; runCheck: (check: string, name: string) => Promise<void> },
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
  runCheck: async ({ page, site }, use) => {
    await use(async (check, name) => {
      const url = new URL(`page/run.html?check=${check}&case=${name}`, site.url);
      await page.goto(url.href);
      await pageResult(page);
    });
  },
});

export { expect };
