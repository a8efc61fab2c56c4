/** @module Interface test:nesting/shapes **/
/**
 * @throws {ComponentError} with `payload` of type `ErrorInfo`
 */
export function parse(s: string): number;
/**
 * @throws {ComponentError} with no `payload`
 */
export function check(): void;
/**
 * @throws {ComponentError} with `payload` of type `string`
 */
export function validate(s: string): void;
/**
 * @throws {ComponentError} with `payload` of type `ErrorInfo`
 */
export function named(): string;
/**
 * @throws {ComponentError} with `payload` of type `ErrorInfo`
 */
export function aliased(): string;
/**
 * @throws {ComponentError} with `payload` of type `ErrorInfo`
 */
export function nested(): Result<number, string>;
/**
 * @throws {ComponentError} with `payload` of type `ErrorInfo`
 */
export function lookup(k: string): string | undefined;
export function options(a: number | undefined, b: Option<number | undefined>, c: Option<Option<number | undefined>>, d: MaybeMaybe): Option<string | undefined>;
export function resultsIn(a: Result<number, string>, b: Result<void, void> | undefined, c: Result<void, number>[]): [Result<number, void>, number | undefined];
export interface ErrorInfo {
  code: number,
  message: string,
}
export type MaybeU32 = number | undefined;
export type MaybeMaybe = Option<MaybeU32>;
export type Fallible = Result<string, ErrorInfo>;
export type AlsoFallible = Fallible;
export interface Holder {
  one?: number,
  two: Option<number | undefined>,
  three: Option<Option<number | undefined>>,
  viaAlias?: number,
  viaAlias2: MaybeMaybe,
  res: Result<void, void>,
  resOk: Result<number, void>,
  resErr: Result<void, string>,
  optRes?: Result<number, string>,
  resOpt: Result<number | undefined, string | undefined>,
  listOpt: Option<string | undefined>[],
}
export type Option<T> = { tag: 'none' } | { tag: 'some', val: T };
export type Result<T, E> = { tag: 'ok', val: T } | { tag: 'err', val: E };
