/** @module Interface test:values/compound **/
export function roundtrip(x: AllFields, y: Single): Pair;
export interface AllFields {
  aBool: boolean,
  anInt: number,
  aBig: bigint,
  aString: string,
  aList: Uint8Array,
  strings: string[],
  pair: [string, number],
  maybe?: string,
  outcome: Result<number, string>,
}
export interface Single {
  only: number,
}
export type Pair = [AllFields, Single];
export type MaybeFields = AllFields | undefined;
export type Result<T, E> = { tag: 'ok', val: T } | { tag: 'err', val: E };
