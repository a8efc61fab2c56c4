/** @module Interface wasi:cli/stdout@0.2.3 **/
export function write(s: string): void;
