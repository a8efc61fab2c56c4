// In-page ports of tests/node/glue.test.js: the golden components
// (tests/golden/glue/*/input.wat, transpiled with --instantiation async into
// /out/glue-<name>/) called from a browser page.
import assert from '../assert.js';
import { load } from '../load.js';

const glue = (name, imports) => load(`glue-${name}`, name, imports);

export async function scalars() {
  const e = await glue('scalars');
  assert.equal(e.add(2, 3), 5);
  assert.equal(e.add(-(2 ** 31), -1), 2 ** 31 - 1);
  assert.deepEqual([-5, 0, 7].map(e.classify), ['neg', 'zero', 'pos']);
  assert.equal(e.wide(2n ** 64n - 1n, 1.5, 2.5), 2n ** 64n - 1n);
  assert.equal(e.wide(7, 0, 0), 7n, 'safe-integer numbers are accepted for u64');
  assert.throws(() => e.add(2 ** 31, 0), RangeError);
  assert.throws(() => e.add(1.5, 0), RangeError);
  assert.throws(() => e.add('1', 0), TypeError);
  assert.throws(() => e.wide(-1n, 0, 0), RangeError);
  assert.throws(() => e.wide(2n ** 64n, 0, 0), RangeError);
  assert.throws(() => e.wide(1n, '0', 0), TypeError);
}

export async function stringsLists() {
  const e = await glue('strings-lists');
  for (const s of ['', 'hello', 'héllo wörld', '日本語', '🎉 emoji', 'x'.repeat(100000)]) {
    assert.equal(e.echoString(s), s);
  }
  assert.equal(e.echoString('a\uD800b'), 'a\uFFFDb', 'lone surrogates become U+FFFD');
  assert.equal(e.echoString('\uFEFFbom'), '\uFEFFbom', 'a leading BOM is kept');
  assert.equal(e.echoString('\x80\x9f'), '\x80\x9f', 'C1 controls are not windows-1252');
  assert.equal(e.echoString('\uDC00🎉\uD83C'), '\uFFFD🎉\uFFFD', 'lone surrogates at the edges');
  const bytes = new Uint8Array(1 << 20).map((_, i) => i * 7);
  assert.deepEqual(e.echoBytes(bytes), bytes);
  assert.deepEqual(e.echoBytes([1, 2, 3]), new Uint8Array([1, 2, 3]));
  assert.deepEqual(e.echoBytes(new Uint8Array(0)), new Uint8Array(0));
  assert.deepEqual(e.echoNames(['a', 'bé', '', '🎉']), ['a', 'bé', '', '🎉']);
  assert.throws(() => e.echoString(5), TypeError);
  assert.throws(() => e.echoBytes([256]), RangeError);
  assert.throws(() => e.echoNames('ab'), TypeError);
}

export async function variants() {
  const e = await glue('variants');
  assert.equal(e.which({ tag: 'f', val: 1.5 }), 0);
  assert.equal(e.which({ tag: 'u', val: 5n }), 1);
  assert.equal(e.which({ tag: 'none' }), 2);
  assert.equal(e.opt(undefined), 0);
  assert.equal(e.opt(3n), 1);
  assert.equal(e.res({ tag: 'ok', val: 1 }), 0);
  assert.equal(e.res({ tag: 'err', val: 1.5 }), 1);
  assert.throws(() => e.which({ tag: 'nope' }), TypeError);
  assert.throws(() => e.which(null), TypeError);
}

export async function imports() {
  let ticks = 0;
  const e = await glue('imports', {
    'test:demo/host': { log() {}, next: () => 41 + ticks },
    tick: () => {
      ticks++;
    },
  });
  assert.equal(e.run(), 42);
  assert.equal(ticks, 1);
  await assert.rejects(glue('imports', { tick() {} }), /missing import `test:demo\/host@0.1.0`/);
}

export async function resources() {
  const logs = [];
  let disposed = 0;
  class Logger {
    constructor(prefix) {
      this.prefix = prefix;
    }
    log(n) {
      logs.push(`${this.prefix}${n}`);
    }
    [Symbol.dispose]() {
      disposed++;
    }
  }
  const e = await glue('resources', { 'test:res/host': { Logger } });
  const { Counter } = e.api;
  const c = new Counter(5);
  assert.ok(c instanceof Counter);
  c.inc();
  c.inc();
  assert.equal(c.get(), 7);
  const d = new Counter(10);
  assert.equal(Counter.sum(c, d), 17);
  assert.equal(e.api.drops(), 0);
  c[Symbol.dispose]();
  assert.equal(e.api.drops(), 1, 'dispose runs the destructor');
  c[Symbol.dispose]();
  assert.equal(e.api.drops(), 1, 'dispose is idempotent');
  assert.throws(() => c.get(), /already dropped/);
  {
    using scoped = new Counter(1);
    scoped.inc();
  }
  assert.equal(e.api.drops(), 2, '`using` disposes at the end of the block');
  assert.equal(e.api.consume(d), 10, 'ownership moves into the guest');
  assert.equal(e.api.drops(), 3, 'the guest dropped it: destructor ran');
  assert.throws(() => d.get(), /already dropped or moved/);
  assert.throws(() => e.api.consume({}), TypeError);
  e.api.logWith(3);
  assert.deepEqual(logs, ['log:3', 'log:4']);
  assert.equal(disposed, 1, 'the guest dropping its own handle disposes the host object');
  assert.throws(() => new Counter(-1), RangeError);
}

export async function moduleImport() {
  // (module (func (export "f") (result i32) i32.const 42))
  const bytes = new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 127, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 6, 1, 4, 0, 65, 42, 11,
  ]);
  const e = await glue('module-import', { m: await WebAssembly.compile(bytes) });
  assert.equal(e.f(), 42);
  await assert.rejects(glue('module-import', { m: {} }), /expected a WebAssembly.Module/);
}
