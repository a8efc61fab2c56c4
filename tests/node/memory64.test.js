// 64-bit memories (memory64 core modules with the component model's cm64):
// every pointer and length is an i64 (fixtures/components/memory64*.wat,
// fixtures/components/resource-rep64.wat, thread-i64.wat,
// fixtures/compose/memory64-pair.wat). Node 24 has memory64 on by default;
// on an engine without it (Node 20) the behaviour tests skip and the glue
// and `weft run` must fail with one clear error instead. The sync and async
// cases also run with the memory grown past 4 GiB and every address the
// values use above 2^32 (the fixtures' `high()`; the component pair always).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';

import { REPO, instantiate, isJco, tmp } from './harness.js';

// (module (memory i64 0))
const PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 3, 1, 4, 0]);
const HAS_MEMORY64 = WebAssembly.validate(PROBE);
const skip = isJco
  ? 'jco does not support memory64 components'
  : !HAS_MEMORY64 && `this engine (Node ${process.versions.node}) lacks memory64: run with node_modules/node/bin/node`;

const WEFT = process.env.WEFT_BIN ?? join(REPO, 'target/debug/weft');
const NOT_SUPPORTED = /64-bit memory \(memory64\), which this JavaScript engine does not support/;

const isTrap = (e) => e instanceof WebAssembly.RuntimeError;
const host = { host: { shout: (s) => `${s.toUpperCase()}!` } };
const loadLow = () => instantiate('memory64', host);
// The fixture with its memory grown past 4 GiB and every allocation above 2^32.
const G4 = 2 ** 32;
// Whether this engine can have such a memory at all (address space, limits).
function above4GSkip() {
  if (skip) return skip;
  try {
    new WebAssembly.Memory({ address: 'i64', initial: BigInt(G4 / 65536 + 2) });
    return false;
  } catch (e) {
    return `this engine cannot allocate a 64-bit memory past 4 GiB (${e.message})`;
  }
}
const skipAbove4G = above4GSkip();
async function loadHigh() {
  const e = await loadLow();
  const size = e.high();
  assert.ok(size > BigInt(G4 + 65536), `memory of ${size} bytes`);
  return e;
}

for (const [where, load, skipIt] of [
  ['', loadLow, skip],
  [', above 4 GiB', loadHigh, skipAbove4G],
])
  describe(`memory64: sync lifts and lowers${where}`, { skip: skipIt }, () => {
    const STRINGS = ['', 'abc', 'héllo', 'ÿ', '中文', '😀', 'x'.repeat(70_000), 'é'.repeat(40_000)];
    test('strings in every encoding round-trip; post-return runs', async () => {
      const e = await load();
      for (const s of STRINGS) {
        assert.equal(e.echo(s), s);
        assert.equal(e.echo16(s), s);
        assert.equal(e.echoLatin1(s), s);
      }
      assert.equal(e.posts(), STRINGS.length, 'post-return after each echo');
    });
    test('latin1+utf16 tags UTF-16 with bit 63 of the length', async () => {
      const e = await load();
      const [ptr, latin1] = e.rawLatin1('héllo');
      assert.equal(latin1, 5n);
      assert.equal(ptr >= BigInt(G4), load === loadHigh, `the string arrived at ${ptr}`);
      const [, utf16] = e.rawLatin1('a中');
      assert.equal(utf16, 2n | (1n << 63n));
    });
    test('lists: typed arrays, arrays, 16-byte list and string elements', async () => {
      const e = await load();
      assert.equal(e.sum([1, 2, 3, 4_000_000_000]), 4_000_000_006n);
      assert.equal(e.sum(new Uint32Array([7, 8])), 15n);
      assert.equal(e.sum([]), 0n);
      assert.deepEqual(e.reverse(new Uint16Array([1, 2, 3, 65535])), new Uint16Array([65535, 3, 2, 1]));
      const tags = ['a', 'bb', 'ççç', '', '😀'.repeat(100)];
      assert.deepEqual(e.entry({ name: 'rec', tags, n: 5 }), { name: 'rec', tags, n: 10 });
      assert.deepEqual(e.entry({ name: '', tags: [], n: 1 }), { name: '', tags: [], n: 1 });
      const entries = [
        { name: 'a', tags: ['x', 'yé'], n: 1 },
        { name: '', tags: [], n: 2 },
        { name: '中文', tags: tags, n: 3 },
      ];
      assert.deepEqual(e.entries(entries), entries, 'a list of records');
    });
    test('variants join i64 pointer slots', async () => {
      const e = await load();
      assert.equal(e.maybe('x'), 'x');
      assert.equal(e.maybe(undefined), undefined);
    });
    test('spilled params arrive at an i64 pointer', async () => {
      const e = await load();
      const ss = Array.from({ length: 9 }, (_, i) => `s${i}-${'é'.repeat(i)}`);
      for (let i = 0; i < 9; i++) assert.equal(e.pick(i, ...ss), ss[i]);
    });
    test('an import lowered with a 64-bit realloc and return pointer', async () => {
      const e = await load();
      assert.equal(e.viaHost('héllo'), 'HÉLLO!');
      assert.equal(e.viaHost(''), '!');
    });
    test('a resource method with a string', async () => {
      const e = await load();
      const t = new e.Thing(7);
      assert.equal(t.label('pre'), 'pre');
    });
    test('pointers out of bounds trap, above 2^32 and 2^53 too', async () => {
      for (const [ptr, msg] of [
        [1n << 40n, /string: range 1099511627776\+1 is out of bounds of memory/],
        [2n ** 64n - 1n, /64-bit address 18446744073709551615 is out of bounds of memory/],
        [load === loadHigh ? 1n << 34n : 1n << 31n, /out of bounds/],
      ]) {
        const e = await load();
        assert.throws(
          () => e.bad(ptr),
          (err) => isTrap(err) && msg.test(err.message),
          String(ptr),
        );
      }
      const e = await load();
      assert.equal(e.bad(16n).length, 1, 'an in-bounds byte');
    });
  });

describe('memory64: the spec checks above 4 GiB', { skip: skipAbove4G }, () => {
  test('alignment and bounds of strings and lists at the end of a memory past 4 GiB', async () => {
    const e = await loadHigh();
    const size = e.high();
    const end = Number(size);
    assert.equal(e.bad(size - 1n), '\0', 'the last byte');
    assert.equal(e.bad16(size - 2n), '\0', 'the last two bytes');
    assert.deepEqual(e.badList(size - 4n), new Uint32Array([0]), 'the last four bytes');
    for (const [f, re] of [
      [(x) => x.bad(size), new RegExp(`^string: range ${end}\\+1 is out of bounds of memory$`)],
      [(x) => x.bad16(size), /out of bounds of memory/],
      [(x) => x.bad16(BigInt(G4 + 1)), /^string: pointer 4294967297 is not aligned to 2$/],
      [(x) => x.badList(size - 2n), /^list: pointer \d+ is not aligned to 4$/],
      [(x) => x.badList(size), new RegExp(`^list: range ${end}\\+4 is out of bounds of memory$`)],
      [(x) => x.badList(BigInt(G4 + 2)), /^list: pointer 4294967298 is not aligned to 4$/],
      [(x) => x.bad(size + BigInt(G4)), /out of bounds of memory/],
    ]) {
      // A trap poisons the instance: each check gets a fresh one.
      const x = await loadHigh();
      assert.throws(
        () => f(x),
        (err) => isTrap(err) && re.test(err.message),
        String(f),
      );
    }
  });
});

// (A timeout: a trap that a stream's reader never hears of would hang the run.)
for (const high of [false, true])
  describe(`memory64: the async ABI${high ? ', above 4 GiB' : ''}`, {
    skip: high ? skipAbove4G : skip,
    timeout: 30_000,
  }, () => {
    // high: the guest's buffers, event, return areas and realloc results lie above 2^32.
    const loadAsync = async () => {
      const e = await instantiate('memory64-async', { upper: (s) => s.toUpperCase() });
      if (high) e.high();
      return e;
    };
    test('task.return of a string; i64 context slots', async () => {
      const e = await loadAsync();
      assert.equal(await e.greet('héllo'), 'héllo');
      assert.equal(await e.greet(''), '', 'a new task sees its slot zeroed');
    });
    test('async and sync lowers of an async import: i64 params and result pointer', async () => {
      const e = await loadAsync();
      for (const sync of [false, true]) {
        assert.equal(await e.shout('héllo', sync), 'HÉLLO');
        assert.equal(await e.shout('', sync), '');
      }
    });
    test('stream.read into an i64 buffer, events polled at an i64 pointer', async () => {
      const e = await loadAsync();
      const bytes = new Uint8Array(5000).map((_, i) => i * 7);
      let expect = 0n;
      for (const b of bytes) expect += BigInt(b);
      assert.equal(await e.sum([bytes.slice(0, 100), bytes.slice(100)]), expect);
      async function* slow() {
        for (let i = 0; i < 5; i++) {
          await new Promise((r) => setTimeout(r, 2));
          yield bytes.slice(i * 1000, (i + 1) * 1000);
        }
      }
      const before = e.polls();
      assert.equal(await e.sum(slow()), expect);
      assert.ok(e.polls() > before, 'the reader blocked and polled');
    });
    test('future.read into an i64 buffer', async () => {
      const e = await loadAsync();
      assert.equal(await e.get(Promise.resolve(42)), 42);
      assert.equal(await e.get(new Promise((r) => setTimeout(() => r(7), 5))), 7, 'a value that comes later');
    });
    test('stream.write from an i64 buffer to the host', async () => {
      const e = await loadAsync();
      for (const n of [0, 1, 255, 3000]) {
        const rs = await e.produce(n);
        const got = [];
        for await (const chunk of rs) got.push(...chunk);
        assert.equal(got.length, n);
        assert.ok(
          got.every((b, k) => b === (k & 255)),
          `bytes of ${n}`,
        );
      }
    });
  });

describe('memory64: calls between components (above 4 GiB)', { skip: skipAbove4G }, () => {
  test('32-bit -> 64-bit and 64-bit -> 64-bit go through the JS adapter', async () => {
    const out = tmp('memory64-pair');
    const wat = join(REPO, 'fixtures/compose/memory64-pair.wat');
    execFileSync(WEFT, ['transpile', wat, '-o', out, '--name', 'pair', '--instantiation', 'async', '-q']);
    const mod = await import(pathToFileURL(join(out, 'pair.js')).href);
    const e = await mod.instantiate((f) => WebAssembly.compile(readFileSync(join(out, f))), {});
    assert.equal(e.relay32('héllo 😀'), 'héllo 😀');
    assert.equal(e.relay64('wörld'), 'wörld');
    assert.equal(e.sum32([1, 2, 4_000_000_000]), 4_000_000_003n);
    for (const str of ['', 'abc', 'héllo', 'ÿé', '中文 😀', 'x'.repeat(5000), 'é'.repeat(3000)]) {
      assert.equal(e.relayL1(str), str, `utf8 -> latin1+utf16 (64-bit): ${str.slice(0, 10)}`);
      assert.equal(e.relay64L1(str), str, `latin1+utf16 (64-bit) -> utf8 (64-bit): ${str.slice(0, 10)}`);
    }
  });
});

describe('cm64 without memory64', { skip: isJco && 'jco does not support cm64' }, () => {
  test('a resource with an i64 rep: resource.new, resource.rep, destructor', async () => {
    const e = await instantiate('resource-rep64');
    const big = e.make(1n << 40n);
    const small = e.make(5n);
    assert.equal(e.get(small), 5n);
    assert.equal(e.dropped(), 0n);
    big[Symbol.dispose]();
    assert.equal(e.dropped(), 1n << 40n, 'the destructor got the i64 rep');
  });
  const noJspi = typeof WebAssembly.Suspending !== 'function' && 'threads need JSPI (Node 24 --experimental-wasm-jspi)';
  test('thread.new-indirect with an i64 closure', { skip: noJspi }, async () => {
    const e = await instantiate('thread-i64');
    assert.equal(await e.run((1n << 40n) + 3n), (1n << 40n) + 3n);
  });
});

describe('memory64: engines without it', { skip: isJco && 'weft only' }, () => {
  test('the glue throws one clear error', { skip: HAS_MEMORY64 && 'this engine has memory64' }, async () => {
    await assert.rejects(loadLow(), NOT_SUPPORTED);
  });
  test('weft run: one error line without memory64, success with it', () => {
    const wat = join(REPO, 'fixtures/components/memory64-command.wat');
    for (const node of ['node', join(REPO, 'node_modules/node/bin/node')]) {
      const has = execFileSync(node, ['-p', `WebAssembly.validate(new Uint8Array([${PROBE}]))`], {
        encoding: 'utf8',
      }).trim();
      const r = spawnSync(WEFT, ['run', wat, '--node', node], { encoding: 'utf8' });
      if (has === 'true') {
        assert.equal(r.status, 0, `${node}: ${r.stderr}`);
      } else {
        assert.equal(r.status, 1, node);
        const lines = r.stderr.trim().split('\n');
        assert.equal(lines.length, 1, `one line: ${r.stderr}`);
        assert.match(lines[0], /^error: .*memory64-command\.wat: /);
        assert.match(lines[0], NOT_SUPPORTED);
      }
    }
  });
});
