/** @module Interface custom **/
export function hook(x: number): number;
