// world root:component/root
export type * as WasiRandomRandom020 from './interfaces/wasi-random-random.js'; // import wasi:random/random@0.2.0
export * as counter from './interfaces/test-tla-counter.js'; // export test:tla/counter
export function run(): string;
/** Resolves once the component is instantiated and its exports are set. */
export const $init: Promise<void>;
