/** @module Interface test:newer/fixed **/
export function scale(v: Vec3, by: number): Vec3;
export function paint(c: Rgb): Uint32Array[];
export type Vec3 = Float32Array;
export interface Rgb {
  channels: Uint8Array,
  names: string[],
}
