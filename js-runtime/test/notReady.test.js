import { test } from 'node:test';
import assert from 'node:assert/strict';
import { notReady } from '../intrinsics/notReady.js';

test('notReady: calling, constructing or using an export before $init names $init', () => {
  const greet = notReady('greet');
  const expected = /^TypeError: greet: the component is not instantiated yet: `await \$init` first/;
  assert.throws(() => greet('x'), expected);
  assert.throws(() => new (notReady('Counter'))(), /Counter: .*await \$init/);
  assert.throws(() => notReady('api').sumStream, /api: .*await \$init/);
  assert.equal(greet.then, undefined);
});
