import { trap } from './trap.js';
import { checkRange64 } from './memory64.js';
import { MAX_STRING_BYTE_LENGTH, stringTooLong } from './limits.js';
// Strings in a 64-bit memory (pointers are exact numbers up to 2^53, see
// addr64.js), all three encodings in one place: a JS string lowered from the
// host is the UTF-16 source of the same store routine that an adapter between
// two components uses (definitions.py: store_string_into_range), so the realloc
// calls are the spec's either way. The 32-bit helpers (utf8.js, utf16.js,
// latin1.js, transcode.js) stay as they are: they read i32 pointers as
// unsigned with `>>> 0`, which would wrap a pointer above 4 GiB.
// Encodings as transcode.js numbers them: 0 utf8, 1 utf16, 2 latin1+utf16,
// whose length carries the UTF-16 tag in bit 31 (untag64 moved it from bit 63).
const TAG32 = 0x80000000;
// The store side's limit (a realloc size an i32 realloc could take); lifts
// have the spec's MAX_STRING_BYTE_LENGTH (limits.js).
const MAX_STRING_BYTES = 0x7fffffff;
const utf8Decoder64 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf16Decoder64 = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true });
const utf8Encoder64 = new TextEncoder();
/** The (tagged) length of the string the last store wrote. */
export let stringLen64 = 0;

/** load_string_from_range: `units` (tagged) code units at `ptr` in encoding `enc`. */
export function loadString64(m, ptr, units, enc) {
  const wide = enc === 1 || (enc === 2 && (units & TAG32) !== 0);
  const bytes = wide ? 2 * (enc === 2 ? units ^ TAG32 : units) : units;
  if (bytes > MAX_STRING_BYTE_LENGTH) stringTooLong(bytes);
  checkRange64(m, ptr, bytes, enc === 0 ? 1 : 2, 'string');
  const b = m.u8.subarray(ptr, ptr + bytes);
  if (enc === 2 && !wide) {
    let s = '';
    for (let i = 0; i < bytes; i += 4096) s += String.fromCharCode.apply(null, b.subarray(i, i + 4096));
    return s;
  }
  try {
    return (wide ? utf16Decoder64 : utf8Decoder64).decode(b);
  } catch {
    return trap(`string: invalid ${wide ? 'UTF-16' : 'UTF-8'}`);
  }
}

/** Stores a string from the host (lone surrogates become U+FFFD) in encoding
 * `dst`; returns the pointer, the length in `stringLen64`. */
export function lowerString64(s, m, realloc, dst) {
  const w = s.isWellFormed() ? s : s.toWellFormed();
  return storeStr64(w, 1, w.length, m, realloc, dst);
}

/** Stores `taggedString` `t` (from another component) in encoding `dst`. */
export function storeString64(t, m, realloc, dst) {
  return storeStr64(t.s, t.enc, t.units, m, realloc, dst);
}

// store_string_into_range's cases; `simple` is the source's encoding with
// latin1+utf16 resolved: 1 utf16, 3 latin1.
function storeStr64(s, enc, tagged, m, realloc, dst) {
  const simple = enc !== 2 ? enc : (tagged & TAG32) !== 0 ? 1 : 3;
  const n = enc === 2 ? (tagged & ~TAG32) >>> 0 : tagged;
  if (dst === 0) {
    if (simple === 0) return copyStr64(m, realloc, s, n, 1, 1);
    return toUtf8At64(m, realloc, s, n, simple === 1 ? 3 * n : 2 * n);
  }
  if (dst === 1) return simple === 0 ? utf8ToUtf16At64(m, realloc, s, n) : copyStr64(m, realloc, s, n, 2, 2);
  if (enc !== 2) return toLatin1OrUtf16At64(m, realloc, s, n);
  return simple === 3 ? copyStr64(m, realloc, s, n, 1, 2) : utf16ToLatin1OrUtf16At64(m, realloc, s, n);
}

// realloc, then the spec's alignment and bounds traps on the new range.
function allocStr64(m, realloc, old, oldSize, align, size) {
  if (size > MAX_STRING_BYTES) trap('string: too long');
  const ptr = realloc(old, oldSize, align, size);
  checkRange64(m, ptr, size, align, 'string');
  return ptr;
}

function strDone64(ptr, len) {
  stringLen64 = len;
  return ptr;
}

// Code units from `from` on, as UTF-16 at `ptr` (unit i at ptr + 2i).
function putUtf16At64(m, ptr, s, from) {
  const dv = m.dv;
  for (let i = from; i < s.length; i++) dv.setUint16(ptr + 2 * i, s.charCodeAt(i), true);
}

// store_string_copy: `n` units of `size` bytes (utf8 bytes, UTF-16 or latin1).
function copyStr64(m, realloc, s, n, size, align) {
  const ptr = allocStr64(m, realloc, 0, 0, align, size * n);
  if (size === 2) putUtf16At64(m, ptr, s, 0);
  else if (align === 1) utf8Encoder64.encodeInto(s, m.u8.subarray(ptr, ptr + n));
  else for (let i = 0; i < n; i++) m.u8[ptr + i] = s.charCodeAt(i);
  return strDone64(ptr, n);
}

// store_string_to_utf8: one byte per unit while ASCII, then the worst case, then shrink.
function toUtf8At64(m, realloc, s, n, worst) {
  let ptr = allocStr64(m, realloc, 0, 0, 1, n);
  const u8 = m.u8;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      ptr = allocStr64(m, realloc, ptr, n, 1, worst);
      const len = i + utf8Encoder64.encodeInto(s.slice(i), m.u8.subarray(ptr + i, ptr + worst)).written;
      if (worst > len) ptr = allocStr64(m, realloc, ptr, worst, 1, len);
      return strDone64(ptr, len);
    }
    u8[ptr + i] = c;
  }
  return strDone64(ptr, s.length);
}

// store_utf8_to_utf16: the worst case, then shrink.
function utf8ToUtf16At64(m, realloc, s, n) {
  let ptr = allocStr64(m, realloc, 0, 0, 2, 2 * n);
  putUtf16At64(m, ptr, s, 0);
  if (2 * s.length < 2 * n) ptr = allocStr64(m, realloc, ptr, 2 * n, 2, 2 * s.length);
  return strDone64(ptr, s.length);
}

// store_string_to_latin1_or_utf16: latin1 until the first unit above 255,
// then widen what is there in place and tag the length.
function toLatin1OrUtf16At64(m, realloc, s, n) {
  let ptr = allocStr64(m, realloc, 0, 0, 2, n);
  const u8 = m.u8;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 256) {
      ptr = allocStr64(m, realloc, ptr, n, 2, 2 * n);
      const w = m.u8;
      for (let j = i - 1; j >= 0; j--) {
        w[ptr + 2 * j] = w[ptr + j];
        w[ptr + 2 * j + 1] = 0;
      }
      putUtf16At64(m, ptr, s, i);
      if (2 * n > 2 * s.length) ptr = allocStr64(m, realloc, ptr, 2 * n, 2, 2 * s.length);
      return strDone64(ptr, (s.length | TAG32) >>> 0);
    }
    u8[ptr + i] = c;
  }
  if (s.length < n) ptr = allocStr64(m, realloc, ptr, n, 2, s.length);
  return strDone64(ptr, s.length);
}

// store_probably_utf16_to_latin1_or_utf16: UTF-16, narrowed if every unit fits latin1.
function utf16ToLatin1OrUtf16At64(m, realloc, s, n) {
  let ptr = allocStr64(m, realloc, 0, 0, 2, 2 * n);
  putUtf16At64(m, ptr, s, 0);
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 256) return strDone64(ptr, (s.length | TAG32) >>> 0);
  const u8 = m.u8;
  for (let i = 0; i < s.length; i++) u8[ptr + i] = u8[ptr + 2 * i];
  ptr = allocStr64(m, realloc, ptr, 2 * n, 1, s.length);
  return strDone64(ptr, s.length);
}
