import { alloc, checkList, memView } from './memory.js';
import { checkStringRange, decodeSlow } from './utf8.js';
// Views: a string or list passed between two components by the JS adapter,
// still in the source component's memory. Where both sides use utf8 (or the
// list's elements are plain numbers, whose bytes need no checking), the
// destination gets a byte copy, as the fused adapter (src/fuse/) does: no JS
// string or array in between. A view is made after the source's checks and
// copied before the source's post-return runs (the callee's adapter stores
// the result, see emit/lower.rs), so its bytes stay put while it lives.

/** A utf8 string's bytes `[ptr, ptr+len)`: length limit, bounds, then valid UTF-8. */
export function utf8View(m, ptr, len) {
  ptr >>>= 0;
  len >>>= 0;
  checkStringRange(m, ptr, len);
  const u8 = m.u8;
  // Validating is decoding: short ASCII strings in JS, the rest by the
  // engine's decoder (faster than a JS loop from a few dozen bytes on).
  if (len >= 32 || !isAscii(u8, ptr, len)) decodeSlow(u8, ptr, len);
  return { m, ptr, len };
}

function isAscii(u8, ptr, len) {
  for (let i = ptr, end = ptr + len; i < end; i++) if (u8[i] >= 0x80) return false;
  return true;
}

/** `len` plain elements of `size` bytes at `ptr` (checkList's checks). */
export function listView(m, ptr, len, size, align) {
  ptr >>>= 0;
  len >>>= 0;
  checkList(m, ptr, len, size, align);
  return { m, ptr, len };
}

// Copies view `v` (elements of `size` bytes) into a fresh allocation in `m`:
// one realloc(0, 0, align, bytes), checked, as store_string_copy and
// store_list_into_range call it. Returns the pointer; the length is `v.len`.
export function copyView(v, m, realloc, align, size, what) {
  const bytes = v.len * size;
  const ptr = alloc(m, realloc, align, bytes, what);
  memView(v.m);
  m.u8.set(v.m.u8.subarray(v.ptr, v.ptr + bytes), ptr);
  return ptr;
}
