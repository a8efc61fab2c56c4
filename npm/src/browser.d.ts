// Types of weftjs/browser (hand-written; checked with tsc by the package test).
import type { ComponentInput, TranspileOptions } from './index.js';

export * from './index.js';

export type LoadOptions = Pick<TranspileOptions, 'map' | 'minify' | 'asyncMode' | 'asyncImports' | 'asyncExports'>;

/**
 * Transpiles the component in the page and instantiates it from memory.
 * `imports` is the import object (`createWasi()` from weftjs/wasi for WASI),
 * keyed by version-free specifiers (`'wasi:cli/stdout'`, `'local:demo/host'`).
 * Resolves to the component's exports, as the glue's `instantiate()`.
 */
export declare function loadComponent(
  component: ComponentInput,
  imports?: Record<string, unknown>,
  options?: LoadOptions,
): Promise<Record<string, any>>;
