// Fused cross-component adapters (src/fuse/) against the JS adapters
// (`--adapters js`) on the composed fixtures (fixtures/compose/*.wat): which
// calls are fused (decided statically per adapter), that both paths give the
// same results, and that on an engine with multi-memory the fused path really
// has no JS frame between the components (where it has none, the glue falls
// back to the JS adapters). compose.test.js runs every behaviour test with
// either path (WEFT_ADAPTERS=js); .ci/run runs it on Node 24 both ways.
//
//   WEFT_BIN=path     weft binary (default <repo>/target/debug/weft)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fusedAdapters } from '../../js-runtime/intrinsics/fused.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const weft = process.env.WEFT_BIN ?? join(root, 'target/debug/weft');
const tmpRoot = mkdtempSync(join(tmpdir(), 'weft-fused-'));
process.on('exit', () => rmSync(tmpRoot, { recursive: true, force: true }));

/** Transpiles fixture `name` with `--adapters <adapters>`; returns the glue's source and directory. */
function transpile(name, adapters) {
  const out = join(tmpRoot, `${name}-${adapters}`);
  const wat = join(root, 'fixtures/compose', `${name}.wat`);
  const input = existsSync(wat) ? wat : join(root, 'fixtures/compose', `${name}.wasm`);
  execFileSync(weft, [
    'transpile',
    input,
    '-o',
    out,
    '--name',
    name,
    '--instantiation',
    'async',
    '--adapters',
    adapters,
    '-q',
  ]);
  return { out, js: readFileSync(join(out, `${name}.js`), 'utf8') };
}

async function load(name, adapters, imports) {
  const { out } = transpile(name, adapters);
  const mod = await import(pathToFileURL(join(out, `${name}.js`)).href);
  return mod.instantiate((f) => WebAssembly.compile(readFileSync(join(out, f))), imports);
}

// Calls between components in each fixture, and how many of them are fused
// (strings in every pair of encodings are: latin1-pair, transcode-chain,
// repro-utf8-to-utf16, encodings, all of invalid-strings; so are handles:
// resources-3, lent-drop, host-errors, handles-nested).
// Not fused:
// lowers of host imports (every fixture's root imports), async lowers and
// lifts, streams and handles where the async ABI is in use (the other async-*
// compositions), single components (ctx-*, the halves of ctx-slots.wasm) and
// 64-bit memories on either side (memory64-pair). A sync call between
// components that use the async ABI is fused (async-sync-relay, ctx-slots.wasm).
const FUSED = {
  chain10: 18,
  'host-errors': 2,
  encodings: 18,
  'fused-reentry': 1,
  'handles-nested': 11,
  'invalid-strings': 8,
  'length-limits': 4,
  'latin1-pair': 1,
  'lent-drop': 1,
  'repro-utf8-to-utf16': 1,
  'resources-3': 10,
  'transcode-chain': 3,
  'async-borrow-misuse': 0,
  'async-sync-relay': 2,
  'async-sync-wait-joined': 0,
  'async-unit-stream': 0,
  'async-yield-wait': 0,
  'ctx-callee': 0,
  'ctx-caller': 0,
  'memory64-pair': 0,
  views: 3,
};

test('the fixtures fuse exactly the covered adapters; --adapters js fuses none', () => {
  const fixtures = readdirSync(join(root, 'fixtures/compose'))
    .filter((f) => f.endsWith('.wat'))
    .map((f) => f.slice(0, -4));
  assert.deepEqual(fixtures.sort(), Object.keys(FUSED).sort(), 'every fixture is listed');
  const count = (js) => (js.match(/const fa\d+ = fusedAdapters \?/g) ?? []).length;
  for (const name of fixtures) {
    assert.equal(count(transpile(name, 'fused').js), FUSED[name], name);
    assert.equal(count(transpile(name, 'js').js), 0, `${name} --adapters js`);
  }
});

test('chain of 10: both paths give the same results, and the fused one has no JS frame between components', async () => {
  const frames = {};
  const results = {};
  for (const adapters of ['fused', 'js']) {
    let stack = '';
    const e = await load('chain10', adapters, {
      back: (n) => {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 200;
        stack = new Error().stack;
        Error.stackTraceLimit = limit;
        return n * 2;
      },
    });
    const r = [];
    for (const [x, s, l] of [
      [0, '', []],
      [5, 'héllo 🎉', [1, 2, 3]],
      [2 ** 32 - 3, 'x'.repeat(5000), [7]],
    ]) {
      const [x2, s2, l2] = e.step(x, s, l);
      r.push([x2, s2, [...l2]]);
    }
    r.push(e.ping(3), e.depth());
    results[adapters] = r;
    // JS frames of the glue's adapters (`lowerN`, `liftN_raw`) on the way to the host import.
    frames[adapters] = stack.split('\n').filter((l) => /\bat (lower\d+|lift\d+_raw)\b/.test(l)).length;
  }
  assert.deepEqual(results.fused, results.js);
  assert.equal(results.js[3], (3 + 9) * 2, 'ping reached the host through all ten components');
  assert.ok(frames.js >= 18, `JS adapters: ${frames.js} adapter frames`);
  // Only the host import's own lower is JS when the engine runs fused adapters.
  assert.equal(frames.fused, fusedAdapters ? 1 : frames.js);
});

// fixtures/compose/fused-reentry.wat: without the async ABI the fused adapter checks
// and sets the glue's may_enter/may_leave flags itself (bytes of a memory the glue
// shares with it). Its traps are the JS adapter's: a call into a component that is
// on the stack, a call out of a component during its realloc, and after either the
// poisoned component.
test('entry checks inside the fused adapter trap as the JS adapter does', async () => {
  const outcome = (f) => {
    try {
      return f();
    } catch (e) {
      return `${e.constructor.name}: ${e.message}`;
    }
  };
  const runs = {};
  for (const adapters of ['fused', 'js']) {
    let e;
    const fresh = async () => {
      e = await load('fused-reentry', adapters, { cb: () => e.viaA() });
    };
    await fresh();
    const r = [
      outcome(() => e.viaA()),
      outcome(() => e.take('hello')),
      outcome(() => e.callOut()),
      outcome(() => e.viaA()),
    ];
    await fresh();
    e.setGreedy(true);
    r.push(
      outcome(() => e.take('hello')),
      outcome(() => e.viaA()),
    );
    runs[adapters] = r;
  }
  assert.deepEqual(runs.fused, runs.js);
  const poisoned = 'RuntimeError: cannot enter component instance: it is poisoned by an earlier trap';
  assert.deepEqual(runs.js, [
    7,
    5,
    'RuntimeError: cannot enter component instance: it is already on the call stack (reentrance)',
    poisoned,
    'RuntimeError: cannot leave component instance during realloc or post-return',
    poisoned,
  ]);
});

// fixtures/compose/async-sync-relay.wat and ctx-slots.wasm: components that use the
// async ABI. The fused adapter's entry and exit helpers also begin and end the
// callee's sync task, as the JS adapter does: the fixtures trap unless each side
// sees its own context slots (the callee's fresh in every call, through its
// realloc, core function and post-return, and the caller's realloc storing the result).
test('the async ABI: a sync call between components is fused; the callee runs in a task of its own', async () => {
  const count = (js) => (js.match(/const fa\d+ = fusedAdapters \?/g) ?? []).length;
  assert.equal(count(transpile('ctx-slots', 'fused').js), 1);
  const runs = {};
  const frames = {};
  for (const adapters of ['fused', 'js']) {
    const notes = [];
    let stack = '';
    const note = (n) => {
      notes.push(n);
      stack = new Error().stack;
    };
    const e = await load('async-sync-relay', adapters, { note });
    const r = [
      e.run('héllo 🎉', new Uint32Array([1, 2, 3])),
      e.run('', new Uint32Array()),
      e.run('x'.repeat(3000), new Uint32Array(100).fill(7)),
    ];
    frames[adapters] = stack.split('\n').filter((l) => /\bat (lower\d+|lift\d+_raw)\b/.test(l)).length;
    r.push(e.quad(5), e.quad(2 ** 30 - 1));
    const ctx = (await load('ctx-slots', adapters))['test:ctx/caller'];
    for (let i = 0; i < 3; i++) r.push(ctx.run());
    r.push(await ctx.runAsync(), await Promise.all([ctx.runAsync(), ctx.runAsync()]), ctx.calls());
    runs[adapters] = { r, notes };
  }
  assert.deepEqual(runs.fused, runs.js);
  assert.deepEqual(runs.js.r.slice(0, 3), [
    ['héllo 🎉', 6],
    ['', 0],
    ['x'.repeat(3000), 700],
  ]);
  assert.deepEqual(runs.js.notes, [6, 0, 700]);
  assert.deepEqual(runs.js.r.slice(3), [20, 2 ** 32 - 4, 6, 6, 6, 6, [6, 6], 6]);
  // `double` runs no JS: its adapter begins no sync task (one `ftN` in the glue, for `tag`).
  assert.equal(transpile('async-sync-relay', 'fused').js.match(/\blet ft\d+ = null;/g).length, 1);
  // With JS adapters: P's lowerN and Q's liftN_raw, then note's own lower.
  assert.equal(frames.js, 3);
  assert.equal(frames.fused, fusedAdapters ? 1 : 3);
});

// fixtures/compose/handles-nested.wat and resources-3.wat: own and borrow handles
// (flat, in tuples, options and lists, spilled params and results) move through
// the glue's handle tables from inside the fused adapter. Every call's result or
// trap message, and the handle indices each table gave out, are the same on both
// paths (compose.test.js checks them against wasmtime's).
test('handles: both paths give the same indices, results and traps; the fused one has no JS frame between components', async () => {
  const outcome = (f) => {
    try {
      const r = f();
      return r instanceof Uint32Array ? [...r] : r;
    } catch (e) {
      return `${e.constructor.name}: ${e.message}`;
    }
  };
  const runs = {};
  const frames = {};
  for (const adapters of ['fused', 'js']) {
    let stack = '';
    const cb = () => {
      stack = new Error().stack;
    };
    const e = await load('handles-nested', adapters, { cb });
    const r = [
      e.passNested(10),
      e.passNone(7),
      e.wide(9),
      e.borrowNested(1),
      e.borrowNone(5),
      e.takeBack(2, 3, 4, 1),
      e.throw(8),
      e.heldDrop(),
      e.cLog(),
      e.aDrops(),
      e.aDropsum(),
    ].map((v) => (v instanceof Uint32Array ? [...v] : v));
    const traps = [];
    for (const [f, args] of [
      ['dangling', [5]],
      ['danglingInList', [1, 9]],
      ['wrongType', [1]],
      ['wrongTypeBorrow', [1]],
      ['lentOwn', [1]],
      ['leak', [1]],
    ]) {
      const t = await load('handles-nested', adapters, { cb });
      traps.push(
        outcome(() => t[f](...args)),
        outcome(() => t.aDrops()),
      );
    }
    const r3 = await load('resources-3', adapters);
    const r3s = [r3.passOwn(1), r3.passBorrow(2), r3.hold(3), r3.reclaim(1), r3.heldGet(), r3.aDrops()];
    for (const f of ['lendAndTake', 'leakBorrow', 'lendAsOwn', 'useAfterTransfer']) {
      const t = await load('resources-3', adapters);
      r3s.push(outcome(() => t[f](1)));
    }
    runs[adapters] = { r, traps, r3s };
    // JS frames of the glue's adapters on the way from the host into C's import `cb`.
    frames[adapters] = stack.split('\n').filter((l) => /\bat (lower\d+|lift\d+_raw)\b/.test(l)).length;
  }
  assert.deepEqual(runs.fused, runs.js);
  assert.equal(runs.js.traps.length, 12);
  for (let i = 0; i < 12; i += 2) assert.match(runs.js.traps[i], /^RuntimeError: /, runs.js.traps[i]);
  // With JS adapters: B's lowerN and C's liftN_raw, then cb's own lower.
  assert.equal(frames.js, 3);
  assert.equal(frames.fused, fusedAdapters ? 1 : 3);
});

test('invalid utf8 between components traps on both paths, and poisons the instance', async () => {
  for (const adapters of ['fused', 'js']) {
    const ok = await load('invalid-strings', adapters);
    assert.equal(ok.ok8(), 2, adapters);
    for (const f of ['bad8', 'cut8']) {
      const e = await load('invalid-strings', adapters);
      assert.throws(() => e[f](), WebAssembly.RuntimeError, `${adapters}: ${f}`);
      assert.throws(() => e.ok8(), /cannot enter component instance/, `${adapters}: ${f} poisons`);
    }
  }
});

/** The JS adapter frames (`lowerN`, `liftN_raw`) in a stack. */
const adapterFrames = (stack) => stack.split('\n').filter((l) => /\bat (lower\d+|lift\d+_raw)\b/.test(l)).length;

test('strings in every pair of encodings: both paths give the same values, representations and realloc calls', async () => {
  const { STRINGS } = await import('../../fixtures/compose/gen-encodings.mjs');
  const results = {};
  for (const adapters of ['fused', 'js']) {
    const e = await load('encodings', adapters);
    const r = [];
    for (const X of ['Utf8', 'Utf16', 'Latin1']) {
      for (const [ci, Y] of ['Utf8', 'Utf16', 'Latin1'].entries()) {
        for (const k of STRINGS.keys()) {
          r.push(e[`run${X}`](ci, k), e[`last${X}`](), [...e[`bytes${X}`]()]);
          r.push([...e[`logCallee${Y}`]()], [...e[`log${X}`]()]);
          e[`nested${X}`](ci, k);
          r.push(e[`lastNested${X}`](), [...e[`logCallee${Y}`]()], [...e[`log${X}`]()]);
        }
      }
    }
    results[adapters] = r;
  }
  // compose.test.js checks the values and realloc calls against the spec on either path.
  assert.deepEqual(results.fused, results.js);
  assert.equal(results.js.length, 3 * 3 * STRINGS.length * 8);
});

test('invalid strings in other encodings trap inside the fused adapter: no JS adapter frame on the trap stack', async () => {
  for (const adapters of ['fused', 'js']) {
    for (const f of ['bad16', 'lone16', 'loneL1', 'lone8']) {
      const e = await load('invalid-strings', adapters);
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 200;
      let err;
      try {
        e[f]();
      } catch (x) {
        err = x;
      } finally {
        Error.stackTraceLimit = limit;
      }
      assert.ok(err instanceof WebAssembly.RuntimeError, `${adapters}: ${f} traps`);
      const fused = adapters === 'fused' && fusedAdapters;
      assert.equal(adapterFrames(err.stack) === 0, fused, `${adapters}: ${f}: ${err.stack}`);
    }
  }
});

// fixtures/compose/views.wat; the expected values are what the reference host
// (wasmtime) gives for the same calls.
test("strings and plain lists between utf8 components: the spec's realloc calls, post-return after the copy (fused and JS)", async () => {
  const s = 'héllo wörld 🎉';
  const list = [
    [1n, 2],
    [2n ** 64n - 1n, 255],
  ];
  for (const adapters of ['fused', 'js']) {
    const e = await load('views', adapters);
    // $Callee's post-return overwrites what it returned with 0xEE: invalid
    // UTF-8 (a trap) or other numbers if it ran before the caller's copy.
    assert.equal(e.relay(s), s, adapters);
    assert.deepEqual(e.relayList(list), list, adapters);
    assert.deepEqual(e.relayStrings(['a', 'bé', '']), ['a', 'bé', ''], adapters);
    const calls = [...e.reallocs()];
    // realloc(0, 0, align, bytes): the string (18 utf8 bytes), the list (2 x 16
    // bytes), the list<string> (3 x 8 bytes), then each of its strings.
    const want = [18, 8, 32, 4, 24, 1, 1, 1, 3, 1, 0];
    const expected = [[0, 0, 1, want[0]]];
    for (let i = 1; i < want.length; i += 2) expected.push([0, 0, want[i], want[i + 1]]);
    assert.deepEqual(calls, expected.flat(), adapters);
  }
});

test('the JS adapter between utf8 components copies bytes: no transcoder in the glue; other encodings keep it', () => {
  const views = transpile('views', 'js').js;
  assert.match(views, /copyView\(/);
  assert.doesNotMatch(views, /storeString|taggedString|utf8Decode\(mem1/);
  const latin1 = transpile('latin1-pair', 'js').js;
  assert.match(latin1, /storeString\(/);
  assert.doesNotMatch(latin1, /copyView/);
});

// The Canonical ABI's length limits (2^28 - 1 bytes) on a string or list lifted
// out of the callee's memory, checked before alignment and bounds. The JS path
// says which check fired; the fused one traps with `unreachable`, so there the
// source memory is grown past 2^28 bytes: a range at the limit is in bounds and
// copies, one a unit above traps.
const LIMIT = /^(string|list): byte length \d+ is above 2\^28 - 1$/;
test('length limits between components: the JS adapter checks them before alignment and bounds', async () => {
  const cases = [
    ['stringAt', 0, 2 ** 28, LIMIT],
    ['stringAt', 0, 2 ** 32 - 1, LIMIT],
    ['stringAt', 0, 2 ** 28 - 1, /out of bounds/],
    ['u32sAt', 1, 2 ** 26, LIMIT],
    ['u32sAt', 1, 2 ** 26 - 1, /not aligned/],
    ['u32sAt', 0, 2 ** 26 - 1, /out of bounds/],
    ['bytesAt', 0, 2 ** 28, LIMIT],
    ['bytesAt', 0, 2 ** 28 - 1, /out of bounds/],
  ];
  for (const [f, ptr, len, re] of cases) {
    const e = await load('length-limits', 'js');
    assert.throws(
      () => e[f](ptr, len),
      (err) => err instanceof WebAssembly.RuntimeError && re.test(err.message),
      `${f}(${ptr}, ${len})`,
    );
  }
});

test('length limits between components: exactly at the limit copies, above traps (fused and JS)', async () => {
  const cases = [
    ['stringAt', 2 ** 28 - 1, 2 ** 28],
    ['u32sAt', 2 ** 26 - 1, 2 ** 26],
    ['bytesAt', 2 ** 28 - 1, 2 ** 28],
  ];
  for (const adapters of ['fused', 'js']) {
    for (const [f, atLimit, above] of cases) {
      let e = await load('length-limits', adapters);
      assert.equal(e.grow(4096), 1, 'the source memory grows to 4097 pages');
      // From 32 on: bytes 16..23 hold the guest's (ptr, len) pair, not valid UTF-8.
      assert.equal(e[f](32, atLimit), atLimit, `${adapters}: ${f}(32, ${atLimit})`);
      e = await load('length-limits', adapters);
      e.grow(4096);
      assert.throws(() => e[f](32, above), WebAssembly.RuntimeError, `${adapters}: ${f}(32, ${above})`);
    }
  }
});

test('a host import throwing through a fused adapter restores the entering flags', async () => {
  for (const adapters of ['fused', 'js']) {
    let fail = true;
    const e = await load('chain10', adapters, {
      back: (n) => {
        if (fail) throw new Error('boom');
        return n;
      },
    });
    assert.throws(() => e.ping(0), /boom/, adapters);
    fail = false;
    assert.equal(e.ping(0), 9, `${adapters}: every component can be entered again`);
  }
});

test('adapter modules are core files numbered after the components, inline under --base64-cutoff, loaded only where they run', async () => {
  const { out, js } = transpile('invalid-strings', 'fused');
  const files = readdirSync(out).filter((f) => f.endsWith('.wasm'));
  const own = files.filter((f) => !js.includes(`fusedAdapters ? getCoreModule('${f}')`));
  const adapters = files.filter((f) => !own.includes(f));
  assert.equal(adapters.length, FUSED['invalid-strings'], files.join());
  // jco's numbering: <name>.core.wasm, .core2.wasm, ...; the adapters come after the component's own modules.
  const number = (f) => Number(/\.core(\d*)\.wasm$/.exec(f)[1] || 1);
  assert.ok(Math.min(...adapters.map(number)) > Math.max(...own.map(number)), files.join());
  assert.doesNotMatch(js, /base64Bytes/, 'no module inline by default');
  for (const f of adapters) assert.ok(WebAssembly.validate(readFileSync(join(out, f))) === fusedAdapters, f);
  // The glue asks getCoreModule for an adapter only on an engine that runs it.
  const asked = [];
  const mod = await import(pathToFileURL(join(out, 'invalid-strings.js')).href);
  const e = await mod.instantiate((f) => {
    asked.push(f);
    return WebAssembly.compile(readFileSync(join(out, f)));
  });
  assert.equal(e.ok8(), 2);
  assert.deepEqual(asked.filter((f) => adapters.includes(f)).sort(), fusedAdapters ? [...adapters].sort() : []);
  // Under the cutoff every module is inline, adapters too: no files besides the glue's.
  const inline = join(tmpRoot, 'invalid-strings-inline');
  execFileSync(weft, [
    'transpile',
    join(root, 'fixtures/compose/invalid-strings.wat'),
    '-o',
    inline,
    '-b',
    '1000000',
    '-q',
  ]);
  assert.deepEqual(
    readdirSync(inline).filter((f) => f.endsWith('.wasm')),
    [],
  );
  const inlined = await import(pathToFileURL(join(inline, 'invalid-strings.js')).href);
  assert.equal(inlined.ok8(), 2);
});
