// world root:component/root
export type * as TestCrossBase from './interfaces/test-cross-base.js'; // import test:cross/base
export type * as TestCrossMiddle from './interfaces/test-cross-middle.js'; // import test:cross/middle
export * as top from './interfaces/test-cross-top.js'; // export test:cross/top
export type Point = import('./interfaces/test-cross-base.js').Point;
export type Id = import('./interfaces/test-cross-base.js').Id;
export function centre(ps: Point[]): Point;
export function nextId(): Id;
