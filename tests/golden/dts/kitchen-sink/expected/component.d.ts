// world root:component/root
export type * as TestValuesTypes100 from './interfaces/test-values-types.js'; // import test:values/types@1.0.0
export type * as TestValuesValues100 from './interfaces/test-values-values.js'; // import test:values/values@1.0.0
export type * as WasiCliEnvironment020 from './interfaces/wasi-cli-environment.js'; // import wasi:cli/environment@0.2.0
export * as types from './interfaces/test-values-types.js'; // export test:values/types@1.0.0
export * as values from './interfaces/test-values-values.js'; // export test:values/values@1.0.0
/**
 * @throws {ComponentError} with no `payload`
 */
export function run(args: string[]): void;
