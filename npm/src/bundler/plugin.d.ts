// Types of weftjs/vite, weftjs/rollup, weftjs/rolldown, weftjs/webpack,
// weftjs/esbuild and weftjs/rspack (one plugin, built on unplugin).
import type { TranspileOptions } from '../index.js';

export interface WeftPluginOptions
  extends Omit<TranspileOptions, 'name' | 'instantiation' | 'tlaCompat' | 'noCoreLoader'> {
  /**
   * Every component import gives `instantiate(imports)` instead of the
   * instantiated component's exports (as `./x.wasm?instantiate` does per import).
   */
  instantiate?: boolean;
  /** Write `x.wasm.d.ts` (and `x.wasm.types/`) next to each imported component. Default true. */
  dts?: boolean;
  /**
   * Where the bundle runs: 'browser' (fetch + compileStreaming, weftjs/wasi's browser host)
   * or 'node' (files read from disk, the Node host). Default: what the bundler says
   * (Vite SSR, esbuild `platform: 'node'`, webpack `target: 'node'`, Rolldown
   * `platform: 'node'`), else 'browser'.
   */
  target?: 'browser' | 'node';
  /**
   * Core modules smaller than this many bytes are inlined as base64 instead of
   * emitted as assets. Default 4096.
   */
  base64Cutoff?: number;
}

/** The bundler's plugin object (Vite/Rollup/Rolldown plugin, webpack/rspack plugin, esbuild plugin). */
// biome-ignore lint/suspicious/noExplicitAny: each bundler's own plugin type (vite, rollup, webpack, …), which this package does not depend on
declare function weft(options?: WeftPluginOptions): any;
export default weft;
