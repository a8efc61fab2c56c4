// `weft transpile --js`: binaryen's wasm2js passes each i64 at a function
// boundary as two i32s (low word first, then high) and an i64 result as its
// low word, the high one through `env.setTempRet0` (an export returning) or
// `env.getTempRet0` (an import returned). These wrap the JS module's exports
// and the glue's imports so that both sides see BigInts, as with wasm.
// Signatures: one character per param ('I' an i64, '.' anything else), and
// the result's ('I', '.', or '' for none).

let tempRet0 = 0;

/** The `env` functions wasm2js's module reads the high word through. */
export const tempRet0Env = {
  getTempRet0: () => tempRet0,
  setTempRet0: (v) => {
    tempRet0 = v | 0;
  },
};

const joinI64 = (lo, hi) => BigInt.asIntN(64, (BigInt(hi | 0) << 32n) | BigInt(lo >>> 0));
const lowWord = (v) => Number(BigInt.asIntN(32, v));
const highWord = (v) => Number(BigInt.asIntN(32, v >> 32n));

/** Export `f` of the wasm2js module, called with BigInts for its i64s. */
export function legalExport(f, params, result) {
  return (...args) => {
    const flat = [];
    for (let i = 0; i < params.length; i++) {
      if (params[i] === 'I') {
        const v = BigInt.asIntN(64, args[i]);
        flat.push(lowWord(v), highWord(v));
      } else flat.push(args[i]);
    }
    const r = f(...flat);
    return result === 'I' ? joinI64(r, tempRet0) : r;
  };
}

/** Import `f` (BigInts for its i64s) as wasm2js's module calls it. */
export function legalImport(f, params, result) {
  return (...flat) => {
    const args = [];
    let k = 0;
    for (const p of params) {
      if (p === 'I') {
        args.push(joinI64(flat[k], flat[k + 1]));
        k += 2;
      } else args.push(flat[k++]);
    }
    const r = f(...args);
    if (result !== 'I') return r;
    const v = BigInt.asIntN(64, r);
    tempRet0 = highWord(v);
    return lowWord(v);
  };
}
