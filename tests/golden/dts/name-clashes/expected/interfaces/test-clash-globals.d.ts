/** @module Interface test:clash/globals **/
export function area(s: Shape): number;
export function uses(a: globalThis.Uint8Array, b: globalThis.Map<string, number>, c: Option$<number | undefined>, d: Result$<number, string>, e: globalThis.Promise<number> | number, f: globalThis.ReadableStream<globalThis.Uint8Array> | globalThis.AsyncIterable<globalThis.Uint8Array> | Iterable<globalThis.Uint8Array> | globalThis.Uint8Array): [Map, Promise, Uint8Array, ReadableStream, AsyncIterable, Option, Result, Disposable];
export function later(options?: { signal?: AbortSignal }): globalThis.Promise<number>;
export interface Map {
  size: number,
}
export interface Promise {
  done: boolean,
}
export type Uint8Array = Uint16Array;
export interface ReadableStream {
  open: boolean,
}
export interface AsyncIterable {
  items: number,
}
export interface Option {
  enabled: boolean,
}
export type Result = ResultFine | ResultBroken;
export interface ResultFine {
  tag: 'fine',
}
export interface ResultBroken {
  tag: 'broken',
  val: string,
}
export interface Disposable {
  ok: boolean,
}
export interface ShapeCircle {
  radius: number,
}
export type Shape = ShapeCircle$ | ShapeSquare;
export interface ShapeCircle$ {
  tag: 'circle',
  val: ShapeCircle,
}
export interface ShapeSquare {
  tag: 'square',
  val: number,
}
export type Option$<T> = { tag: 'none' } | { tag: 'some', val: T };
export type Result$<T, E> = { tag: 'ok', val: T } | { tag: 'err', val: E };

export class Thing implements globalThis.Disposable {
  constructor();
  [Symbol.dispose](): void;
}
