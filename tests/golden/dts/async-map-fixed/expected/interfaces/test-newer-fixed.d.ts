/** @module Interface test:newer/fixed **/
export function scale(v: Vec3, by: number): Vec3;
export function paint(c: Rgb): [number, number][];
export type Vec3 = [number, number, number];
export interface Rgb {
  channels: [number, number, number],
  names: [string, string],
}
