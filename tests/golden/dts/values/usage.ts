// Every value type in argument and result position.
import { scalars, lists, compound, topLevel } from './expected/component.js';
import type { TestValuesScalars } from './expected/component.js';

const tuple: [boolean, bigint, bigint, string, string] = scalars.all(
  true,
  -1,
  255,
  -3,
  4,
  -5,
  6,
  -7n,
  8n,
  1.5,
  2.5,
  'c',
  'str',
);
scalars.unit();
const f: number = scalars.pick(1);

const bytes: lists.Bytes = lists.numeric(
  new Uint8Array(1),
  new Int8Array(1),
  new Uint16Array(1),
  new Int16Array(1),
  new Uint32Array(1),
  new Int32Array(1),
  new BigUint64Array(1),
  new BigInt64Array(1),
  new Float32Array(1),
  new Float64Array(1),
);
const strs: string[] = lists.other(
  [true],
  ['c'],
  ['s'],
  [new Uint8Array(2)],
  [[1, 'x']],
  [1, undefined],
  [
    { tag: 'ok', val: 1 },
    { tag: 'err', val: 'bad' },
  ],
);
const nested: string[][] = lists.aliased(new Uint8Array(1), [bytes]);
const byte: lists.Byte = 7;

const fields: compound.AllFields = {
  aBool: false,
  anInt: 1,
  aBig: 2n,
  aString: 's',
  aList: new Uint8Array(0),
  strings: [],
  pair: ['a', 1],
  outcome: { tag: 'ok', val: 1 },
};
const withMaybe: compound.AllFields = { ...fields, maybe: 'm' };
const pair: compound.Pair = compound.roundtrip(withMaybe, { only: 1 });
const maybe: compound.MaybeFields = undefined;

const top: [number, number] = topLevel(['a'], undefined);
topLevel([], 3);

type Pick = typeof TestValuesScalars.pick;
const pick: Pick = (x) => x * 2;

export { tuple, f, strs, nested, byte, pair, maybe, top, pick };
