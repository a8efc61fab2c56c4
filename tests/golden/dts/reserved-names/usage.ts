// Reserved words as function, parameter, field, flag, case and method names.
import * as root from './expected/component.js';
import { keywords } from './expected/component.js';

root.delete(1);
root.void();
const c: string = keywords.delete(1n, 2n);
keywords.import('x', 1);
const rec: keywords.Record = keywords.new();
const copy: keywords.Record = { class: 'c', default: 1, type: 2, new: true, thisValue: -1 };
keywords.eval(['a']);
const res: keywords.Resource = keywords.typeof({ delete: true, in: false }, { tag: 'interface', val: 1 }, 'yield');
keywords.withDashes(1, 2, 3);
const made = new keywords.Resource(3);
made.delete();
const awaited: number = made.await(1);
const fresh: keywords.Resource = keywords.Resource.new('x');
keywords.Resource.static();
const e: keywords.Enum = 'await';
const v: keywords.Variant = { tag: 'enum' };

export { c, rec, copy, res, awaited, fresh, e, v };
