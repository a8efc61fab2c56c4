// Types of weftjs/bundled: the runtime the bundler plugins' generated modules import.
import type { WasiOptions } from '../../wasi.js';

/**
 * Grants capabilities to the WASI host shared by the bundled components (the
 * options of `createWasi` from weftjs/wasi). Call it in a module imported before
 * the first `.wasm` import: components are instantiated when their module loads.
 */
export declare function configure(options?: WasiOptions): void;
/** The shared WASI import object, created on first use. */
export declare function wasiImports(): Record<string, Record<string, unknown>>;
export declare function wasiImport(key: string): Record<string, unknown>;
/** Compiles the core module at `url` (fetched in browsers, read from disk in Node). */
export declare function compileCore(url: string | URL): Promise<WebAssembly.Module>;
