// world test:docs/docs@0.1.0
export * as documented from './interfaces/test-docs-documented.js'; // export test:docs/documented@0.1.0
/**
 * A top-level function.
 */
export function hello(name: string): string;
