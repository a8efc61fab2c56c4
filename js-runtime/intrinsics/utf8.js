import { trap } from './trap.js';
import { memView } from './memory.js';
import { MAX_STRING_BYTE_LENGTH, stringTooLong } from './limits.js';
// UTF-8 strings in linear memory. Decoding is fatal: invalid UTF-8 traps.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();
export let utf8EncodedLen = 0;
// load_string_from_range's checks on `len` bytes at `ptr` (both unsigned): the
// length limit, then bounds. Leaves `m.u8` current.
export function checkStringRange(m, ptr, len) {
  memView(m);
  if (len > MAX_STRING_BYTE_LENGTH) stringTooLong(len);
  if (ptr + len > m.u8.byteLength) trap(`string: range ${ptr}+${len} is out of bounds of memory`);
}
export function utf8Decode(m, ptr, len) {
  ptr >>>= 0;
  len >>>= 0;
  checkStringRange(m, ptr, len);
  const u8 = m.u8;
  if (len < 32) {
    let s = '';
    for (let i = ptr, end = ptr + len; i < end; i++) {
      const c = u8[i];
      if (c >= 0x80) return decodeSlow(u8, ptr, len);
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decodeSlow(u8, ptr, len);
}
export function decodeSlow(u8, ptr, len) {
  try {
    return utf8Decoder.decode(u8.subarray(ptr, ptr + len));
  } catch {
    return trap('string: invalid UTF-8');
  }
}
// Stores `s` with the Canonical ABI's protocol: allocate one byte per code
// unit, copy ASCII, and only on the first non-ASCII unit grow to the worst
// case (3 bytes per unit), encode the rest, then shrink to the real length.
// Lone surrogates become U+FFFD. Returns the pointer; the length is left in
// `utf8EncodedLen`.
export function utf8Encode(s, m, realloc) {
  const n = s.length;
  if (n > 0x7fffffff) trap('string: too long');
  let ptr = realloc(0, 0, 1, n) >>> 0;
  memView(m);
  if (ptr + n > m.u8.byteLength) trap('string: realloc returned an out-of-bounds range');
  const u8 = m.u8;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      const worst = n * 3;
      if (worst > 0x7fffffff) trap('string: too long');
      ptr = realloc(ptr, n, 1, worst) >>> 0;
      memView(m);
      if (ptr + worst > m.u8.byteLength) trap('string: realloc returned an out-of-bounds range');
      const { written } = utf8Encoder.encodeInto(s.slice(i), m.u8.subarray(ptr + i, ptr + worst));
      const len = i + written;
      if (len < worst) {
        ptr = realloc(ptr, worst, 1, len) >>> 0;
        memView(m);
        if (ptr + len > m.u8.byteLength) trap('string: realloc returned an out-of-bounds range');
      }
      utf8EncodedLen = len;
      return ptr;
    }
    u8[ptr + i] = c;
  }
  utf8EncodedLen = n;
  return ptr;
}
