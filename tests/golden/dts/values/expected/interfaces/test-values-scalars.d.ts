/** @module Interface test:values/scalars **/
export function all(a: boolean, b: number, c: number, d: number, e: number, f: number, g: number, h: bigint, i: bigint, j: number, k: number, l: string, m: string): [boolean, bigint, bigint, string, string];
export function unit(): void;
export function pick(x: number): number;
