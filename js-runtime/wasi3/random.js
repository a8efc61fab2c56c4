// wasi:random@0.3.x: the 0.2 functions keep their names; only the seed
// getter was renamed (`insecure-seed` -> `get-insecure-seed`). It returns the
// same per-instance seed as the 0.2 one, so a mixed program sees one seed.

/** `imports02`: the 0.2 import object (its `insecureSeed` holds the seed). */
export function random3Imports(imports02) {
  const seed = imports02['wasi:random/insecure-seed'].insecureSeed;
  return { 'wasi:random/insecure-seed': { getInsecureSeed: seed } };
}
