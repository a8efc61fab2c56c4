/** @module Interface test:newer/maps **/
export function merge(a: Counts, b: Map<string, number | undefined>): Map<number, Index>;
export type Counts = Map<string, number>;
export interface Index {
  byId: Map<bigint, string>,
  nested: Map<string, Uint8Array>,
}
