/** @module Interface test:reserved/keywords **/
export { _delete as delete };
declare function _delete(in_: bigint, class_: bigint): string;
export { _import as import };
declare function _import(export_: string, default_: number): void;
export { _new as new };
declare function _new(): Record;
export { _eval as eval };
declare function _eval(arguments_: string[]): void;
export { _typeof as typeof };
declare function _typeof(flags: Flags, variant: Variant, e: Enum): Resource;
export function withDashes(letX: number, var_: number, function_: number): void;
export interface Record {
  'class': string,
  'default': number,
  type: number,
  'new': boolean,
  thisValue: number,
}
export interface Flags {
  'delete'?: boolean,
  'in'?: boolean,
  'instanceof'?: boolean,
}
export type Variant = VariantInterface | VariantEnum | VariantFunction;
export interface VariantInterface {
  tag: 'interface',
  val: number,
}
export interface VariantEnum {
  tag: 'enum',
}
export interface VariantFunction {
  tag: 'function',
  val: string,
}
/**
 * # Variants
 *
 * ## `"await"`
 *
 * ## `"yield"`
 *
 * ## `"static"`
 */
export type Enum = 'await' | 'yield' | 'static';

export class Resource implements Disposable {
  constructor(this_: number);
  'delete'(): void;
  static 'new'(class_: string): Resource;
  static 'static'(): void;
  'await'(yield_: number): number;
  [Symbol.dispose](): void;
}
