import { trap } from './trap.js';
// 64-bit memories (memory64 with the component model's cm64): pointers and
// lengths cross the core boundary as i64, that is BigInt in JS. The glue turns
// them into Numbers once, here, and the 64-bit helpers (memory64.js,
// string64.js) and the glue's own loads and stores address memory with them.
//
// A pointer is exact below 2^53 (Number.MAX_SAFE_INTEGER + 1), far above any
// memory an engine gives (V8: 16 GiB); one at or above it is out of bounds of
// every memory and traps here.
const MAX_ADDR = BigInt(Number.MAX_SAFE_INTEGER);
export function addr64(v) {
  if (v >= 0n && v <= MAX_ADDR) return Number(v);
  return trap(`64-bit address ${BigInt.asUintN(64, v)} is out of bounds of memory`);
}
// A length (of a string, list or stream buffer) stays below 2^32 here, so
// lengths are what the 32-bit code has and the list loops treat them alike.
// A larger one is above every Canonical ABI limit and traps here already;
// the limits themselves (MAX_STRING_BYTE_LENGTH and MAX_LIST_BYTE_LENGTH,
// 2^28 - 1 bytes, limits.js; a stream/future buffer's 2^28 - 1 elements,
// async/codes.js) are checked where the 32-bit code checks them, for both
// widths: string64.js, memory64.js checkList64, copy.js GuestBuffer.
const MAX_LEN = 0xffffffffn;
export function len64(v) {
  if (v >= 0n && v <= MAX_LEN) return Number(v);
  return trap(`64-bit length ${BigInt.asUintN(64, v)} is above the Canonical ABI's limits (2^28 - 1)`);
}
// A latin1+utf16 length: the UTF-16 tag is bit 63; returned with the 32-bit
// layout's tag (bit 31) that string64.js and transcode.js read, so a length
// at or above 2^31 (tagged or not) traps here (its byte length is above
// MAX_STRING_BYTE_LENGTH anyway).
const TAG64 = 1n << 63n;
export function untag64(v) {
  const u = BigInt.asUintN(64, v);
  const n = u < TAG64 ? u : u - TAG64;
  if (n > 0x7fffffffn) trap(`string: 64-bit length ${n} is above the Canonical ABI's limit (2^28 - 1 bytes)`);
  return u < TAG64 ? Number(n) : (Number(n) | 0x80000000) >>> 0;
}
// The inverse of untag64: a 32-bit-tagged length as the i64 the guest reads.
export function tag64(l) {
  return l >= 0x80000000 ? BigInt(l - 0x80000000) | TAG64 : BigInt(l);
}
// Throws one clear error on an engine without memory64 (Node.js < 24).
// A module with one 64-bit memory: (module (memory i64 0)).
const MEMORY64_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 3, 1, 4, 0]);
export function needsMemory64() {
  if (!WebAssembly.validate(MEMORY64_PROBE)) {
    throw new Error(
      'this component uses a 64-bit memory (memory64), which this JavaScript engine does not support (Node.js 24 and Chromium 133 or later do)',
    );
  }
}
