import { trap } from './trap.js';
// The Canonical ABI's length limits on lifting a string or a list out of
// linear memory (definitions.py: load_string_from_range, load_list_from_range),
// for 32-bit and 64-bit memories alike. The decoders and checkList compare a
// length they already hold against these before the alignment and bounds
// checks, as the spec orders them. (Stream/future buffers have their own
// element-count limit, async/codes.js MAX_BUFFER_LENGTH.)
export const MAX_STRING_BYTE_LENGTH = 2 ** 28 - 1;
export const MAX_LIST_BYTE_LENGTH = 2 ** 28 - 1;
export function stringTooLong(bytes) {
  return trap(`string: byte length ${bytes} is above 2^28 - 1`);
}
export function listTooLong(bytes) {
  return trap(`list: byte length ${bytes} is above 2^28 - 1`);
}
