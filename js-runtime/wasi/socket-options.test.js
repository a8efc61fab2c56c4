import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineOptions, initialOptions } from './socket-options.js';

function even(v) {
  if (v % 2 !== 0) throw 'invalid-argument';
  return v;
}
const TABLE = [
  ['size', 'setSize', 4, even],
  ['getFlag', 'setFlag', false, Boolean],
];

class Socket {
  constructor() {
    this.options = initialOptions(TABLE);
  }
}
defineOptions(Socket, TABLE);

test('each option starts at its initial value; the setter keeps what the check returns or throws', () => {
  const a = new Socket();
  const b = new Socket();
  assert.equal(a.size(), 4);
  a.setSize(8);
  assert.equal(a.size(), 8);
  assert.throws(
    () => a.setSize(3),
    (e) => e === 'invalid-argument',
  );
  assert.equal(a.size(), 8);
  assert.equal(b.size(), 4, 'options are per socket');
  a.setFlag(1);
  assert.equal(a.getFlag(), true);
});

test('the accessors look like methods written in the class: named, not enumerable', () => {
  assert.equal(Socket.prototype.setSize.name, 'setSize');
  assert.equal(Socket.prototype.getFlag.name, 'getFlag');
  assert.deepEqual(Object.keys(Socket.prototype), []);
  assert.ok(Object.getOwnPropertyNames(Socket.prototype).includes('setFlag'));
});
