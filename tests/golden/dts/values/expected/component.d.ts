// world root:component/root
export type * as TestValuesScalars from './interfaces/test-values-scalars.js'; // import test:values/scalars
export * as scalars from './interfaces/test-values-scalars.js'; // export test:values/scalars
export * as lists from './interfaces/test-values-lists.js'; // export test:values/lists
export * as compound from './interfaces/test-values-compound.js'; // export test:values/compound
export function topLevel(x: string[], y: number | undefined): [number, number];
