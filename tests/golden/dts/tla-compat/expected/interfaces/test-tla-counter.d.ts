/** @module Interface test:tla/counter **/
export function increment(by: number): number;
