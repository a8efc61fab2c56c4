// The Preview 3 async ABI in Chromium: the wit-bindgen guests of
// tests/node/async-guests.test.js (async-basics; the composed producer →
// consumer pipeline) run in a page (page/checks/async.js): an async export
// awaiting a Promise-returning host import, stream<u8> read with a
// ReadableStream reader, a JS ReadableStream fed into a stream<u8> parameter,
// future<string> both ways, cancellation with an AbortSignal, and streams
// between two composed components, 64 MiB streams guest -> JS and guest ->
// guest (bigStreams), a trap reaching every JS waiter (trapReachesWaiters).
// Page errors and console errors fail a test (fixtures.ts).
import { test } from './fixtures';

const CASES = [
  'asyncImportPromise',
  'streamOut',
  'streamIn',
  'futures',
  'abortSignal',
  'composedPipeline',
  'bigStreams',
  'trapReachesWaiters',
];

test.describe('async', () => {
  for (const name of CASES) {
    test(name, async ({ runCheck }) => {
      await runCheck('async', name);
    });
  }
});
