// Exercises the kitchen-sink declarations (the case compared with jco by eye).
import { run, types, values } from './expected/component.js';
import type { TestValuesTypes100, WasiCliEnvironment020 } from './expected/component.js';

run(['a', 'b']);

const point: types.Point = { x: 1, yCoord: -2, nested: { tag: 'some', val: undefined } };
const withOpt: TestValuesTypes100.Point = { x: 0, yCoord: 0, opt: 3, nested: { tag: 'none' } };
const shape: types.Shape = { tag: 'square', val: point };
const circle: types.Shape = { tag: 'circle', val: 1.5 };
const none: types.Shape = { tag: 'none' };
const colour: values.Colour = 'dark-green';
const perms: types.Perms = { read: true, writeIt: false };
const p: types.Point = values.f(withOpt, colour, shape, perms);
const s: string | undefined = values.g(
  { tag: 'some', val: 5 },
  new Uint16Array(2),
  new BigInt64Array(1),
  ['x'],
  [1, 'y'],
);
// `r` is a result alias: still thrown, so `h` returns the ok value.
const r: number = values.h({ tag: 'ok', val: undefined }, { tag: 'err', val: 3 }, { tag: 'ok', val: 7 });
const c: string = values.delete(1n, -1n);

const blob = new types.Blob(new Uint8Array([1, 2]));
const written: number = blob.write(new Uint8Array(0));
const merged: types.Blob = types.Blob.merge(blob, values.mk());

// `types` is imported as well as exported, so its classes also describe what
// the host provides: no `[Symbol.dispose]` required.
class HostBlob {
  constructor(readonly data: Uint8Array) {}
  write(bytes: Uint8Array): number {
    return bytes.length;
  }
  static merge(lhs: HostBlob, rhs: HostBlob): HostBlob {
    return new HostBlob(new Uint8Array([...lhs.data, ...rhs.data]));
  }
}
const hostTypes: typeof TestValuesTypes100 = { Blob: HostBlob };

const env: [string, string][] = [];
type GetEnv = typeof WasiCliEnvironment020.getEnvironment;
const getEnv: GetEnv = () => env;

export { p, s, r, c, written, merged, circle, none, getEnv, hostTypes };
