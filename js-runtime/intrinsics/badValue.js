// Clear TypeError/RangeError for JS values that do not fit a WIT type: a
// RangeError for a number (or a BigInt, for 64 bits) that is not a value of an
// integer type, a TypeError for the rest.
export function badValue(value, expected, where) {
  let shown;
  try {
    shown = typeof value === 'bigint' ? `${value}n` : typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    shown = typeof value;
  }
  const isRange =
    (typeof value === 'number' && /^[su](8|16|32|64)\b/.test(expected)) ||
    (typeof value === 'bigint' && /^[su]64\b/.test(expected));
  const Ctor = isRange ? RangeError : TypeError;
  throw new Ctor(`${where}: expected ${expected}, got ${shown}`);
}
