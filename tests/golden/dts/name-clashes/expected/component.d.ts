// world root:component/root
import type * as Custom from './interfaces/custom.js'; // custom
import type * as TestClashWeb1 from './interfaces/test-clash-web.js'; // test:clash/web
import type * as TestClashGlobals from './interfaces/test-clash-globals.js'; // test:clash/globals
export type WebAssembly = import('./interfaces/test-clash-web.js').WebAssembly;
export type Record = import('./interfaces/test-clash-web.js').Record;
export type TestClashWeb = import('./interfaces/test-clash-web.js').TestClashWeb;
export interface ImportObject {
  custom: typeof Custom,
  'test:clash/web'?: typeof TestClashWeb1,
}
export interface Root {
  'test:clash/globals': typeof TestClashGlobals,
  globals: typeof TestClashGlobals,
  make(r: Record): WebAssembly,
  find(c: TestClashWeb): TestClashWeb | undefined,
}
/**
 * Instantiates this component with the provided imports and
 * returns a map of all the exports of the component.
 *
 * This function is intended to be similar to the
 * `WebAssembly.instantiate` function. The second `imports`
 * argument is the "import object" for wasm, except here it
 * uses component-model-layer types instead of core wasm
 * integers/numbers/etc.
 *
 * The first argument to this function, `getCoreModule`, is
 * used to compile core wasm modules within the component.
 * Components are composed of core wasm modules and this callback
 * will be invoked per core wasm module. The caller of this
 * function is responsible for reading the core wasm module
 * identified by `path` and returning its compiled
 * `WebAssembly.Module` object. This would use `compileStreaming`
 * on the web, for example.
 */
export function instantiate(
  getCoreModule: (path: string) => globalThis.WebAssembly.Module | Promise<globalThis.WebAssembly.Module>,
  imports: ImportObject,
  instantiateCore?: (module: globalThis.WebAssembly.Module, imports: globalThis.Record<string, any>) => globalThis.WebAssembly.Instance | Promise<globalThis.WebAssembly.Instance>
): Promise<Root>;
