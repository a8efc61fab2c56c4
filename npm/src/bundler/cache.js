// Transpile results by content: the hash of the component's bytes and the
// options. A rebuild or a dev-server request for an unchanged component
// reuses the result; an edited file hashes differently and is transpiled again.
import { createHash } from 'node:crypto';

const results = new Map();
/** Old entries go first once the cache holds this many. */
const LIMIT = 64;

export function contentHash(bytes, options) {
  return createHash('sha256').update(bytes).update('\0').update(JSON.stringify(options)).digest('hex');
}

export function cached(key, compute) {
  let hit = results.get(key);
  if (hit === undefined) {
    hit = compute();
    if (results.size >= LIMIT) results.delete(results.keys().next().value);
    results.set(key, hit);
  }
  return hit;
}
