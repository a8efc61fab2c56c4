// WIT types named like globals (Map, Promise, Uint8Array, Record, ...) and
// like the helpers (Option, Result): both stay usable.
import { instantiate } from './expected/component.js';
import type { ImportObject, Record, TestClashWeb, WebAssembly as WitWasm } from './expected/component.js';
import type * as Globals from './expected/interfaces/test-clash-globals.js';

const imports: ImportObject = {
  custom: { poke: () => {} },
  'test:clash/web': {},
};

async function main(stream: ReadableStream<Uint8Array> & AsyncIterable<Uint8Array>): Promise<void> {
  const root = await instantiate(async () => WebAssembly.compile(new Uint8Array(8)), imports);
  const record: Record = { key: 'k' };
  const made: WitWasm = root.make(record);
  const found: TestClashWeb | undefined = root.find({ id: 1 });
  const [map, promise, u8, rs, ai, option, result, disposable]: [
    Globals.Map,
    Globals.Promise,
    Globals.Uint8Array,
    Globals.ReadableStream,
    Globals.AsyncIterable,
    Globals.Option,
    Globals.Result,
    Globals.Disposable,
  ] = root.globals.uses(
    new Uint8Array(1),
    new Map([['a', 1]]),
    { tag: 'some', val: undefined },
    { tag: 'ok', val: 1 },
    Promise.resolve(1),
    stream,
  );
  const size: number = map.size;
  const done: boolean = promise.done;
  const wide: Uint16Array = u8;
  const later: number = await root.globals.later();
  const circle: Globals.ShapeCircle$ = { tag: 'circle', val: { radius: 1 } };
  const plain: Globals.ShapeCircle = { radius: 2 };
  const area: number = root.globals.area(circle) + root.globals.area({ tag: 'square', val: plain.radius });
  const thing = new root.globals.Thing();
  thing[Symbol.dispose]();
  void [made, found, size, done, wide, rs.open, ai.items, option.enabled, result.tag, disposable.ok, later, area];
}

export { main };
