// The Canonical ABI's length limits on lifting out of a guest's memory
// (definitions.py): a string or list whose byte length is above 2^28 - 1
// (MAX_STRING_BYTE_LENGTH, MAX_LIST_BYTE_LENGTH) traps, before the alignment
// and bounds checks; a stream buffer above 2^28 - 1 elements (Buffer.MAX_LENGTH)
// too. The fixtures' memories are one page, so which message comes tells which
// check fired: a length exactly at the limit reaches the bounds check.
// fixtures/components/length-limits.wat (32-bit), length-limits64.wat (memory64,
// Node 24); between components: tests/node/fused.test.js.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { instantiate, jcoSkip } from './harness.js';

// (module (memory i64 0))
const PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 3, 1, 4, 0]);
const NO_MEMORY64 = !WebAssembly.validate(PROBE) && `this engine (Node ${process.versions.node}) lacks memory64`;
const JCO = jcoSkip('jco does not apply the Canonical ABI length limits');

const STRING_LIMIT = (n) => new RegExp(`^string: byte length ${n} is above 2\\^28 - 1$`);
const LIST_LIMIT = (n) => new RegExp(`^list: byte length ${n} is above 2\\^28 - 1$`);
const BOUNDS = /out of bounds of memory/;
const ALIGN = /is not aligned to/;

/** Calls `f` on a fresh instance (a trap poisons one) and expects a trap matching `re`. */
async function traps(load, f, re) {
  const e = await load();
  assert.throws(
    () => f(e),
    (err) => err instanceof WebAssembly.RuntimeError && re.test(err.message),
    `${f} should trap with ${re}`,
  );
}

const load32 = () => instantiate('length-limits');

describe('length limits: host lifts (32-bit memory)', JCO, () => {
  test('in-limit values lift', async () => {
    const e = await load32();
    assert.deepEqual([...e.u8sAt(16, 8)], [16, 0, 0, 0, 8, 0, 0, 0]);
    assert.equal(e.utf8At(16, 1), '\x10');
  });
  test('utf8: byte length = code units', async () => {
    await traps(load32, (e) => e.utf8At(0, 2 ** 28), STRING_LIMIT(2 ** 28));
    await traps(load32, (e) => e.utf8At(0, 2 ** 32 - 1), STRING_LIMIT(2 ** 32 - 1));
    await traps(load32, (e) => e.utf8At(0, 2 ** 28 - 1), BOUNDS);
  });
  test('utf16: byte length = 2 * code units, checked before alignment', async () => {
    await traps(load32, (e) => e.utf16At(1, 2 ** 27), STRING_LIMIT(2 ** 28));
    await traps(load32, (e) => e.utf16At(0, 2 ** 31), STRING_LIMIT(2 ** 32));
    await traps(load32, (e) => e.utf16At(1, 2 ** 27 - 1), ALIGN);
    await traps(load32, (e) => e.utf16At(0, 2 ** 27 - 1), BOUNDS);
  });
  test('latin1+utf16: per the tag', async () => {
    const TAG = 2 ** 31;
    await traps(load32, (e) => e.compactAt(1, 2 ** 28), STRING_LIMIT(2 ** 28));
    await traps(load32, (e) => e.compactAt(1, 2 ** 28 - 1), ALIGN);
    await traps(load32, (e) => e.compactAt(0, 2 ** 28 - 1), BOUNDS);
    await traps(load32, (e) => e.compactAt(1, TAG + 2 ** 27), STRING_LIMIT(2 ** 28));
    await traps(load32, (e) => e.compactAt(1, TAG + 2 ** 27 - 1), ALIGN);
    await traps(load32, (e) => e.compactAt(0, TAG + 2 ** 27 - 1), BOUNDS);
  });
  test('lists: byte length = length * element size, checked before alignment', async () => {
    await traps(load32, (e) => e.u32sAt(1, 2 ** 26), LIST_LIMIT(2 ** 28));
    await traps(load32, (e) => e.u32sAt(0, 2 ** 32 - 1), LIST_LIMIT(4 * (2 ** 32 - 1)));
    await traps(load32, (e) => e.u32sAt(1, 2 ** 26 - 1), ALIGN);
    await traps(load32, (e) => e.u32sAt(0, 2 ** 26 - 1), BOUNDS);
    await traps(load32, (e) => e.u8sAt(0, 2 ** 28), LIST_LIMIT(2 ** 28));
    await traps(load32, (e) => e.u8sAt(0, 2 ** 28 - 1), BOUNDS);
    // (tuple u8 u32): 8 bytes an element
    await traps(load32, (e) => e.pairsAt(2, 2 ** 25), LIST_LIMIT(2 ** 28));
    await traps(load32, (e) => e.pairsAt(2, 2 ** 25 - 1), ALIGN);
  });
  test('stream.write: a buffer above 2^28 - 1 elements traps (the count is unsigned)', async () => {
    const e = await load32();
    assert.equal(e.streamWrite(4), 0xffffffff, 'no reader yet: BLOCKED');
    await traps(load32, (e) => e.streamWrite(2 ** 28), /buffer length 268435456 is above 2\^28 - 1/);
    await traps(load32, (e) => e.streamWrite(2 ** 31), /buffer length 2147483648 is above 2\^28 - 1/);
    await traps(load32, (e) => e.streamWrite(2 ** 32 - 1), /buffer length 4294967295 is above 2\^28 - 1/);
    await traps(load32, (e) => e.streamWrite(2 ** 28 - 1), BOUNDS);
  });
});

const load64 = () => instantiate('length-limits64');

describe('length limits: host lifts (64-bit memory)', NO_MEMORY64 ? { skip: NO_MEMORY64 } : JCO, () => {
  test('strings', async () => {
    const TAG = 2n ** 63n;
    await traps(load64, (e) => e.utf8At(0n, 2n ** 28n), STRING_LIMIT(2 ** 28));
    await traps(load64, (e) => e.utf8At(0n, 2n ** 28n - 1n), BOUNDS);
    await traps(
      load64,
      (e) => e.utf8At(0n, 2n ** 40n),
      /64-bit length 1099511627776 is above the Canonical ABI's limits/,
    );
    await traps(load64, (e) => e.utf16At(1n, 2n ** 27n), STRING_LIMIT(2 ** 28));
    await traps(load64, (e) => e.utf16At(1n, 2n ** 27n - 1n), ALIGN);
    await traps(load64, (e) => e.compactAt(1n, 2n ** 28n), STRING_LIMIT(2 ** 28));
    await traps(load64, (e) => e.compactAt(1n, 2n ** 28n - 1n), ALIGN);
    await traps(load64, (e) => e.compactAt(1n, TAG | (2n ** 27n)), STRING_LIMIT(2 ** 28));
    await traps(load64, (e) => e.compactAt(0n, TAG | (2n ** 27n - 1n)), BOUNDS);
  });
  test('lists', async () => {
    await traps(load64, (e) => e.u32sAt(1n, 2n ** 26n), LIST_LIMIT(2 ** 28));
    await traps(load64, (e) => e.u32sAt(1n, 2n ** 26n - 1n), ALIGN);
    await traps(load64, (e) => e.u32sAt(0n, 2n ** 26n - 1n), BOUNDS);
  });
});
