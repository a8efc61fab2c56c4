// 64-bit memories (memory64 + cm64) in Chromium: the in-page checks of
// page/checks/memory64.js (ports of tests/node/memory64.test.js), with
// memories past 4 GiB (the `...Above4G` checks and the component pair).
// Page errors and console errors fail a test (fixtures.ts).
import { test } from './fixtures';

const CASES = [
  'syncValues',
  'syncValuesAbove4G',
  'pointerTraps',
  'boundsAbove4G',
  'asyncStreams',
  'asyncStreamsAbove4G',
  'betweenComponents',
];

test.describe('memory64', () => {
  for (const name of CASES) {
    test(name, async ({ runCheck }) => {
      await runCheck('memory64', name);
    });
  }
});
