/** @module Interface test:cross/middle **/
export function place(c: Canvas, s: Sized): Id;
export type Canvas = import('./test-cross-base.js').Canvas;
export type Point = import('./test-cross-base.js').Point;
export type LengthUnit = import('./test-cross-base.js').Unit;
export interface Sized {
  at: Point,
  unit: LengthUnit,
}
export type Id = import('./test-cross-base.js').Id;
export type Points = Point[];
