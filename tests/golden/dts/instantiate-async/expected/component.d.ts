// world root:component/root
import type * as Custom from './interfaces/custom.js'; // custom
import type * as TestInstApi from './interfaces/test-inst-api.js'; // test:inst/api@1.0.0
import type * as TestInstLogging from './interfaces/test-inst-logging.js'; // test:inst/logging@1.0.0
import type * as NamedInstance from './interfaces/named-instance.js'; // named-instance
export type Config = import('./interfaces/test-inst-api.js').Config;
export interface ImportObject {
  custom: typeof Custom,
  now: (() => bigint) | {
    default(): bigint,
  },
  'test:inst/api': typeof TestInstApi,
  'test:inst/logging': typeof TestInstLogging,
}
export interface Root {
  'test:inst/api@1.0.0': typeof TestInstApi,
  api: typeof TestInstApi,
  'named-instance': typeof NamedInstance,
  namedInstance: typeof NamedInstance,
  start(c: Config): string | undefined,
  stop(): void,
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
