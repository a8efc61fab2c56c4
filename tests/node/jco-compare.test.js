// Side by side with jco 1.35 (issue 14): every fixture transpiled by weft and
// by jco gives the same files, the same .d.ts (up to the documented
// differences below) and, for the values fixture, the same value from every
// export for the same inputs. Needs jco (node_modules) and fixtures/build.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { REPO } from './harness.js';

const JCO = join(REPO, 'node_modules/.bin/jco');
const WEFT = process.env.WEFT_BIN ?? join(REPO, 'target/debug/weft');
const BUILD = join(REPO, 'fixtures/build');
const FIXTURES = existsSync(BUILD)
  ? readdirSync(BUILD)
      .filter((f) => f.endsWith('.wasm'))
      .map((f) => f.slice(0, -5))
  : [];
const dir = mkdtempSync(join(tmpdir(), 'weft-jco-compare-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Same flags for both: core modules as files, types on. weft's bundled WASI
// host is off (jco maps WASI to @bytecodealliance/preview2-shim instead).
function both(name, extra = [], tag = name) {
  const out = { weft: join(dir, tag, 'weft'), jco: join(dir, tag, 'jco') };
  const args = (o) => ['transpile', join(BUILD, `${name}.wasm`), '-o', o, '--name', name, '-b', '0', '-q', ...extra];
  execFileSync(WEFT, [...args(out.weft), '--no-wasi-shim']);
  execFileSync(JCO, args(out.jco), { stdio: 'ignore' });
  return out;
}

function files(root) {
  const list = [];
  const walk = (d) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else list.push(relative(root, p));
    }
  };
  walk(root);
  return list.sort();
}

// Documented differences of weft's .d.ts (README "Differences from jco"):
// 1. `T[]` where jco writes `Array<T>` (the same type);
// 2. JSDoc: weft adds `@throws {ComponentError}` blocks and writes no
//    trailing spaces; comments are left out of the comparison;
// 3. indentation (class members: jco indents 2 spaces, weft 4 inside `export class`);
// 4. jco writes `constructor(...)` without the `;` weft ends every member with;
// 5. the root file's declarations in another order (compared as sorted lines).
function arraysAsSuffix(text) {
  for (;;) {
    const start = text.lastIndexOf('Array<');
    if (start === -1) return text;
    let depth = 0;
    let end = start + 5;
    for (; end < text.length; end++) {
      if (text[end] === '<') depth++;
      else if (text[end] === '>' && --depth === 0) break;
    }
    const inner = text.slice(start + 6, end);
    let top = 0;
    let union = false;
    for (const c of inner) {
      if ('<([{'.includes(c)) top++;
      else if ('>)]}'.includes(c)) top--;
      else if (c === '|' && top === 0) union = true;
    }
    text = `${text.slice(0, start)}${union ? `(${inner})` : inner}[]${text.slice(end + 1)}`;
  }
}
const normalize = (text) =>
  arraysAsSuffix(text.replace(/\/\*\*[\s\S]*?\*\/\n?/g, '').replace(/^\s*\/\/.*\n/gm, ''))
    .split('\n')
    .map((l) => l.trim().replace(/^(constructor\(.*\))$/, '$1;'))
    .filter((l) => l !== '')
    .join('\n');
const sortedLines = (text) => text.split('\n').sort().join('\n');

// Fixtures whose .d.ts files differ beyond that, each for a documented reason.
// Async (README "Async functions, streams and futures"): weft types a stream
// as `ReadableStream<T> & AsyncIterable<T>` (jco: `AsyncIterable<number>`
// for every element type), accepts iterables, arrays and Promises as inputs,
// and gives every async function a trailing `options?: { signal?: AbortSignal }`.
const ASYNC = 'weft types async values and cancellation more precisely';
const KNOWN_DTS = {
  'async-basics': [
    ['interfaces/test-async-basics-api.d.ts', ASYNC],
    ['interfaces/test-async-basics-host.d.ts', ASYNC],
  ],
  'async-bench': [
    ['interfaces/test-async-bench-bench.d.ts', ASYNC],
    ['interfaces/test-async-bench-host.d.ts', ASYNC],
  ],
  'async-consumer': [
    ['interfaces/test-pipeline-sink.d.ts', ASYNC],
    ['interfaces/test-streams-source.d.ts', ASYNC],
  ],
  'async-producer': [['interfaces/test-streams-source.d.ts', ASYNC]],
  'async-strings': [['interfaces/test-async-strings-api.d.ts', ASYNC]],
  'async-unit-consumer': [
    ['interfaces/test-unit-counter-counter.d.ts', ASYNC],
    ['interfaces/test-units-ticks.d.ts', ASYNC],
  ],
  'async-unit-producer': [['interfaces/test-units-ticks.d.ts', ASYNC]],
  'bundler-app': [['interfaces/example-app-api.d.ts', ASYNC]],
};

// WASI 0.3 programs (the wasip3 crate; most also import WASI 0.2 through
// Rust's std): where one interface is imported at two versions weft writes one
// .d.ts per version (`wasi-cli-stdout-0-2-6.d.ts` beside `wasi-cli-stdout.d.ts`)
// and jco one file for both (one version's types overwrite the other's). weft's
// file list holds all of jco's; the texts are not compared.
const VERSIONED = new Set([
  'wasi3-cli',
  'wasi3-clocks-random',
  'wasi3-files',
  'wasi3-http-client',
  'wasi3-http-server',
  'wasi3-sockets',
]);

// .d.ts files that differ from jco's beyond the documented differences.
function differingDts(name, out) {
  return files(out.jco)
    .filter((f) => f.endsWith('.d.ts'))
    .filter((f) => {
      const [w, j] = [out.weft, out.jco].map((o) => normalize(readFileSync(join(o, f), 'utf8')));
      return f === `${name}.d.ts` ? sortedLines(w) !== sortedLines(j) : w !== j;
    });
}

for (const name of FIXTURES) {
  test(`${name}: same files and .d.ts as jco`, () => {
    const out = both(name);
    if (VERSIONED.has(name)) {
      const weft = new Set(files(out.weft));
      assert.deepEqual(
        files(out.jco).filter((f) => !weft.has(f)),
        [],
        `${name}: every file jco writes`,
      );
      return;
    }
    assert.deepEqual(files(out.weft), files(out.jco));
    const differ = differingDts(name, out);
    const known = (KNOWN_DTS[name] ?? []).map(([f]) => f);
    assert.deepEqual(differ, known, `${name}: .d.ts files that differ from jco's beyond the documented differences`);
  });
}

async function loadBoth(out) {
  const host = {
    echoResult: (v) => v,
    echoString: (s) => s,
    genBytes: (n) => new Uint8Array(n).fill(1),
    ping() {},
    log() {},
  };
  const load = async (o) =>
    (await import(pathToFileURL(join(o, 'values.js')).href)).instantiate(
      (f) => WebAssembly.compile(readFileSync(join(o, f))),
      { 'test:values/host': new Proxy(host, { get: (t, k) => t[k] ?? ((v) => v) }) },
    );
  return [await load(out.weft), await load(out.jco)];
}

function sameResults(w, j, calls) {
  for (const [f, args] of calls) {
    const run = (ex) => {
      try {
        return { ok: ex.exports[f](...args) };
      } catch (e) {
        return { err: e.payload ?? e.message };
      }
    };
    assert.deepStrictEqual(run(w), run(j), `exports.${f}`);
  }
}

test('values: every export returns the same value from weft and from jco', {
  skip: !FIXTURES.includes('values'),
}, async () => {
  const [w, j] = await loadBoth(both('values', ['-I', 'async']));
  const calls = [
    ['roundtripResultNoOk', [{ tag: 'ok', val: undefined }]],
    ['roundtripOptionResult', [{ tag: 'ok', val: undefined }]],
    [
      'roundtripListResult',
      [
        [
          { tag: 'ok', val: 'a' },
          { tag: 'err', val: 3 },
        ],
      ],
    ],
    ['roundtripShape', [{ tag: 'no-shape' }]],
    ['roundtripColor', ['dark-blue']],
    ['roundtripPerms', [{ read: true, write: false, exec: true, setUid: false }]],
    ['roundtripOptionOption', [{ tag: 'some', val: undefined }]],
    ['roundtripListU8', [new Uint8Array([1, 2, 3])]],
    ['roundtripU64', [2n ** 64n - 1n]],
    ['roundtripString', ['héllo 😀']],
    ['roundtripTuple', [[255, -1n, 'x']]],
    ['genStrings', [3]],
  ].filter(([f]) => typeof w.exports[f] === 'function');
  assert.ok(calls.length >= 8, `the values fixture exports ${calls.length} of the functions compared`);
  sameResults(w, j, calls);
});

// jco's value-style option sets: the same .d.ts (up to the documented
// differences) and the same values, namespace objects included.
const BAG = {
  itemId: 1n,
  displayName: 'b',
  tags: ['t'],
  shape: { tag: 'big', val: 2n },
  rawBytes: new Uint8Array([1]),
};
const VALUE_STYLES = [
  [
    ['--flags-as-bigint'],
    [
      ['roundtripPerms', [5n]],
      ['roundtripFlags32', [2n ** 31n]],
      ['flags32FromBits', [0xffffffff]],
      ['permsBits', [8n]],
      ['roundtripBag', [{ ...BAG, color: 'red', perms: 3n }]],
    ],
  ],
  [
    ['--enum-values-screaming-snake-case'],
    [
      ['roundtripColor', ['DARK_BLUE']],
      ['colorIndex', ['GREEN']],
      ['roundtripBag', [{ ...BAG, color: 'DARK_BLUE', perms: { exec: true } }]],
    ],
  ],
  [
    ['--use-namespace-objects'],
    [
      ['roundtripPerms', [6n]],
      ['roundtripColor', ['green']],
      ['roundtripShape', [{ tag: 'pair', val: [1, -1n] }]],
    ],
  ],
  [
    ['--use-namespace-objects', '--enum-values-screaming-snake-case'],
    [
      ['roundtripColor', ['RED']],
      ['roundtripPerms', [1n]],
    ],
  ],
  [['--variants-inline-cases'], [['roundtripShape', [{ tag: 'no-shape' }]]]],
];
for (const [flags, calls] of VALUE_STYLES) {
  test(`values ${flags.join(' ')}: same .d.ts and values as jco`, { skip: !FIXTURES.includes('values') }, async () => {
    const esm = both('values', flags, `values${flags.join('')}`);
    assert.deepEqual(files(esm.weft), files(esm.jco));
    assert.deepEqual(differingDts('values', esm), [], "the .d.ts files that differ from jco's");
    const [w, j] = await loadBoth(both('values', [...flags, '-I', 'async'], `values${flags.join('')}-i`));
    sameResults(w, j, calls);
    // The namespace objects: the same keys, values and case values.
    const spread = (ns) =>
      Object.fromEntries(
        Object.entries(ns ?? {}).map(([k, v]) => [k, typeof v === 'function' ? v(k === 'Pair' ? [1, 2n] : 1) : v]),
      );
    for (const t of ['Color', 'Perms', 'Flags32', 'Shape', 'SmallNum']) {
      assert.deepStrictEqual(spread(w.exports[t]), spread(j.exports[t]), `exports.${t}`);
    }
  });
}

// Every flag jco 1.35's `transpile`, `types` and `guest-types` list (long
// and short forms) is one weft's same command lists.
const flagsOf = (bin, cmd) =>
  new Set(execFileSync(bin, [cmd, '--help'], { encoding: 'utf8' }).match(/(?<=^|[\s,])-(-[a-z0-9-]+|[a-zA-Z])\b/gm));
for (const cmd of ['transpile', 'types', 'guest-types']) {
  test(`weft ${cmd} accepts every flag jco ${cmd} lists`, () => {
    const weft = flagsOf(WEFT, cmd);
    const jco = [...flagsOf(JCO, cmd)];
    assert.ok(jco.length > 5, `jco ${cmd} --help lists its flags`);
    assert.deepEqual(
      jco.filter((f) => !weft.has(f)),
      [],
    );
  });
}
