// world root:component/root
import type * as TestVersionsExact from './interfaces/test-versions-exact.js'; // test:versions/exact@2.1.0
import type * as TestVersionsUnmapped from './interfaces/test-versions-unmapped.js'; // test:versions/unmapped@2.1.0
import type * as WasiCliEnvironment from './interfaces/wasi-cli-environment.js'; // wasi:cli/environment@0.2.3
import type * as WasiCliStdout from './interfaces/wasi-cli-stdout.js'; // wasi:cli/stdout@0.2.3
import type * as WasiRandomRandom from './interfaces/wasi-random-random.js'; // wasi:random/random@0.2.3
export interface ImportObject {
  './exact.js': typeof TestVersionsExact,
  'test:versions/unmapped': typeof TestVersionsUnmapped,
  '@scope/shim/cli#environment': typeof WasiCliEnvironment,
  '@scope/shim/cli#stdout': typeof WasiCliStdout,
  '@scope/shim/random/random': typeof WasiRandomRandom,
}
export interface Root {
  'test:versions/exact@2.1.0': typeof TestVersionsExact,
  exact: typeof TestVersionsExact,
  run(): void,
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
  getCoreModule: (path: string) => WebAssembly.Module | Promise<WebAssembly.Module>,
  imports: ImportObject,
  instantiateCore?: (module: WebAssembly.Module, imports: Record<string, any>) => WebAssembly.Instance | Promise<WebAssembly.Instance>
): Promise<Root>;
