/** @module Interface test:values/values@1.0.0 **/
/**
 * @throws {ComponentError} with `payload` of type `string`
 */
export function f(p: Point, c: Colour, s: Shape, fl: Perms): Point;
export function g(a: Option<number | undefined>, b: Uint16Array, c: BigInt64Array, d: string[], e: [number, string]): string | undefined;
/**
 * @throws {ComponentError} with `payload` of type `import('./test-values-types.js').Color`
 */
export function h(x: Result<void, void>, y: Result<void, number>, z: Result<number, void>): number;
export { _delete as delete };
declare function _delete(in_: bigint, class_: bigint): string;
export function mk(): Blob;
export type Point = import('./test-values-types.js').Point;
export type Colour = import('./test-values-types.js').Color;
export type Shape = import('./test-values-types.js').Shape;
export type Perms = import('./test-values-types.js').Perms;
export type R = import('./test-values-types.js').R;
export type Blob = import('./test-values-types.js').Blob;
export type Option<T> = { tag: 'none' } | { tag: 'some', val: T };
export type Result<T, E> = { tag: 'ok', val: T } | { tag: 'err', val: E };
