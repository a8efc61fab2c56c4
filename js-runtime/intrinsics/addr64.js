import { trap } from './trap.js';
// 64-bit memories (memory64 with the component model's cm64): pointers and
// lengths cross the core boundary as i64, that is BigInt in JS. The glue turns
// them into Numbers once, here, so every string, list and memory helper serves
// both widths unchanged. Those helpers address memory with 32-bit arithmetic,
// so an address or length at or above 2^32 traps (it is out of bounds of any
// memory up to 4 GiB; larger memory64 memories are not supported).
const LIMIT = 0xffffffffn;
export function addr64(v) {
  if (v >= 0n && v <= LIMIT) return Number(v);
  return trap(`64-bit address or length ${BigInt.asUintN(64, v)} is above 2^32 - 1`);
}
// A latin1+utf16 length: the UTF-16 tag is bit 63; returned with the 32-bit
// layout's tag (bit 31) that latin1Decode and taggedString read.
const TAG64 = 1n << 63n;
export function untag64(v) {
  const u = BigInt.asUintN(64, v);
  if (u < TAG64) return addr64(u);
  const n = u - TAG64;
  if (n > 0x7fffffffn) trap(`64-bit string length ${n} is above 2^31 - 1`);
  return (Number(n) | 0x80000000) >>> 0;
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
