/** @module Interface test:world-level/types **/
export interface Pair {
  a: number,
  b: number,
}
