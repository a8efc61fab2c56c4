/** @module Interface test:cross/base **/
export interface Point {
  x: number,
  y: number,
}
export type Id = bigint;
/**
 * # Variants
 *
 * ## `"px"`
 *
 * ## `"em"`
 */
export type Unit = 'px' | 'em';

export class Canvas {
  constructor();
  draw(p: Point): void;
}
