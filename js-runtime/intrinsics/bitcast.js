// Reinterpret bits between floats and ints (variant payloads share flat slots).
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);
export function f32ToI32(x) {
  f32[0] = x;
  return i32[0];
}
export function i32ToF32(x) {
  i32[0] = x;
  return f32[0];
}
export function f64ToI64(x) {
  f64[0] = x;
  return i64[0];
}
export function i64ToF64(x) {
  i64[0] = x;
  return f64[0];
}
