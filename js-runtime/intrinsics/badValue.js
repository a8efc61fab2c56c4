// Clear TypeError/RangeError for JS values that do not fit a WIT type.
export function badValue(value, expected, where) {
  let shown;
  try {
    shown = typeof value === 'bigint' ? `${value}n` : typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    shown = typeof value;
  }
  const isRange = (typeof value === 'number' || typeof value === 'bigint') && !/^(string|bool|char)/.test(expected);
  const Ctor = isRange ? RangeError : TypeError;
  throw new Ctor(`${where}: expected ${expected}, got ${shown}`);
}
