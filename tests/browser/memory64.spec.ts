// 64-bit memories (memory64 + cm64) in Chromium: the in-page checks of
// page/checks/memory64.js (ports of tests/node/memory64.test.js). Page errors
// and console errors fail a test (fixtures.ts).
import { test } from './fixtures';

const CASES = ['syncValues', 'pointerTraps', 'asyncStreams', 'betweenComponents'];

test.describe('memory64', () => {
  for (const name of CASES) {
    test(name, async ({ runCheck }) => {
      await runCheck('memory64', name);
    });
  }
});
