// Playwright configuration for weft's browser tests (tests/browser/): one
// project, Chromium from the system (Debian's /usr/bin/chromium; override with
// $WEFT_CHROMIUM). No browser is ever downloaded. Traces and screenshots are
// kept for failed tests (target/playwright/).
import { defineConfig } from '@playwright/test';

export const CHROMIUM = process.env.WEFT_CHROMIUM ?? '/usr/bin/chromium';
/** Headless, no sandbox (CI runs as root), and no background traffic (the network is closed).
 * `gc()` and exact `performance.memory` let a check measure leaks. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--js-flags=--expose-gc', '--enable-precise-memory-info',
];

export default defineConfig({
  testDir: 'tests/browser',
  outputDir: 'target/playwright',
  timeout: 120_000,
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
      },
    },
  ],
});
