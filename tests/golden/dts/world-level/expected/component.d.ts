// world root:component/root
import type * as TestWorldLevelTypes from './interfaces/test-world-level-types.js'; // test:world-level/types
export type Pair = import('./interfaces/test-world-level-types.js').Pair;
export interface Settings {
  name: string,
  pair: Pair,
}
/**
 * # Variants
 *
 * ## `"fast"`
 *
 * ## `"slow"`
 */
export type Mode = 'fast' | 'slow';
export type Outcome = OutcomeDone | OutcomeFailed;
export interface OutcomeDone {
  tag: 'done',
  val: Settings,
}
export interface OutcomeFailed {
  tag: 'failed',
  val: string,
}
export interface Features {
  one?: boolean,
  two?: boolean,
}
export type Ids = BigUint64Array;

export class Session {
  constructor(s: Settings);
  mode(): Mode;
  static close(s: Session): void;
}
export interface ImportObject {
  session: typeof Session | { default: typeof Session },
  './settings.js#get': (() => Settings) | {
    default(): Settings,
  },
  notify: ((o: Outcome, f: Features) => void) | {
    default(o: Outcome, f: Features): void,
  },
  'test:world-level/types'?: typeof TestWorldLevelTypes,
}
export interface Root {
  start(s: Settings, m: Mode): Outcome,
  open(): Session,
  allIds(ids: Ids): Ids,
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
