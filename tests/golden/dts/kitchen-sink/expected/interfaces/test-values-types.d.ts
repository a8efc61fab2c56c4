/** @module Interface test:values/types@1.0.0 **/
export interface Point {
  x: number,
  yCoord: number,
  opt?: number,
  nested: Option<number | undefined>,
}
/**
 * # Variants
 *
 * ## `"red"`
 *
 * ## `"dark-green"`
 */
export type Color = 'red' | 'dark-green';
export type Shape = ShapeCircle | ShapeSquare | ShapeNone;
export interface ShapeCircle {
  tag: 'circle',
  val: number,
}
export interface ShapeSquare {
  tag: 'square',
  val: Point,
}
export interface ShapeNone {
  tag: 'none',
}
export interface Perms {
  read?: boolean,
  writeIt?: boolean,
  exec?: boolean,
}
export type R = Result<number, Color>;
export type Bytes = Uint8Array;
export type Option<T> = { tag: 'none' } | { tag: 'some', val: T };
export type Result<T, E> = { tag: 'ok', val: T } | { tag: 'err', val: E };

export class Blob {
  constructor(init: Uint8Array);
  /**
   * @throws {ComponentError} with `payload` of type `string`
   */
  write(bytes: Uint8Array): number;
  static merge(lhs: Blob, rhs: Blob): Blob;
}
