import { trap } from './trap.js';
import { badValue } from './badValue.js';
// `char`: a Unicode scalar value; JS sees a one-code-point string.
export function liftChar(i) {
  i >>>= 0;
  if (i >= 0x110000 || (i >= 0xd800 && i < 0xe000)) trap(`char: ${i} is not a Unicode scalar value`);
  return String.fromCodePoint(i);
}
export function lowerChar(s, where) {
  if (typeof s === 'string') {
    const c = s.codePointAt(0);
    if (c !== undefined && s.length === (c > 0xffff ? 2 : 1) && !(c >= 0xd800 && c < 0xe000)) return c;
  }
  return badValue(s, 'char (a string of one Unicode scalar value)', where);
}
