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
  /** WIT `@unstable(feature = ...)` features to enable (`--feature`). */
  features?: string | string[];
  /** Enable every WIT feature (`--all-features`). */
  allFeatures?: boolean;
  /** `.d.ts`: a variant is a union of inline `{ tag, val }` types, not named case interfaces. */
  variantsInlineCases?: boolean;
  /** Calls between components: `'fused'` (default) core wasm adapters where covered, or always `'js'`. */
  adapters?: 'fused' | 'js';
  /** Also write an entry module serving the component's `wasi:http/incoming-handler` on this platform (implies `instantiation: 'async'`, `asyncMode: 'jspi'`). */
  target?: 'workers' | 'deno' | 'bun' | 'node';
  /** Log every export and import call with its arguments and result (`console.error`). */
  tracing?: boolean;
  /** Do not also export interfaces under their full names (`'ns:pkg/iface'`). */
  noNamespacedExports?: boolean;
  /** Throw an export's `result` error payload itself, not a `ComponentError`. */
  noComponentErrorWrapping?: boolean;
  /** Do not write the WASI host next to plain-ESM glue: `wasi:*` imports stay bare specifiers. */
  noWasiShim?: boolean;
  /**
   * The input is WIT sources (as `types()` takes them), not a component: transpile its only
   * world with a placeholder core module whose exports trap.
   */
  stub?: boolean;
  /**
   * Run binaryen's `wasm-opt` on every core module (`-O`). Node only; needs the npm package
   * `binaryen` (an optional peer dependency) or `wasm-opt` on PATH, else a `WeftError`.
   */
  optimize?: boolean;
  /** The `wasm-opt` to run (default: `$WEFT_WASM_OPT`, `node_modules/.bin`, the `binaryen` package, PATH). */
  wasmOptBin?: string;
  /** Arguments for `wasm-opt` instead of `-O`. */
  wasmOptArgs?: string | string[];
  /** Core modules as JS (binaryen's `wasm2js`) for engines without WebAssembly; plain ESM glue only. Node only, as `optimize`. */
  js?: boolean;
  /** No-ops, accepted for jco compatibility (weft's glue already does what they ask). */
  asyncWasiImports?: boolean;
  asyncWasiExports?: boolean;
  strict?: boolean;
  validLiftingOptimization?: boolean;
  importBindings?: 'js' | 'hybrid' | 'optimized' | 'direct-optimized';
  noNodejsCompat?: boolean;
  multiMemory?: boolean;
  bindgenEnableWasmExnref?: boolean;
}

type TranspileOnly =
  | 'noTypescript'
  | 'base64Cutoff'
  | 'minify'
  | 'target'
  | 'tracing'
  | 'noNamespacedExports'
  | 'noComponentErrorWrapping'
  | 'noWasiShim'
  | 'stub'
  | 'optimize'
  | 'wasmOptBin'
  | 'wasmOptArgs'
  | 'js'
  | 'validLiftingOptimization'
  | 'importBindings'
  | 'noNodejsCompat'
  | 'multiMemory'
  | 'bindgenEnableWasmExnref'
  | 'noCoreLoader';

export interface TypesOptions extends Omit<TranspileOptions, TranspileOnly> {
  /** The world to use when the input is WIT with several worlds. */
  world?: string;
}

/** The options of `weft guest-types`. */
export interface GuestTypesOptions
  extends Pick<
    TypesOptions,
    | 'name'
    | 'world'
    | 'asyncMode'
    | 'asyncExports'
    | 'features'
    | 'allFeatures'
    | 'variantsInlineCases'
    | 'asyncWasiImports'
    | 'asyncWasiExports'
    | 'strict'
  > {}

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
/** `stub: true`: the input is WIT sources (as `weft transpile --stub`). */
export declare function transpile(wit: WitSources, options: TranspileOptions & { stub: true }): Transpiled;

/**
 * Only the `.d.ts` files, for a component or WIT sources (as `weft types`). A string is
 * component text when it starts with `(` or `;;` (after whitespace), WIT otherwise.
 */
export declare function types(
  componentOrWit: ComponentInput | WitSources,
  options?: TypesOptions,
): { files: OutputFile[] };

/**
 * The `.d.ts` files a component author implementing the world in JS needs, one
 * `declare module '<WIT id>'` per file (as `weft guest-types`).
 */
export declare function guestTypes(
  componentOrWit: ComponentInput | WitSources,
  options?: GuestTypesOptions,
): { files: OutputFile[] };

/** The component's world as WIT text (as `weft wit`). */
export declare function wit(component: ComponentInput): string;
