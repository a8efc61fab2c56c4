/** @module Interface wasi:random/random@0.2.0 **/
export function getRandomU64(): bigint;
