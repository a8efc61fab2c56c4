import { badValue } from './badValue.js';
// Slow path for s64/u64 values: accepts BigInts in range and safe-integer numbers.
export function toInt64(value, signed, where) {
  let v = value;
  if (typeof v === 'number' && Number.isSafeInteger(v)) v = BigInt(v);
  if (typeof v === 'bigint') {
    if (signed ? BigInt.asIntN(64, v) === v : BigInt.asUintN(64, v) === v) return v;
  }
  return badValue(value, signed ? 's64 (BigInt in -2^63..2^63-1)' : 'u64 (BigInt in 0..2^64-1)', where);
}
