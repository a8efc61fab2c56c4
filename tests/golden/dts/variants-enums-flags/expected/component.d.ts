// world root:component/root
export type * as TestSumsSums from './interfaces/test-sums-sums.js'; // import test:sums/sums
export * as sums from './interfaces/test-sums-sums.js'; // export test:sums/sums
