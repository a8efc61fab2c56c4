// wasi:random — random (crypto.getRandomValues), insecure, insecure-seed.
const MAX_GET = 65536; // getRandomValues' per-call limit

function randomBytes(len) {
  const n = Number(len);
  if (!Number.isSafeInteger(n) || n < 0 || n > 2 ** 31)
    throw new RangeError(`wasi:random: cannot produce ${len} bytes`);
  const out = new Uint8Array(n);
  for (let o = 0; o < n; o += MAX_GET) globalThis.crypto.getRandomValues(out.subarray(o, Math.min(n, o + MAX_GET)));
  return out;
}

function randomU64() {
  const b = new BigUint64Array(1);
  globalThis.crypto.getRandomValues(b);
  return b[0];
}

export function randomImports() {
  // One seed per instance, as the interface asks ("same value each call").
  const seed = [randomU64(), randomU64()];
  return {
    'wasi:random/random': { getRandomBytes: randomBytes, getRandomU64: randomU64 },
    'wasi:random/insecure': { getInsecureRandomBytes: randomBytes, getInsecureRandomU64: randomU64 },
    'wasi:random/insecure-seed': { insecureSeed: () => seed },
  };
}
