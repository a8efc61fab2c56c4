import { trap } from './trap.js';
import { MAX_LIST_BYTE_LENGTH, listTooLong } from './limits.js';
// Cached views of one linear memory. Views are rebuilt only after the buffer
// changed (a grow detaches the old buffer, whose views then report length 0).
const EMPTY = new Uint8Array(0);
export function memoryState() {
  return { mem: null, u8: EMPTY, dv: new DataView(EMPTY.buffer) };
}
export function memView(m) {
  if (m.u8.byteLength === 0) {
    const b = m.mem.buffer;
    m.u8 = new Uint8Array(b);
    m.dv = new DataView(b);
  }
  return m.dv;
}
// Traps unless [ptr, ptr+size) is inside memory and ptr is aligned.
export function checkRange(m, ptr, size, align, what) {
  memView(m);
  if ((ptr & (align - 1)) !== 0) trap(`${what}: pointer ${ptr >>> 0} is not aligned to ${align}`);
  if ((ptr >>> 0) + size > m.u8.byteLength) trap(`${what}: range ${ptr >>> 0}+${size} is out of bounds of memory`);
}
// load_list_from_range's checks on `len` elements of `size` bytes at `ptr`:
// the byte length limit, then alignment and bounds.
export function checkList(m, ptr, len, size, align) {
  const bytes = len * size;
  if (bytes > MAX_LIST_BYTE_LENGTH) listTooLong(bytes);
  checkRange(m, ptr, bytes, align, 'list');
}
// Calls realloc(0, 0, align, size) and checks the returned range.
export function alloc(m, realloc, align, size, what) {
  const ptr = realloc(0, 0, align, size);
  checkRange(m, ptr, size, align, what);
  return ptr >>> 0;
}
