// Leak check for the async ABI glue: 10k async calls each way (export → host import
// → back) and 10k stream round trips (a guest stream<u8> read to its end, a JS
// stream<u8> fed to the guest) through fixtures/guests/async-basics leave RSS and the JS
// heap flat, and the guest's linear memory unchanged. Runs in a child Node with
// --expose-gc (Node 24 with JSPI when the glue needs it and this Node lacks it) and
// compares after a warm-up.
//
// Skips by itself while weft's transpile says `unsupported: <async feature>` (see
// tests/node/support/async.js); any other failure fails.
//   WEFT_IMPL=jco         the same against jco (300 rounds: jco moves streams element by
//                         element). jco 1.35 fails it: its heap grows by about 0.8 KB per
//                         echo call, 29 KB per generate() read and 4.7 KB per sum-stream.
//   WEFT_LEAK_ROUNDS=n    rounds after the warm-up (default 10000)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JSPI_FLAG, NODE24, hasJspi, prepareFixtures, tmp } from './support/async.js';

const IMPL = process.env.WEFT_IMPL ?? 'weft';
const HOST = 'test:async-basics/host';
const host = { hostDelay: (ms) => ms, fetchName: (id) => `user${id}`, log() {} };
const prep = await prepareFixtures(IMPL, ['async-basics'], { [HOST]: host });
const { glue, jspi } = prep;
// Glue that needs JSPI to instantiate runs in a Node 24 child when this Node lacks it.
const skip = jspi && prep.rerun ? false : prep.skip;
const ROUNDS = Number(process.env.WEFT_LEAK_ROUNDS) || (IMPL === 'jco' ? 300 : 10_000);
const WARMUP = IMPL === 'jco' ? Math.ceil(ROUNDS / 5) : 4 * ROUNDS;
const LIMIT = 8 << 20;

test(`${ROUNDS} async calls and ${ROUNDS} stream round trips keep RSS and the JS heap flat`, {
  skip,
  timeout: 300_000,
}, (t) => {
  const script = join(tmp('leak'), 'async-leak.mjs');
  writeFileSync(
    script,
    `
    import { readFileSync } from 'node:fs';
    import { instantiate } from ${JSON.stringify(pathToFileURL(glue['async-basics']).href)};
    const dir = ${JSON.stringify(dirname(glue['async-basics']))};
    let delays = 0;
    const host = {
      // Alternately a plain value and a settled Promise: both host paths.
      hostDelay: (ms) => (++delays & 1 ? ms : Promise.resolve(ms)),
      fetchName: (id) => 'user' + id,
      log() {},
    };
    const memories = []; // the guest's linear memories, to see that they stay flat too
    const { api } = await instantiate((f) => WebAssembly.compile(readFileSync(dir + '/' + f)), { ${JSON.stringify(HOST)}: host },
      async (module, imports) => {
        const inst = await WebAssembly.instantiate(module, imports);
        for (const x of Object.values(inst.exports)) if (x instanceof WebAssembly.Memory) memories.push(x);
        return inst;
      });
    const input = Uint8Array.from({ length: 64 }, (_, i) => i);
    async function calls(n) {
      for (let i = 0; i < n; i++) {
        if ((await api.echo('héllo ' + (i & 7))).length !== 7) throw new Error('echo');
        if ((await api.addAfterDelay(i, 1, 0)) !== i + 1) throw new Error('add-after-delay');
      }
    }
    async function streams(n) {
      for (let i = 0; i < n; i++) {
        let len = 0;
        for await (const c of await api.generate(64, 16)) len += c.length;
        if (len !== 64) throw new Error('generate: ' + len + ' bytes');
        if ((await api.sumStream(input)) !== 2016n) throw new Error('sum-stream');
      }
    }
    function mem() {
      for (let i = 0; i < 6; i++) globalThis.gc();
      const m = process.memoryUsage();
      return { heap: m.heapUsed, rss: m.rss, wasm: memories.reduce((s, x) => s + x.buffer.byteLength, 0) };
    }
    // RSS keeps rising for the first ~40k AbortControllers (one per host call) even
    // without weft (measured on Node 20), then stays flat: warm up past that.
    const warm = ${WARMUP};
    const phase = (p) => process.stderr.write('phase: ' + p + '\\n');
    phase('warm-up calls');
    await calls(warm);
    phase('warm-up streams');
    await streams(warm);
    await new Promise((r) => setTimeout(r, 10));
    // Two measured spans of ${ROUNDS} rounds each: a leak grows in both, while the
    // engine's one-time steps (a new code or stack segment, ~20 MiB of RSS once in a
    // while under JSPI) land in one at most.
    const marks = [mem()];
    for (let span = 0; span < 2; span++) {
      phase('calls');
      await calls(${ROUNDS});
      phase('streams');
      await streams(${ROUNDS});
      await new Promise((r) => setTimeout(r, 10));
      marks.push(mem());
    }
    console.log(JSON.stringify({ marks, delays, cancelled: await api.cancelledCount() }));
  `,
  );
  const [node, flags] = jspi && !hasJspi() ? [NODE24, [JSPI_FLAG]] : [process.execPath, []];
  let out;
  try {
    out = execFileSync(node, [...flags, '--expose-gc', script], { encoding: 'utf8', timeout: 280_000, stdio: 'pipe' });
  } catch (e) {
    const why = e.status === 13 ? ' (a top-level await never settled: a call or stream the glue never finished)' : '';
    assert.fail(`the leak script failed (${e.status ?? e.signal}${why}):\n${e.stdout}\n${e.stderr}`);
  }
  const r = JSON.parse(out.trim().split('\n').pop());
  const rounds = 2 * ROUNDS + WARMUP;
  assert.equal(r.delays, rounds, 'every add-after-delay called host-delay once');
  assert.equal(r.cancelled, 0);
  const [m0, m1, m2] = r.marks;
  const grew = (k) => [m1[k] - m0[k], m2[k] - m1[k]];
  const [heap, rss] = [grew('heap'), grew('rss')];
  const KiB = (b) => `${(b / 1024).toFixed(0)} KiB`;
  const both = ([a, b]) => `${KiB(a)} then ${KiB(b)}`;
  t.diagnostic(
    `after ${WARMUP} warm-up rounds, over two spans of ${ROUNDS} rounds: heap ${both(heap)}, RSS ${both(rss)}, guest memory ${KiB(m2.wasm - m0.wasm)}`,
  );
  // Each span on its own for the heap (collected before every mark); RSS: the
  // smaller of the two, since a steady leak grows in both.
  for (const h of heap) assert.ok(h < LIMIT, `JS heap grew by ${h} bytes over ${ROUNDS} rounds`);
  assert.ok(Math.min(...rss) < LIMIT, `RSS grew by ${both(rss)} over two spans of ${ROUNDS} rounds`);
  assert.ok(m0.wasm > 0, "the guest's linear memory was found");
  assert.equal(m2.wasm, m0.wasm, "the guest's linear memory did not grow");
});
