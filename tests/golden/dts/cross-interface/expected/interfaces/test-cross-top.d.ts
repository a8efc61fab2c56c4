/** @module Interface test:cross/top **/
export function layout(items: Sized[], origin: Point): Points;
export function count(i: Ident): number;
export type Sized = import('./test-cross-middle.js').Sized;
export type Points = import('./test-cross-middle.js').Points;
export type Ident = import('./test-cross-middle.js').Id;
export type Point = import('./test-cross-base.js').Point;
