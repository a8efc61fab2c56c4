import { trap } from './trap.js';
import { memView } from './memory.js';
import { utf16Decode } from './utf16.js';
import { MAX_STRING_BYTE_LENGTH, stringTooLong } from './limits.js';
// latin1+utf16 ("compact UTF-16") strings: the length's top bit tags UTF-16.
const UTF16_TAG = 0x80000000;
export let latin1EncodedLen = 0;
export function latin1Decode(m, ptr, taggedLen) {
  taggedLen >>>= 0;
  if (taggedLen & UTF16_TAG) return utf16Decode(m, ptr, taggedLen ^ UTF16_TAG);
  memView(m);
  ptr >>>= 0;
  if (taggedLen > MAX_STRING_BYTE_LENGTH) stringTooLong(taggedLen);
  if ((ptr & 1) !== 0) trap(`string: pointer ${ptr} is not aligned to 2`);
  if (ptr + taggedLen > m.u8.byteLength) trap(`string: range ${ptr}+${taggedLen} is out of bounds of memory`);
  const u8 = m.u8;
  let s = '';
  for (let i = ptr, end = ptr + taggedLen; i < end; i += 4096) {
    s += String.fromCharCode.apply(null, u8.subarray(i, Math.min(end, i + 4096)));
  }
  return s;
}
// Follows the Canonical ABI: latin1 while every code unit < 256, otherwise
// re-encode in place as UTF-16 and tag the length.
export function latin1Encode(s0, m, realloc) {
  const s = s0.isWellFormed() ? s0 : s0.toWellFormed();
  const n = s.length;
  if (n > 0x7fffffff) trap('string: too long');
  let ptr = realloc(0, 0, 2, n) >>> 0;
  check(m, ptr, n);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 256) {
      const worst = 2 * n;
      if (worst > 0x7fffffff) trap('string: too long');
      ptr = realloc(ptr, n, 2, worst) >>> 0;
      check(m, ptr, worst);
      const u8 = m.u8;
      for (let j = i - 1; j >= 0; j--) {
        u8[ptr + 2 * j] = u8[ptr + j];
        u8[ptr + 2 * j + 1] = 0;
      }
      const dv = m.dv;
      for (let j = i; j < n; j++) dv.setUint16(ptr + 2 * j, s.charCodeAt(j), true);
      latin1EncodedLen = (n | UTF16_TAG) >>> 0;
      return ptr;
    }
    m.u8[ptr + i] = c;
  }
  latin1EncodedLen = n;
  return ptr;
}
function check(m, ptr, size) {
  memView(m);
  if ((ptr & 1) !== 0) trap(`string: pointer ${ptr} is not aligned to 2`);
  if (ptr + size > m.u8.byteLength) trap('string: realloc returned an out-of-bounds range');
}
