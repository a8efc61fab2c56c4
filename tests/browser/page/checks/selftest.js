// Checks that must fail: the harness self-tests in components.spec.ts use them
// to prove that an in-page assertion failure fails the Playwright test.
import assert from '../assert.js';

export async function failingAssertion() {
  assert.deepEqual(new Uint8Array([1]), [1], 'a typed array is not an array');
}
