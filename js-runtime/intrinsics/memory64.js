import { trap } from './trap.js';
import { memView } from './memory.js';
import { MAX_LIST_BYTE_LENGTH, listTooLong } from './limits.js';
// memory.js's range checks for a 64-bit memory: the same checks on pointers
// that are exact numbers up to 2^53 (addr64.js), where memory.js reads an
// i32 as unsigned (`>>> 0`, which would wrap a pointer above 4 GiB).
// `ptr & (align - 1)` keeps the low bits of any such number.
export function checkRange64(m, ptr, size, align, what) {
  memView(m);
  if ((ptr & (align - 1)) !== 0) trap(`${what}: pointer ${ptr} is not aligned to ${align}`);
  if (ptr + size > m.u8.byteLength) trap(`${what}: range ${ptr}+${size} is out of bounds of memory`);
}
// memory.js's checkList for a 64-bit memory.
export function checkList64(m, ptr, len, size, align) {
  const bytes = len * size;
  if (bytes > MAX_LIST_BYTE_LENGTH) listTooLong(bytes);
  checkRange64(m, ptr, bytes, align, 'list');
}
// Calls a 64-bit realloc (its wrapper takes and returns numbers) and checks the range.
export function alloc64(m, realloc, align, size, what) {
  const ptr = realloc(0, 0, align, size);
  checkRange64(m, ptr, size, align, what);
  return ptr;
}
