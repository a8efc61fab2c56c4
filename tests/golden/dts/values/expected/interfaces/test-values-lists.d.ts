/** @module Interface test:values/lists **/
export function numeric(a: Uint8Array, b: Int8Array, c: Uint16Array, d: Int16Array, e: Uint32Array, f: Int32Array, g: BigUint64Array, h: BigInt64Array, i: Float32Array, j: Float64Array): Bytes;
export function other(a: boolean[], b: string[], c: string[], d: Uint8Array[], e: [number, string][], f: (number | undefined)[], g: Result<number, string>[]): string[];
export function aliased(a: Uint8Array, b: Bytes[]): string[][];
export type Bytes = Uint8Array;
export type Byte = number;
export type Result<T, E> = { tag: 'ok', val: T } | { tag: 'err', val: E };
