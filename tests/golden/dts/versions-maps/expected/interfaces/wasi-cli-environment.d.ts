/** @module Interface wasi:cli/environment@0.2.3 **/
export function getEnvironment(): [string, string][];
