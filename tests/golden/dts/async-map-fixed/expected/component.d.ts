// world root:component/root
export * as maps from './interfaces/test-newer-maps.js'; // export test:newer/maps
export * as fixed from './interfaces/test-newer-fixed.js'; // export test:newer/fixed
export * as concurrent from './interfaces/test-newer-concurrent.js'; // export test:newer/concurrent
