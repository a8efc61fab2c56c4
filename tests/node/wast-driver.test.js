// Tests for the value conversion and comparison of `weft wast`'s Node driver
// (src/cli/wast_driver.mjs), and for running a small script end to end
// against a hand-written glue module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { toJs, compare, show, camelCase, lookup, runScript } from '../../src/cli/wast_driver.mjs';

const n = (x) => ['n', String(x)];

test('toJs builds jco-convention values', () => {
  assert.equal(toJs(['u']), undefined);
  assert.equal(toJs(['b', true]), true);
  assert.equal(toJs(n(42)), 42);
  assert.ok(Object.is(toJs(['n', '-0e0']), -0));
  assert.ok(Number.isNaN(toJs(['n', 'NaN'])));
  assert.equal(toJs(['n', '-Infinity']), -Infinity);
  assert.equal(toJs(['big', '18446744073709551615']), 18446744073709551615n);
  assert.equal(toJs(['s', 'x']), 'x');
  assert.deepEqual(toJs(['a', [n(1), ['s', 'a']]]), [1, 'a']);
  assert.deepEqual(
    toJs([
      'o',
      [
        ['tag', ['s', 'some']],
        ['val', n(3)],
      ],
    ]),
    { tag: 'some', val: 3 },
  );
});

test('toJs builds typed arrays of the described kind', () => {
  const u8 = toJs(['ta', 'Uint8Array', ['1', '255']]);
  assert.ok(u8 instanceof Uint8Array);
  assert.deepEqual([...u8], [1, 255]);
  const big = toJs(['ta', 'BigInt64Array', ['-1', '5']]);
  assert.ok(big instanceof BigInt64Array);
  assert.deepEqual([...big], [-1n, 5n]);
  const f32 = toJs(['ta', 'Float32Array', ['1.5e0', 'NaN']]);
  assert.equal(f32[0], 1.5);
  assert.ok(Number.isNaN(f32[1]));
  assert.ok(toJs(['ta', 'Float64Array', []]) instanceof Float64Array);
  assert.throws(() => toJs(['ta', 'Array', []]));
  assert.throws(() => toJs(['nope']));
});

test('compare accepts equal values', () => {
  assert.equal(compare(undefined, ['u']), null);
  assert.equal(compare(3, n(3)), null);
  assert.equal(compare(NaN, ['n', 'NaN']), null);
  assert.equal(compare(-0, ['n', '-0e0']), null);
  assert.equal(compare(5n, ['big', '5']), null);
  assert.equal(compare('é', ['s', 'é']), null);
  assert.equal(compare([1, [2]], ['a', [n(1), ['a', [n(2)]]]]), null);
  assert.equal(compare(new Uint8Array([1, 2]), ['ta', 'Uint8Array', ['1', '2']]), null);
  assert.equal(compare(new Float64Array([NaN]), ['ta', 'Float64Array', ['NaN']]), null);
  assert.equal(compare({ a: 1, b: undefined }, ['o', [['a', n(1)]]]), null);
  // A variant case without payload: `val` may be absent or undefined.
  assert.equal(
    compare({ tag: 'x' }, [
      'o',
      [
        ['tag', ['s', 'x']],
        ['val', ['u']],
      ],
    ]),
    null,
  );
  assert.equal(compare({ tag: 'x', val: undefined }, ['o', [['tag', ['s', 'x']]]]), null);
});

test('compare reports the first difference with its path', () => {
  assert.equal(compare(0, ['n', '-0e0']), 'result: expected -0, got 0');
  assert.equal(compare(1, ['big', '1']), 'result: expected 1n, got 1');
  assert.equal(compare(1n, n(1)), 'result: expected 1, got 1n');
  assert.equal(compare('1', n(1)), 'result: expected 1, got "1"');
  assert.equal(compare(null, ['u']), 'result: expected undefined, got null');
  assert.equal(compare([1, 2], ['ta', 'Uint8Array', ['1', '2']]), 'result: expected Uint8Array [1, 2], got [1, 2]');
  assert.equal(compare(new Uint8Array([1, 3]), ['ta', 'Uint8Array', ['1', '2']]), 'result[1]: expected 2, got 3');
  assert.equal(
    compare(new Int8Array([1]), ['ta', 'Uint8Array', ['1']]),
    'result: expected Uint8Array [1], got Int8Array [1]',
  );
  assert.equal(compare(new Uint8Array([1]), ['a', [n(1)]]), 'result: expected [1], got Uint8Array [1]');
  assert.equal(compare([1], ['a', [n(1), n(2)]]), 'result: expected 2 elements, got 1: [1]');
  assert.equal(
    compare({ tag: 'ok', val: { aB: [1, 5] } }, [
      'o',
      [
        ['tag', ['s', 'ok']],
        ['val', ['o', [['aB', ['a', [n(1), n(2)]]]]]],
      ],
    ]),
    'result.val.aB[1]: expected 2, got 5',
  );
  assert.equal(compare({ a: 1, extra: 2 }, ['o', [['a', n(1)]]]), 'result: unexpected property extra = 2');
  assert.equal(compare([1], ['o', []]), 'result: expected {}, got [1]');
  assert.equal(compare(null, ['o', []]), 'result: expected {}, got null');
});

test('maps are JS Maps compared entry by entry, in order', () => {
  const desc = [
    'map',
    [
      [['s', 'a'], n(1)],
      [['s', 'b'], n(2)],
    ],
  ];
  const m = toJs(desc);
  assert.ok(m instanceof Map);
  assert.deepEqual(
    [...m],
    [
      ['a', 1],
      ['b', 2],
    ],
  );
  assert.equal(
    compare(
      new Map([
        ['a', 1],
        ['b', 2],
      ]),
      desc,
    ),
    null,
  );
  assert.equal(
    compare(
      new Map([
        ['a', 1],
        ['b', 3],
      ]),
      desc,
    ),
    'result.get("b"): expected 2, got 3',
  );
  assert.equal(
    compare(
      new Map([
        ['b', 2],
        ['a', 1],
      ]),
      desc,
    ),
    'result.keys[0]: expected "a", got "b"',
  );
  assert.equal(compare({ a: 1, b: 2 }, desc), 'result: expected Map {"a" => 1, "b" => 2}, got {a: 1, b: 2}');
  assert.equal(compare(new Map(), ['o', []]), 'result: expected {}, got Map {}');
});

test('show and camelCase', () => {
  assert.equal(show(-0), '-0');
  assert.equal(show(2n), '2n');
  assert.equal(show({ a: [1, 'x'] }), '{a: [1, "x"]}');
  assert.equal(show(new Float32Array([0.5])), 'Float32Array [0.5]');
  assert.equal(camelCase('i-to-b'), 'iToB');
  assert.equal(camelCase('HTTP-client'), 'httpClient');
  assert.equal(camelCase('run'), 'run');
});

test('lookup prefers the exact export name, then camelCase', () => {
  const f = () => 1;
  const g = () => 2;
  assert.equal(lookup({ 'i-to-b': f, iToB: g }, 'i-to-b'), f);
  assert.equal(lookup({ iToB: g }, 'i-to-b'), g);
  assert.equal(lookup({}, 'x'), undefined);
});

test('runScript drives instantiate, invoke, traps and top-level results', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wast-driver-test-'));
  try {
    // A fake glue module: one core module with an `unreachable` export.
    const trapWasm = new Uint8Array([
      0,
      97,
      115,
      109,
      1,
      0,
      0,
      0, // header
      1,
      4,
      1,
      96,
      0,
      0, // type section: () -> ()
      3,
      2,
      1,
      0, // function section
      7,
      8,
      1,
      4,
      116,
      114,
      97,
      112,
      0,
      0, // export "trap"
      10,
      5,
      1,
      3,
      0,
      0,
      11, // code: unreachable
    ]);
    writeFileSync(join(dir, 'g.core.wasm'), trapWasm);
    writeFileSync(
      join(dir, 'g.js'),
      `
      export function instantiate(getCoreModule, imports) {
        const inst = new WebAssembly.Instance(getCoreModule('g.core.wasm'), {});
        let count = 0;
        return {
          add: (a, b) => a + b,
          'get-list': () => new Uint8Array([1, 2]),
          trap: () => inst.exports.trap(),
          count: () => ++count,
          fallible: (x) => {
            if (x) return x;
            const e = new Error('err'); e.payload = 'bad'; throw e;
          },
          throwsType: () => { throw new TypeError('nope'); },
        };
      }`,
    );
    writeFileSync(
      join(dir, 'bad.js'),
      `
      export function instantiate(getCoreModule) {
        new WebAssembly.Instance(getCoreModule('g.core.wasm'), {}).exports.trap();
      }`,
    );
    const ok = (id) => ({ kind: 'return', value: ['u'], topResult: false, id });
    const script = {
      components: {
        c0: { js: join(dir, 'g.js'), dir },
        c1: { js: join(dir, 'bad.js'), dir },
        c2: { error: 'unsupported: thing' },
      },
      steps: [
        { id: 0, op: 'instantiate', component: 'c0', instance: '$a', expectTrap: null },
        {
          id: 1,
          op: 'invoke',
          instance: null,
          name: 'add',
          args: [n(1), n(2)],
          expect: { kind: 'return', value: n(3), topResult: false },
        },
        {
          id: 2,
          op: 'invoke',
          instance: '$a',
          name: 'get-list',
          args: [],
          expect: { kind: 'return', value: ['ta', 'Uint8Array', ['1', '2']], topResult: false },
        },
        {
          id: 3,
          op: 'invoke',
          instance: null,
          name: 'trap',
          args: [],
          expect: { kind: 'trap', message: 'wasm trap: unreachable' },
        },
        {
          id: 4,
          op: 'invoke',
          instance: null,
          name: 'add',
          args: [n(1), n(1)],
          expect: { kind: 'return', value: n(3), topResult: false },
        },
        {
          id: 5,
          op: 'invoke',
          instance: null,
          name: 'fallible',
          args: [n(0)],
          expect: {
            kind: 'return',
            value: [
              'o',
              [
                ['tag', ['s', 'err']],
                ['val', ['s', 'bad']],
              ],
            ],
            topResult: true,
          },
        },
        {
          id: 6,
          op: 'invoke',
          instance: null,
          name: 'fallible',
          args: [n(7)],
          expect: {
            kind: 'return',
            value: [
              'o',
              [
                ['tag', ['s', 'ok']],
                ['val', n(7)],
              ],
            ],
            topResult: true,
          },
        },
        { id: 7, op: 'invoke', instance: null, name: 'throws-type', args: [], expect: { kind: 'trap', message: 'x' } },
        { id: 8, op: 'invoke', instance: null, name: 'missing', args: [], expect: ok() },
        { id: 9, op: 'instantiate', component: 'c0', instance: null, expectTrap: null },
        {
          id: 10,
          op: 'invoke',
          instance: null,
          name: 'count',
          args: [],
          expect: { kind: 'return', value: n(1), topResult: false },
        },
        {
          id: 11,
          op: 'invoke',
          instance: '$a',
          name: 'count',
          args: [],
          expect: { kind: 'return', value: n(1), topResult: false },
        },
        { id: 12, op: 'instantiate', component: 'c1', instance: null, expectTrap: 'unreachable', current: false },
        // A component expected to trap does not replace the current instance.
        {
          id: 17,
          op: 'invoke',
          instance: null,
          name: 'add',
          args: [n(2), n(2)],
          expect: { kind: 'return', value: n(4), topResult: false },
        },
        { id: 13, op: 'instantiate', component: 'c1', instance: '$b', expectTrap: null },
        { id: 14, op: 'invoke', instance: '$b', name: 'add', args: [], expect: { kind: 'any' } },
        { id: 15, op: 'instantiate', component: 'c2', instance: null, expectTrap: null },
        { id: 16, op: 'invoke', instance: null, name: 'add', args: [], expect: { kind: 'any' } },
      ],
    };
    const results = [];
    await runScript(script, (r) => results.push(r));
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    assert.equal(results.length, script.steps.length);
    for (const id of [0, 1, 2, 3, 5, 6, 9, 10, 11, 12, 17]) assert.equal(byId[id].ok, true, `step ${id}`);
    assert.equal(byId[3].notes.length, 1, 'trap message mismatch is noted');
    assert.match(byId[3].notes[0], /got "unreachable" \| expected "wasm trap: unreachable"/);
    assert.equal(byId[4].reason, 'result: expected 3, got 2');
    assert.match(byId[7].reason, /expected trap "x", got TypeError: nope/);
    assert.match(byId[8].reason, /no function export "missing"/);
    assert.match(byId[13].reason, /instantiation threw RuntimeError/);
    assert.match(byId[14].reason, /instance unavailable/);
    assert.equal(byId[15].reason, 'unsupported: thing');
    assert.equal(byId[16].reason, 'instance unavailable: unsupported: thing');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
