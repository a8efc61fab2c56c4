import { trap } from './trap.js';
import { memView } from './memory.js';
import { MAX_STRING_BYTE_LENGTH, stringTooLong } from './limits.js';
// UTF-16 (little-endian) strings in linear memory; unpaired surrogates trap on lift.
const utf16Decoder = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true });
export function utf16Decode(m, ptr, codeUnits) {
  memView(m);
  ptr >>>= 0;
  codeUnits >>>= 0;
  const bytes = codeUnits * 2;
  if (bytes > MAX_STRING_BYTE_LENGTH) stringTooLong(bytes);
  if ((ptr & 1) !== 0) trap(`string: pointer ${ptr} is not aligned to 2`);
  if (ptr + bytes > m.u8.byteLength) trap(`string: range ${ptr}+${bytes} is out of bounds of memory`);
  try {
    return utf16Decoder.decode(m.u8.subarray(ptr, ptr + bytes));
  } catch {
    return trap('string: invalid UTF-16');
  }
}
// Stores `s` as UTF-16 code units (lone surrogates become U+FFFD); returns the
// pointer, the length in code units is s.length.
export function utf16Encode(s, m, realloc) {
  const w = s.isWellFormed() ? s : s.toWellFormed();
  const n = w.length;
  const bytes = n * 2;
  if (bytes > 0x7fffffff) trap('string: too long');
  const ptr = realloc(0, 0, 2, bytes) >>> 0;
  memView(m);
  if ((ptr & 1) !== 0) trap(`string: pointer ${ptr} is not aligned to 2`);
  if (ptr + bytes > m.u8.byteLength) trap('string: realloc returned an out-of-bounds range');
  const dv = m.dv;
  for (let i = 0; i < n; i++) dv.setUint16(ptr + 2 * i, w.charCodeAt(i), true);
  return ptr;
}
