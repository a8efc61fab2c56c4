// jco's value-style flags (issue 14): --flags-as-bigint,
// --use-namespace-objects, --enum-values-screaming-snake-case. The values
// fixture's glue is loaded the way jco's documentation tells users to: plain
// ESM, the imported interface mapped to a host module that exports its
// functions, the exports imported by name. Runs against jco too:
// WEFT_IMPL=jco node --test tests/node/jco-value-style.test.js
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { typecheck } from './support/tsc.js';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { REPO, instantiate, jcoSkip, tmp, transpile } from './harness.js';
import { collectSink, createWasi, runCommand } from '../../js-runtime/wasi/index.js';

// The host of `test:values/host`: every function echoes its argument and
// records it (globalThis.hostSeen), as a user's host module would.
function hostModule() {
  const wit = readFileSync(join(REPO, 'fixtures/wit/values.wit'), 'utf8');
  const block = wit.slice(wit.indexOf('interface host {'), wit.indexOf('world values'));
  const camel = (n) => n.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
  const special = {
    ping: 'export function ping() {}',
    log: 'export function log() {}',
    manyParams: 'export function manyParams(...a) { return a; }',
    multiReturn: "export function multiReturn() { return [true, 1n, 's', 1.5, new Uint16Array([1])]; }",
    genBytes: 'export function genBytes(n) { return new Uint8Array(n); }',
  };
  const lines = ['globalThis.hostSeen = [];'];
  for (const [, name] of block.matchAll(/^\s*([a-z0-9-]+): func/gm)) {
    const f = camel(name);
    lines.push(special[f] ?? `export function ${f}(v) { globalThis.hostSeen.push(v); return v; }`);
  }
  const path = join(tmp('value-style-host'), 'host.js');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return pathToFileURL(path).href;
}
const HOST = hostModule();

async function load(...flags) {
  const js = transpile('values', { map: { 'test:values/host': HOST }, typescript: true, args: flags });
  return { js, m: await import(pathToFileURL(js).href) };
}

test('--flags-as-bigint: flags are one bigint both ways; each flags type has its bits', async () => {
  const { m } = await load('--flags-as-bigint');
  const { Perms, Flags32 } = m.exports;
  assert.equal(Perms.Read, 1n);
  assert.equal(Perms.SetUid, 8n);
  assert.equal(Flags32.F31, 2n ** 31n);
  assert.ok(Object.isFrozen(Perms));
  assert.equal(m.exports.roundtripPerms(Perms.Read | Perms.Exec), 5n);
  assert.equal(m.exports.permsBits(Perms.SetUid), 8);
  assert.equal(m.exports.flags32FromBits(0xffffffff), 2n ** 32n - 1n);
  assert.equal(m.exports.flags32Bits(Flags32.F31 | Flags32.F0), 0x80000001);
  assert.equal(m.exports.roundtripFlags32(0n), 0n);
  globalThis.hostSeen.length = 0;
  assert.equal(m.callHostPerms(Perms.Write), 2n);
  assert.deepEqual(globalThis.hostSeen, [2n]);
  const bag = m.exports.roundtripBag({
    itemId: 1n,
    displayName: 'b',
    tags: [],
    shape: { tag: 'no-shape' },
    color: 'green',
    perms: 6n,
    rawBytes: new Uint8Array(),
  });
  assert.equal(bag.perms, 6n);
  // Neither an object of booleans nor a bit beyond the last flag.
  assert.throws(() => m.exports.roundtripPerms({ read: true }), TypeError);
  assert.throws(() => m.exports.roundtripPerms(16n));
  assert.throws(() => m.exports.roundtripPerms(-1n));
  // Enums and variants keep their shape and have no namespace object.
  assert.equal(m.exports.Color, undefined);
  assert.equal(m.exports.roundtripColor('dark-blue'), 'dark-blue');
});

test('--enum-values-screaming-snake-case: enum values are SCREAMING_SNAKE_CASE both ways', async () => {
  const { m } = await load('--enum-values-screaming-snake-case');
  assert.equal(m.exports.roundtripColor('DARK_BLUE'), 'DARK_BLUE');
  assert.equal(m.exports.colorIndex('GREEN'), 1);
  globalThis.hostSeen.length = 0;
  assert.equal(m.callHostColor('RED'), 'RED');
  assert.deepEqual(globalThis.hostSeen, ['RED']);
  assert.throws(() => m.exports.roundtripColor('dark-blue'));
  // Flags stay objects.
  assert.deepEqual(m.exports.roundtripPerms({ read: true }), { read: true, write: false, exec: false, setUid: false });
});

test('--use-namespace-objects: frozen namespace objects for flags, enums and variants', async () => {
  const { m } = await load('--use-namespace-objects');
  const { Color, Perms, Shape, SmallNum } = m.exports;
  for (const ns of [Color, Perms, Shape, SmallNum]) assert.ok(Object.isFrozen(ns));
  assert.deepEqual({ ...Color }, { Red: 'red', Green: 'green', DarkBlue: 'dark-blue' });
  assert.equal(m.exports.roundtripColor(Color.DarkBlue), 'dark-blue');
  assert.deepEqual(Shape.Circle(1.5), { tag: 'circle', val: 1.5 });
  assert.deepEqual(Shape.NoShape(), { tag: 'no-shape' });
  assert.ok(!('val' in Shape.NoShape()));
  assert.deepEqual(m.exports.roundtripShape(Shape.Pair([7, -2n])), { tag: 'pair', val: [7, -2n] });
  assert.equal(m.exports.describeShape(Shape.Named('x')), m.exports.describeShape({ tag: 'named', val: 'x' }));
  assert.deepEqual(m.exports.roundtripSmallNum(SmallNum.Nothing()), { tag: 'nothing' });
  // Flags are bigints (implied --flags-as-bigint).
  assert.equal(m.exports.roundtripPerms(Perms.Read | Perms.Write), 3n);
  assert.equal(m.callHostShape(Shape.Big(2n ** 64n - 1n)).val, 2n ** 64n - 1n);
});

test('--use-namespace-objects --enum-values-screaming-snake-case: the enum object holds the new spelling', async () => {
  const { m } = await load('--use-namespace-objects', '--enum-values-screaming-snake-case');
  assert.equal(m.exports.Color.DarkBlue, 'DARK_BLUE');
  assert.equal(m.exports.roundtripColor(m.exports.Color.Green), 'GREEN');
});

test(
  "--use-namespace-objects: the world's own types have theirs at the root, as its .d.ts declares",
  jcoSkip('jco declares them but does not export them'),
  async () => {
    const { m } = await load('--use-namespace-objects');
    assert.equal(m.Color, m.exports.Color);
    assert.equal(m.Perms.Exec, 4n);
    assert.deepEqual(m.Shape.Circle(2), { tag: 'circle', val: 2 });
  },
);

// tsc --strict over the generated .d.ts and a usage file written the way
// the declarations tell a TypeScript user to write it.
const USAGE = `import { exports, callHostColor } from './values.js';
const { Color, Perms, Shape } = exports;
const p: bigint = exports.roundtripPerms(Perms.Read | Perms.Exec);
const c: 'RED' | 'GREEN' | 'DARK_BLUE' = exports.roundtripColor(Color.DarkBlue);
const s: exports.Shape = Shape.Circle(1.5);
const n: { tag: 'no-shape' } = Shape.NoShape();
const r: 'RED' | 'GREEN' | 'DARK_BLUE' = callHostColor('GREEN');
// @ts-expect-error: flags are bigints
exports.roundtripPerms({ read: true });
// @ts-expect-error: enum values are SCREAMING_SNAKE_CASE
exports.roundtripColor('dark-blue');
export { p, c, s, n, r };
`;

test('the .d.ts of all three flags type-checks with tsc --strict', () => {
  const js = transpile('values', {
    map: { 'test:values/host': HOST },
    typescript: true,
    args: ['--use-namespace-objects', '--enum-values-screaming-snake-case'],
  });
  const dir = dirname(js);
  writeFileSync(join(dir, 'usage.ts'), USAGE);
  const { status, output } = typecheck([join(dir, 'usage.ts')], { cwd: dir, dom: true });
  assert.equal(status, 0, output);
});

// WASI's own flags and enums (descriptor flags, error codes) keep their
// style, so the WASI host (weft's, or jco's preview2-shim) still serves
// them; jco 1.35 restyles them too and its shim then fails.
test(
  "a WASI program runs on the WASI host under all three flags; WASI's .d.ts keeps its types",
  jcoSkip("jco restyles WASI's types"),
  async () => {
    const ALL = ['--use-namespace-objects', '--flags-as-bigint', '--enum-values-screaming-snake-case'];
    const run = async (args) => {
      const data = tmp('value-style-wasi');
      writeFileSync(join(data, 'input.txt'), 'input data here\n');
      mkdirSync(join(data, 'x'));
      const stdout = collectSink();
      const wasi = createWasi({ stdout, stderr: null, preopens: { '/data': data }, args: ['wasi-files'] });
      const code = runCommand(await instantiate('wasi-files', wasi, { args, typescript: true }));
      rmSync(data, { recursive: true, force: true });
      return { code, stdout: stdout.text() };
    };
    const plain = await run([]);
    assert.equal(plain.code, 0);
    assert.deepEqual(await run(ALL), plain);
    const types = (args) =>
      readFileSync(
        join(
          dirname(transpile('wasi-files', { instantiation: 'async', typescript: true, args })),
          'interfaces/wasi-filesystem-types.d.ts',
        ),
        'utf8',
      );
    assert.equal(types(ALL), types([]));
  },
);
