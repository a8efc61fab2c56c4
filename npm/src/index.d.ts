// Types of weftjs (hand-written; checked by tests/node/npm-package.test.js with tsc).
// Every function is synchronous: the wasm build initialises when the module
// loads (top-level await in browsers), so there is no init step to call.

/** A failed call. `message` is one line (what, where). */
export declare class WeftError extends Error {
  name: 'WeftError';
  /** 'invalid' (malformed input), 'unsupported' (valid, not supported yet) or 'options'. */
  kind: 'invalid' | 'unsupported' | 'options';
  /** Byte offset in the input component, when known. */
  offset?: number;
}

/** A component: binary bytes, or component text (`(component ...)`). */
export type ComponentInput = Uint8Array | ArrayBuffer | ArrayBufferView | string;

/** The options of `weft transpile`, camelCased. */
export interface TranspileOptions {
  /** Base name of the output files. Default `'component'`. */
  name?: string;
  /** `'esm'` (default): plain ESM. `'async'`/`'sync'`: export `instantiate(getCoreModule, imports, instantiateCore?)`. */
  instantiation?: 'esm' | 'async' | 'sync';
  /** Import specifier maps, `{ 'wasi:*': './wasi.js#*' }` (`*` wildcard, `#member`). */
  map?: Record<string, string> | Array<[string, string]>;
  /** Do not emit `.d.ts` files. */
  noTypescript?: boolean;
  /** Inline core modules smaller than this many bytes as base64. Default 0. */
  base64Cutoff?: number;
  /** Avoid top-level await: export `$init`. */
  tlaCompat?: boolean;
  /** Minify the JS glue. */
  minify?: boolean;
  /**
   * With `instantiation`: `instantiate()` has no default `getCoreModule` (loading the core
   * modules next to the glue), so the caller must pass one. For bundler plugins: the glue
   * then has no `import.meta.url` file lookup and no `node:fs` import.
   */
  noCoreLoader?: boolean;
  /** `'jspi'`: listed imports may return Promises, listed exports return Promises. */
  asyncMode?: 'sync' | 'jspi';
  /** With `asyncMode: 'jspi'`: imports that may return Promises (`iface#func`, comma-separated or an array). */
  asyncImports?: string | string[];
  /** With `asyncMode: 'jspi'`: exports that return Promises. */
  asyncExports?: string | string[];
  /** jco's `--flags-as-bigint`: a flags value is one `bigint` (bit i: flag i). */
  flagsAsBigint?: boolean;
  /** jco's `--use-namespace-objects`: frozen objects of each flags/enum/variant type's values (implies `flagsAsBigint`). */
  useNamespaceObjects?: boolean;
  /** jco's `--enum-values-screaming-snake-case`: enum values as `'DARK_BLUE'`. */
  enumValuesScreamingSnakeCase?: boolean;
}

export interface TypesOptions extends Omit<TranspileOptions, 'noTypescript' | 'base64Cutoff' | 'minify' | 'noCoreLoader'> {
  /** The world to use when the input is WIT with several worlds. */
  world?: string;
}

export interface OutputFile {
  /** Relative to the output directory, `/`-separated. */
  path: string;
  contents: Uint8Array;
}

export interface Transpiled {
  files: OutputFile[];
  /** Specifiers the glue imports from (after `map`). */
  imports: string[];
  /** Export names of the glue module. */
  exports: string[];
  /** Things worth knowing that did not stop transpilation. */
  warnings: string[];
}

/** WIT sources: one file's text, or `{ path: text }` with dependencies under `deps/<name>.wit` or `deps/<name>/*.wit`. */
export type WitSources = string | Record<string, string>;

/** Transpiles a component into JS glue, core modules and `.d.ts` files (as `weft transpile`). */
export declare function transpile(component: ComponentInput, options?: TranspileOptions): Transpiled;

/**
 * Only the `.d.ts` files, for a component or WIT sources (as `weft types`). A string is
 * component text when it starts with `(` or `;;` (after whitespace), WIT otherwise.
 */
export declare function types(componentOrWit: ComponentInput | WitSources, options?: TypesOptions): { files: OutputFile[] };

/** The component's world as WIT text (as `weft wit`). */
export declare function wit(component: ComponentInput): string;
