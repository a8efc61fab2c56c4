// `weft bench`'s native floor for async exports (src/cli/bench_driver.mjs,
// `nativeAsyncCall`) on hand-made core modules and specs: lifting what
// task.return receives when that reads memory (strings, lists, records of
// them, a spilled result), at once. A component gives such a task.return to
// the instance whose memory it names only through wit-component's shim table
// (tests/cli_bench.rs covers one string that way); these cover the rest.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import binaryen from 'binaryen';

import { nativeAsyncCall } from '../../src/cli/bench_driver.mjs';

/** A core module from its text (binaryen, a dev dependency: no tool on PATH needed). */
function compile(wat) {
  const m = binaryen.parseText(wat);
  try {
    return new WebAssembly.Module(m.emitBinary());
  } finally {
    m.dispose();
  }
}

// WIT types with their ABI layout, as spec.rs writes them.
const U8 = { k: 'u8', size: 1, align: 1, flat: ['i32'] };
const U32 = { k: 'u32', size: 4, align: 4, flat: ['i32'] };
const STRING = { k: 'string', size: 8, align: 4, flat: ['i32', 'i32'] };
const BYTES = { k: 'list', t: U8, size: 8, align: 4, flat: ['i32', 'i32'] };
const tuple = (ts) => {
  let off = 0;
  const fields = ts.map((t) => {
    off = Math.ceil(off / t.align) * t.align;
    const f = { t, off };
    off += t.size;
    return f;
  });
  return { k: 'tuple', fields, size: off, align: 4, flat: ts.flatMap((t) => t.flat) };
};

/** A function of no parameters whose core export `f` of `wat` passes `result` to task.return `ret`. */
function asyncFn(wat, result, imports = []) {
  const spilled = result.flat.length > 16;
  return {
    fn: {
      name: 'f',
      kind: 'func',
      async: true,
      params: [],
      result,
      native: {
        async: true,
        instance: 0,
        core: { instance: 0, name: 'f' },
        memory: { instance: 0, name: 'mem' },
        realloc: null,
        spillParams: false,
        paramsTuple: tuple([]),
        taskReturn: { spilled, flat: spilled ? ['i32'] : result.flat },
        imports: [{ module: '', field: 'ret', kind: 'task-return', fits: true }, ...imports],
      },
    },
    hooks: { modules: [compile(wat)] },
  };
}

test('strings, lists and a record of them, from several flat values', async () => {
  const record = {
    k: 'record',
    size: 20,
    align: 4,
    flat: ['i32', 'i32', 'i32', 'i32', 'i32'],
    fields: [
      { js: 'name', t: STRING, off: 0 },
      { js: 'bytes', t: BYTES, off: 8 },
      { js: 'n', t: U32, off: 16 },
    ],
  };
  const { fn, hooks } = asyncFn(
    `(module
    (import "" "ret" (func $ret (param i32 i32 i32 i32 i32)))
    (memory (export "mem") 1)
    (data (i32.const 16) "h\\c3\\a9llo")
    (data (i32.const 32) "\\01\\02\\03")
    (func (export "f") (result i32)
      (call $ret (i32.const 16) (i32.const 6) (i32.const 32) (i32.const 3) (i32.const -1))
      (i32.const 0)))`,
    record,
  );
  const { call } = await nativeAsyncCall(fn, hooks);
  const got = call();
  assert.equal(got.name, 'héllo');
  assert.deepEqual(Array.from(got.bytes), [1, 2, 3]);
  assert.ok(got.bytes instanceof Uint8Array);
  assert.equal(got.n, 0xffffffff);
  // The stand-in keeps the latest call's values: a second call lifts them again.
  assert.deepEqual(call(), got);
});

test('task.return lifts at once: the guest may reuse the memory before it returns EXIT', async () => {
  const { fn, hooks } = asyncFn(
    `(module
    (import "" "ret" (func $ret (param i32 i32)))
    (memory (export "mem") 1)
    (data (i32.const 16) "hi")
    (func (export "f") (result i32)
      (call $ret (i32.const 16) (i32.const 2))
      (i32.store8 (i32.const 16) (i32.const 88))
      (i32.const 0)))`,
    STRING,
  );
  const { call } = await nativeAsyncCall(fn, hooks);
  assert.equal(call(), 'hi');
});

test('a result of more than 16 flat values arrives as one pointer', async () => {
  const t = tuple(Array.from({ length: 17 }, () => U32));
  const { fn, hooks } = asyncFn(
    `(module
    (import "" "ret" (func $ret (param i32)))
    (memory (export "mem") 1)
    (func (export "f") (result i32)
      (local $i i32)
      (loop $l
        (i32.store (i32.add (i32.const 64) (i32.shl (local.get $i) (i32.const 2))) (local.get $i))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 17))))
      (call $ret (i32.const 64))
      (i32.const 0)))`,
    t,
  );
  assert.equal(fn.native.taskReturn.spilled, true);
  const { call } = await nativeAsyncCall(fn, hooks);
  assert.deepEqual(
    call(),
    Array.from({ length: 17 }, (_, i) => i),
  );
});

test('EXIT without task.return is an error; a task.return of another type has no stand-in', async () => {
  const { fn, hooks } = asyncFn(
    `(module
    (import "" "ret" (func $ret (param i32)))
    (import "" "other-ret" (func $other (param i32)))
    (memory (export "mem") 1)
    (global $k (mut i32) (i32.const 0))
    (func (export "f") (result i32)
      (global.set $k (i32.add (global.get $k) (i32.const 1)))
      (if (i32.eq (global.get $k) (i32.const 2)) (then (call $other (i32.const 1))))
      (i32.const 0)))`,
    U32,
    [{ module: '', field: 'other-ret', kind: 'task-return', fits: false }],
  );
  const { call } = await nativeAsyncCall(fn, hooks);
  assert.throws(call, /returned EXIT without calling task.return/);
  assert.throws(call, /"other-ret" of module "" \(a task.return of another type\), which has no stand-in/);
});
