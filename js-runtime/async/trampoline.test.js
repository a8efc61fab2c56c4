// The JSPI entry trampoline: a generated wasm module per signature that
// reports a core function's result synchronously when it did not suspend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trampolineModule, promisingEntry, suspendingImport } from './trampoline.js';
import { Store, HAS_JSPI } from './scheduler.js';
import { world, enter } from './testkit.js';

// (func (export "add") (param i32 i64) (result i64)) calls import "wait" when
// its first argument is negative; (func (export "nothing") (param f32 f64)).
const CORE =
  'AGFzbQEAAAABEQNgAX8Bf2ACf34BfmACfXwAAgkBAAR3YWl0AAADAwIBAgcRAgNhZGQAAQdub3RoaW5nAAIKGgIVACAAQQBIBEAgABAAGgsgAKwgAXwLAgALAA4EbmFtZQEHAQAEd2FpdA==';
const core = (wait) =>
  new WebAssembly.Instance(new WebAssembly.Module(Uint8Array.from(atob(CORE), (c) => c.charCodeAt(0))), {
    '': { wait },
  }).exports;

test('trampolineModule: g(id, ...args) calls f and reports (id, result) before returning', () => {
  const { add, nothing } = core(() => 0);
  const reports = [];
  const g = new WebAssembly.Instance(trampolineModule('iI', 'I'), { '': { f: add, r: (...a) => reports.push(a) } })
    .exports.g;
  assert.equal(g(7, 2, 40n), undefined);
  assert.deepEqual(reports, [[7, 42n]]);
  const g2 = new WebAssembly.Instance(trampolineModule('fd', ''), { '': { f: nothing, r: (...a) => reports.push(a) } })
    .exports.g;
  g2(9, 1.5, 2.5);
  assert.deepEqual(reports.at(-1), [9]);
  assert.equal(trampolineModule('iI', 'I'), trampolineModule('iI', 'I'), 'one module per signature');
});

test('promisingEntry without JSPI is the function itself', () => {
  const store = new Store();
  const { add } = core(() => 0);
  assert.equal(promisingEntry(store, add, 'iI', 'I'), add);
});

test('promisingEntry with JSPI: the result itself when the call did not suspend, a Promise when it did', {
  skip: !HAS_JSPI && 'needs JSPI (run with node --experimental-wasm-jspi on Node 24)',
}, async () => {
  const store = new Store();
  store.jspi = true;
  let resume;
  const wait = new WebAssembly.Suspending(
    () =>
      new Promise((r) => {
        resume = r;
      }),
  );
  const { add } = core(wait);
  const entry = promisingEntry(store, add, 'iI', 'I');
  assert.equal(entry(1, 2n), 3n, 'no suspension: synchronous result');
  const p = entry(-1, 10n);
  assert.ok(p instanceof Promise, 'suspended: a Promise');
  assert.equal(entry(2, 2n), 4n, 'other calls still complete synchronously meanwhile');
  resume(0);
  assert.equal(await p, 9n);
});

test('suspendingImport with JSPI: returns at once when ready, suspends only for a Promise, and resumes as its thread', {
  skip: !HAS_JSPI && 'needs JSPI (run with node --experimental-wasm-jspi on Node 24)',
}, async () => {
  const { store, inst } = world();
  store.jspi = true;
  const t = enter(inst);
  let resume;
  let seen = null;
  // the "built-in": ready (a number) for x >= -1, else a Promise
  const builtin = (x) => {
    seen = store.cur;
    return x >= -1
      ? 100
      : new Promise((r) => {
          resume = r;
        });
  };
  const wait = suspendingImport(store, builtin, 'i', 'i');
  const { add } = core(wait);
  const entry = promisingEntry(store, add, 'iI', 'I');
  store.cur = t;
  assert.equal(entry(-1, 1n), 0n, 'the import was ready: no suspension, a synchronous result');
  assert.equal(seen, t);
  const p = entry(-5, 10n);
  assert.ok(p instanceof Promise, 'the import returned a Promise: the stack suspended');
  store.cur = null; // something else runs meanwhile
  resume(0);
  assert.equal(await p, 5n);
  assert.equal(store.turn, null, 'the turn ended with the entry');
});
