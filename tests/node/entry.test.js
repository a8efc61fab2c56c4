// The entry protocol of calls from the host (src/emit/entry.rs,
// src/emit/reentry.rs): a component whose core code cannot call the host
// (entry-light.wat) folds `poisoned` into its `may_enter` flag, and its calls
// that pass scalars flat only check that flag; a component with a host import
// (entry-reenter.wat) keeps the whole protocol for the export that reaches the
// import, and only checks for those that reach none (src/import_free.rs).
// Either way a trap poisons the instance and re-entering it while a call is in
// progress traps.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { instantiate, jcoSkip } from './harness.js';

const POISONED = /cannot enter component instance: it is poisoned/;
const REENTERED = /cannot enter component instance: it is already on the call stack/;
const isTrap = (re) => (e) => e instanceof WebAssembly.RuntimeError && re.test(e.message);
const light = () => instantiate('entry-light', {});

describe('a component that cannot call the host', () => {
  test('calls work, and bad JS input neither traps nor poisons', async () => {
    const e = await light();
    assert.equal(e.double(21), 42);
    assert.equal(e.count({ n: 1, s: 'héllo' }), 7);
    assert.throws(() => e.double('x'), TypeError);
    assert.throws(() => e.count({ n: 1, s: 2 }), TypeError);
    assert.equal(e.double(2), 4);
  });

  test('a trap in a call that only checks the flag poisons every export', async () => {
    const e = await light();
    assert.throws(
      () => e.fail(1),
      (x) => x instanceof WebAssembly.RuntimeError && !POISONED.test(x.message),
    );
    assert.throws(() => e.double(1), isTrap(POISONED));
    assert.throws(() => e.fail(0), isTrap(POISONED));
    assert.throws(() => e.count({ n: 1, s: '' }), isTrap(POISONED));
    assert.equal((await light()).double(1), 2, 'another instance is unaffected');
  });

  test('a trap in a call with the whole protocol poisons the flag-only calls too', async () => {
    const e = await light();
    assert.throws(() => e.count({ n: -1, s: 'x' }), WebAssembly.RuntimeError);
    assert.throws(() => e.double(1), isTrap(POISONED));
  });

  test('re-entering from a getter while a call lowers its record traps', async () => {
    const e = await light();
    let inner;
    const it = {
      n: 1,
      get s() {
        try {
          e.double(1);
        } catch (x) {
          inner = x;
        }
        return 'ab';
      },
    };
    assert.equal(e.count(it), 3, 'the outer call goes on');
    assert.ok(isTrap(REENTERED)(inner), String(inner));
    assert.equal(e.double(1), 2, 'a refused entry does not poison');
    // Uncaught, the trap leaves the outer call and poisons the instance.
    assert.throws(
      () =>
        e.count({
          n: 1,
          get s() {
            return String(e.double(1));
          },
        }),
      isTrap(REENTERED),
    );
    assert.throws(() => e.double(1), isTrap(POISONED));
  });

  test('while a call is entered, a flag-only call is refused (it does not run, so it cannot poison)', async () => {
    const e = await light();
    let inner;
    const it = {
      n: 1,
      get s() {
        try {
          e.fail(1);
        } catch (x) {
          inner = x;
        }
        return 'ab';
      },
    };
    assert.equal(e.count(it), 3);
    assert.ok(isTrap(REENTERED)(inner), String(inner));
    assert.equal(e.fail(0), 0, 'not poisoned');
  });

  test('JS run by a scalar argument before the call enters may call the instance', jcoSkip('weft only'), async () => {
    const e = await light();
    let inner;
    const x = {
      valueOf() {
        inner = e.double(2);
        return 1;
      },
    };
    assert.throws(() => e.double(x), TypeError, 'not an s32');
    assert.equal(inner, 4, 'the call made by valueOf ran');
    assert.equal(e.double(3), 6, 'nothing is poisoned');
  });
});

describe('a component whose core code calls the host', () => {
  test('the host answering works', async () => {
    const e = await instantiate('entry-reenter', { cb: (x) => x + 1 });
    assert.equal(e.callBack(4), 5);
    assert.equal(e.double(4), 8);
  });

  test('the host re-entering the instance from its import traps, and the trap poisons', async () => {
    let e,
      inner,
      calls = 0;
    e = await instantiate('entry-reenter', {
      cb: (x) => {
        calls++;
        try {
          return e.double(x);
        } catch (err) {
          inner = err;
          throw err;
        }
      },
    });
    assert.throws(
      () => e.callBack(1),
      (err) => err === inner,
    );
    assert.equal(calls, 1);
    assert.ok(isTrap(REENTERED)(inner), String(inner));
    assert.throws(() => e.double(1), isTrap(POISONED));
  });

  test('an export that reaches no import is refused inside a call that does, and its trap poisons', async () => {
    let e, inner;
    e = await instantiate('entry-reenter', {
      cb: (x) => {
        try {
          e.fail(0);
        } catch (err) {
          inner = err;
        }
        return x;
      },
    });
    assert.equal(e.callBack(3), 3);
    assert.ok(isTrap(REENTERED)(inner), String(inner));
    assert.equal(e.fail(0), 0, 'a refused entry does not poison');
    assert.throws(
      () => e.fail(1),
      (x) => x instanceof WebAssembly.RuntimeError && !POISONED.test(x.message),
    );
    assert.throws(() => e.callBack(1), isTrap(POISONED));
    assert.throws(() => e.double(1), isTrap(POISONED));
  });
});
