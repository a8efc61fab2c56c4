/**
 * @module Interface test:docs/documented@0.1.0
 *
 * Interface docs.
 *
 * Second paragraph, with a `*\/` that must not end the comment.
 */
/**
 * Moves a point.
 *
 * Returns the moved point.
 */
export function movePoint(p: Point, by: number): Point;
/**
 * Parses, or fails with a message.
 *
 * @throws {ComponentError} with `payload` of type `string`
 */
export function parse(s: string): Point;
/**
 * A record.
 */
export interface Point {
  /**
   * The x coordinate.
   */
  x: number,
  /**
   * The y coordinate.
   *
   * Multiple lines.
   */
  y: number,
}
/**
 * Some flags.
 */
export interface Mode {
  /**
   * Readable.
   */
  read?: boolean,
  write?: boolean,
}
/**
 * An enum.
 *
 * # Variants
 *
 * ## `"red"`
 *
 * Like blood.
 *
 * ## `"green"`
 */
export type Color = 'red' | 'green';
/**
 * A variant.
 */
export type Shape = ShapeCircle | ShapeDot;
/**
 * Round.
 */
export interface ShapeCircle {
  tag: 'circle',
  val: number,
}
export interface ShapeDot {
  tag: 'dot',
}
/**
 * An alias.
 */
export type Coords = Point[];

/**
 * A resource.
 */
export class Counter implements Disposable {
  /**
   * Makes one.
   */
  constructor(start: number);
  /**
   * Adds one.
   */
  increment(): number;
  /**
   * The default counter.
   */
  static defaultCounter(): Counter;
  [Symbol.dispose](): void;
}
