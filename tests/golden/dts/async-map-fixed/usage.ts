// Fixed-length lists (tuples, as the glue lifts plain arrays), maps,
// futures, streams and error-context.
import { fixed, concurrent, maps } from './expected/component.js';

const v: fixed.Vec3 = fixed.scale([1, 2, 3], 2);
const painted: [number, number][] = fixed.paint({ channels: [255, 0, 0], names: ['a', 'b'] });
// @ts-expect-error: a fixed-length list has exactly its length.
fixed.scale([1, 2], 2);

async function go(stream: ReadableStream<Uint8Array> & AsyncIterable<Uint8Array>, err: concurrent.ErrorContext) {
  const body: Uint8Array = await concurrent.fetch('https://example.com');
  const later: string = await concurrent.later(Promise.resolve(1), Promise.resolve());
  // stream<u8> travels in Uint8Array chunks; JS may hand in a plain Uint8Array too
  const out: concurrent.BytesOut = concurrent.pipe(stream, [undefined, undefined], []);
  concurrent.pipe(new Uint8Array([1, 2]), [], [['x']]);
  for await (const chunk of out) {
    const bytes: Uint8Array = chunk;
    void bytes;
  }
  // futures JS provides may be plain values
  await concurrent.later(1, undefined);
  const maybe: concurrent.ErrorContext | undefined = concurrent.errors(err, [err]);
  return [body, later, maybe] as const;
}

const counts: maps.Counts = new Map([['a', 1]]);
const merged: Map<number, maps.Index> = maps.merge(
  counts,
  new Map([
    ['b', undefined],
    ['c', 2],
  ]),
);
const index: maps.Index = { byId: new Map([[1n, 'one']]), nested: new Map([['k', new Uint8Array(1)]]) };

export { v, painted, go, merged, index };
