// Runs the golden-test components (tests/golden/glue/*/input.wat) through the
// native weft binary and calls their exports in Node.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const weft = process.env.WEFT_BIN ?? join(root, 'target/debug/weft');
// Every output directory of this file lives here, removed at the end.
const tmpRoot = mkdtempSync(join(tmpdir(), 'weft-glue-test-'));
after(() => rmSync(tmpRoot, { recursive: true, force: true }));

async function load(name, imports = {}, extra = []) {
  const out = mkdtempSync(join(tmpRoot, `${name}-`));
  execFileSync(weft, [
    'transpile',
    join(root, 'tests/golden/glue', name, 'input.wat'),
    '-o',
    out,
    '--name',
    name,
    '--instantiation',
    'async',
    '-q',
    ...extra,
  ]);
  const { instantiate } = await import(pathToFileURL(join(out, `${name}.js`)));
  return instantiate((f) => WebAssembly.compile(readFileSync(join(out, f))), imports);
}

test('scalars: ints, enums, 64-bit and floats', async () => {
  const e = await load('scalars');
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
});

test('strings and lists round-trip through memory', async () => {
  const e = await load('strings-lists');
  for (const s of ['', 'hello', 'héllo wörld', '日本語', '🎉 emoji', 'x'.repeat(100000)]) {
    assert.equal(e.echoString(s), s);
  }
  assert.equal(e.echoString('a\uD800b'), 'a\uFFFDb', 'lone surrogates become U+FFFD');
  const bytes = new Uint8Array(1 << 20).map((_, i) => i * 7);
  assert.deepEqual(e.echoBytes(bytes), bytes);
  assert.deepEqual(e.echoBytes([1, 2, 3]), new Uint8Array([1, 2, 3]));
  assert.deepEqual(e.echoBytes(new Uint8Array(0)), new Uint8Array(0));
  assert.deepEqual(e.echoNames(['a', 'bé', '', '🎉']), ['a', 'bé', '', '🎉']);
  assert.throws(() => e.echoString(5), TypeError);
  assert.throws(() => e.echoBytes([256]), RangeError);
  assert.throws(() => e.echoNames('ab'), TypeError);
});

test('variants join flat payloads; options and results', async () => {
  const e = await load('variants');
  assert.equal(e.which({ tag: 'f', val: 1.5 }), 0);
  assert.equal(e.which({ tag: 'u', val: 5n }), 1);
  assert.equal(e.which({ tag: 'none' }), 2);
  assert.equal(e.opt(undefined), 0);
  assert.equal(e.opt(3n), 1);
  assert.equal(e.res({ tag: 'ok', val: 1 }), 0);
  assert.equal(e.res({ tag: 'err', val: 1.5 }), 1);
  assert.throws(() => e.which({ tag: 'nope' }), TypeError);
  assert.throws(() => e.which(null), TypeError);
});

test('host imports: interface and root function, minified glue', async () => {
  for (const extra of [[], ['--minify']]) {
    let ticks = 0;
    const e = await load(
      'imports',
      {
        'test:demo/host': { log() {}, next: () => 41 + ticks },
        tick: () => {
          ticks++;
        },
      },
      extra,
    );
    assert.equal(e.run(), 42);
    assert.equal(ticks, 1);
  }
  await assert.rejects(load('imports', { tick() {} }), /missing import `test:demo\/host@0.1.0`/);
  await assert.rejects(
    load('imports', { 'test:demo/host': { log() {} }, tick() {} }),
    /next.*expected the host to provide a function/,
  );
});

test('resources: guest classes, host resources, handle tables', async () => {
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
  const e = await load('resources', { 'test:res/host': { Logger } });
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
  assert.equal(e.api.consume(d), 10, 'ownership moves into the guest');
  assert.equal(e.api.drops(), 2, 'the guest dropped it: destructor ran');
  assert.throws(() => d.get(), /already dropped or moved/);
  assert.throws(() => e.api.consume({}), TypeError);
  e.api.logWith(3);
  assert.deepEqual(logs, ['log:3', 'log:4']);
  assert.equal(disposed, 1, 'the guest dropping its own handle disposes the host object');
  assert.throws(() => new Counter(-1), RangeError);
});

test('resources: create/drop cycles leave handle tables flat', async () => {
  const e = await load('resources', {
    'test:res/host': {
      Logger: class {
        log() {}
      },
    },
  });
  const { Counter } = e.api;
  for (let i = 0; i < 100_000; i++) {
    const c = new Counter(i);
    assert.equal(e.api.lastHandle(), 1);
    c.inc();
    if (i % 2) c[Symbol.dispose]();
    else e.api.consume(c);
  }
  assert.equal(e.api.drops(), 100_000);
  new Counter(0);
  assert.equal(e.api.lastHandle(), 1, 'the table was drained: index 1 is reused');
  for (let i = 0; i < 1000; i++) e.api.logWith(i);
});

test('core modules imported from the host', async () => {
  // (module (func (export "f") (result i32) i32.const 42))
  const bytes = new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 127, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 6, 1, 4, 0, 65, 42, 11,
  ]);
  const e = await load('module-import', { m: new WebAssembly.Module(bytes) });
  assert.equal(e.f(), 42);
  await assert.rejects(load('module-import', { m: {} }), /expected a WebAssembly.Module/);
});

test('world-level resources are classes with their constructor and methods', async () => {
  const e = await load('world-resource');
  const s = new e.Session(42);
  assert.ok(s instanceof e.Session);
  assert.equal(s.value(), 42);
  s[Symbol.dispose]();
  assert.throws(() => s.value(), TypeError);
  assert.equal(e['[constructor]session'], undefined, 'resource functions are class members, not exports');
});

test('module shapes: plain ESM, --tla-compat, sync instantiate, base64-inlined modules', async () => {
  const esm = mkdtempSync(join(tmpRoot, 'esm-'));
  execFileSync(weft, ['transpile', join(root, 'tests/golden/glue/scalars/input.wat'), '-o', esm, '--name', 's', '-q']);
  const m1 = await import(pathToFileURL(join(esm, 's.js')));
  assert.equal(m1.add(1, 2), 3);

  const tla = mkdtempSync(join(tmpRoot, 'tla-'));
  execFileSync(weft, [
    'transpile',
    join(root, 'tests/golden/glue/scalars/input.wat'),
    '-o',
    tla,
    '--name',
    's',
    '-q',
    '--tla-compat',
  ]);
  const m2 = await import(pathToFileURL(join(tla, 's.js')));
  assert.throws(
    () => m2.add(2, 3),
    /add: the component is not instantiated yet: `await \$init` first/,
    'exports are bound once $init resolves; a call before names $init',
  );
  await m2.$init;
  assert.equal(m2.add(2, 3), 5);

  const sync = mkdtempSync(join(tmpRoot, 'sync-'));
  execFileSync(weft, [
    'transpile',
    join(root, 'tests/golden/glue/scalars/input.wat'),
    '-o',
    sync,
    '--name',
    's',
    '-q',
    '--instantiation',
    'sync',
    '--base64-cutoff',
    '100000',
  ]);
  const { instantiate } = await import(pathToFileURL(join(sync, 's.js')));
  const a = instantiate(() => {
    throw new Error('inlined modules need no getCoreModule');
  }, {});
  const b = instantiate(() => {
    throw new Error('inlined modules need no getCoreModule');
  }, {});
  assert.equal(a.add(3, 4), 7);
  assert.notEqual(a.add, b.add, 'each instantiate() is an independent instance');
});
