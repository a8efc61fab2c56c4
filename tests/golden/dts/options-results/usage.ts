// Nested options (tagged whenever the payload is an option) and results,
// thrown results (also through aliases), and helper types.
import { shapes, topThrows, topOption } from './expected/component.js';

const n: number = shapes.parse('1');
shapes.check();
shapes.validate('x');
const named: string = shapes.named() + shapes.aliased();
const nested: shapes.Result<number, string> = shapes.nested();
const looked: string | undefined = shapes.lookup('k');
const opts: shapes.Option<string | undefined> = shapes.options(
  undefined,
  { tag: 'some', val: undefined },
  { tag: 'none' },
  { tag: 'some', val: 3 },
);
shapes.options(1, { tag: 'none' }, { tag: 'some', val: { tag: 'none' } }, { tag: 'none' });
shapes.options(
  1,
  { tag: 'some', val: 2 },
  { tag: 'some', val: { tag: 'some', val: undefined } },
  { tag: 'some', val: undefined },
);
const [ok, maybe] = shapes.resultsIn({ tag: 'err', val: 'e' }, { tag: 'ok', val: undefined }, [
  { tag: 'ok', val: undefined },
  { tag: 'err', val: 1 },
]);
const okVal: shapes.Result<number, void> = ok;
const maybeVal: number | undefined = maybe;

const holder: shapes.Holder = {
  two: { tag: 'none' },
  three: { tag: 'some', val: { tag: 'some', val: 3 } },
  viaAlias2: { tag: 'some', val: undefined },
  res: { tag: 'ok', val: undefined },
  resOk: { tag: 'err', val: undefined },
  resErr: { tag: 'err', val: 'no' },
  resOpt: { tag: 'ok', val: undefined },
  listOpt: [{ tag: 'some', val: 'a' }, { tag: 'some', val: undefined }, { tag: 'none' }],
};
const full: shapes.Holder = { ...holder, one: 1, viaAlias: 2, optRes: { tag: 'ok', val: 1 } };
const info: shapes.ErrorInfo = { code: 404, message: 'missing' };
const fallible: shapes.Fallible = { tag: 'err', val: info };

const bytes: Uint8Array = topThrows();
const b: boolean | undefined = topOption({ tag: 'some', val: true });

export { n, named, nested, looked, opts, okVal, maybeVal, full, fallible, bytes, b };
