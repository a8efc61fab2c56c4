#!/usr/bin/env node
// Async ABI benchmarks: weft vs jco on a real wit-bindgen async guest
// (fixtures/guests/async-bench, built by `bash fixtures/build.sh`).
//   node_modules/node/bin/node bench/async.mjs [--quick]
// jco's async glue always needs JSPI: without `WebAssembly.Suspending` this script runs
// itself again under Node 24 (node_modules/node) with --experimental-wasm-jspi.
// weft columns are skipped with a note while `weft transpile` rejects the async ABI
// (`unsupported: ...`) or the binary is not built (target/release/weft; WEFT_BIN=path).
//
// Rows:
//   host → guest      `await nop()` (an async export that returns at once), sequentially
//   (floor)           `await nopSync()`, the same guest's synchronous export and one
//                     `await`: what an async call cannot go below (target: nop <= 3x this)
//   glue only         the same two on bench/async-nop.wat (no guest runtime: `nop` only
//                     calls task.return), weft only: the glue's own share
//   two instances     the glue-only `nop` of two instantiations of that glue, called in
//                     turn: the runtime is shared by both, and must stay as fast as
//                     with one (per-instance hidden classes once made this 2-3x slower)
//   guest → host      `await callHost(100)`: the guest awaits the async import `tick`
//                     100 times, one after the other; time / 100. `tick` returns a plain
//                     value, or an already-resolved Promise
//   stream<u8>        `generate(64 MiB, 64 KiB)` read to the end with `for await`; MB/s
//                     (10^6 bytes/s). Capped at a few seconds per run (then the reader
//                     cancels): jco reads one element at a time.
//   JS → guest        `consume()` reading a JS generator of 64 KiB Uint8Arrays (64 MiB).
//   guest → guest     the same stream passed to a second instance's `consume`.
// Latency rows are timed on the wall clock and on the process's CPU time (user + system,
// steadier on a loaded machine); the tables show the wall clock, the JSON has both.
// Tables are printed as markdown and written to bench/out/async-results.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fmtNs, fmtRatio, median, quantile, table } from './stats.mjs';
import { fileURLToPath } from 'node:url';
import {
  JSPI_FLAG,
  NODE24,
  REPO,
  fixturePath,
  hasJspi,
  instantiateGlue,
  transpileFixture,
  unsupportedAsync,
} from '../tests/node/support/async.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const OUT = join(BENCH, 'out');
const QUICK = process.argv.includes('--quick');
const CFG = QUICK
  ? { batchMs: 5, warmupMs: 100, rounds: 7, streamRuns: 1, streamCapMs: 1500 }
  : { batchMs: 20, warmupMs: 300, rounds: 21, streamRuns: 3, streamCapMs: 4000 };
const HOST_CALLS = 100;
const STREAM_TOTAL = 64 * 2 ** 20,
  STREAM_CHUNK = 64 * 2 ** 10;
const WEFT_BIN = process.env.WEFT_BIN || join(REPO, 'target/release/weft');

if (!hasJspi()) {
  if (process.env.WEFT_ASYNC_BENCH_CHILD || !existsSync(NODE24)) {
    console.error(
      `bench/async.mjs: needs JSPI (WebAssembly.Suspending): run node_modules/node/bin/node ${JSPI_FLAG} bench/async.mjs`,
    );
    process.exit(1);
  }
  const r = spawnSync(NODE24, [JSPI_FLAG, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, WEFT_ASYNC_BENCH_CHILD: '1' },
  });
  process.exit(r.status ?? 1);
}

// ---------------------------------------------------------------------------------------
// Timing (statistics and formatting: bench/stats.mjs, shared with bench/run.mjs).
const now = () => process.hrtime.bigint();
/** The process's CPU time (user + system), µs: steadier than the wall clock on a loaded machine. */
const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

// ---------------------------------------------------------------------------------------
// Loading: one instance per (impl, host flavour).
const tick = { value: () => 1, promise: () => Promise.resolve(1) };
async function load(js, flavour) {
  const root = await instantiateGlue(js, { 'test:async-bench/host': { tick: tick[flavour] } });
  const api = root.bench;
  // Correctness first: a wrong answer fails the implementation, not the run.
  if ((await api.nop()) !== 1) throw new Error('nop() !== 1');
  if ((await api.nopSync()) !== 1) throw new Error('nopSync() !== 1');
  if ((await api.callHost(10)) !== 10) throw new Error('callHost(10) !== 10');
  let n = 0;
  for await (const c of await api.generate(1000n, 100)) {
    for (const b of c) if (b !== 0xa5) throw new Error(`generate: byte ${b}`);
    n += c.length;
  }
  if (n !== 1000) throw new Error(`generate(1000): ${n} bytes`);
  return api;
}

/** bench/async-nop.wat through weft's glue (its exports are the world's own). */
async function loadGlueOnly() {
  const out = join(OUT, 'async/weft-nop');
  const args = ['transpile', join(BENCH, 'async-nop.wat'), '-o', out, '--name', 'async-nop'];
  const r = spawnSync(WEFT_BIN, [...args, '--instantiation', 'async', '--no-typescript', '--quiet'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`weft transpile bench/async-nop.wat: ${r.stderr}`);
  const one = async () => {
    const api = await instantiateGlue(join(out, 'async-nop.js'));
    if ((await api.nop()) !== 1 || api.nopSync() !== 1) throw new Error('async-nop: nop() or nopSync() !== 1');
    return api;
  };
  const api = await one();
  return { api, second: await one() };
}

/**
 * The wit-bindgen guest's async `nop` with no glue at all: its core export called
 * directly from JS, with stand-ins for the only built-ins that call makes (its context
 * slot and `task.return`), then one await. What the guest's own async machinery (its
 * executor, allocations, context slot) costs, apart from any component-model runtime.
 */
async function loadDirect(dir) {
  const NOP = '[async-lift]test:async-bench/bench@0.1.0#nop';
  const mod = readdirSync(dir)
    .filter((f) => f.endsWith('.wasm'))
    .map((f) => new WebAssembly.Module(readFileSync(join(dir, f))))
    .find((m) => WebAssembly.Module.exports(m).some((e) => e.name === NOP));
  if (!mod) throw new Error(`no core module of ${dir} exports ${NOP}`);
  let slot = 0;
  let value;
  const stand = {
    '[context-get-0]': () => slot,
    '[context-set-0]': (v) => {
      slot = v;
    },
    '[task-return]nop': (v) => {
      value = v;
    },
  };
  const imports = {};
  for (const { module, name } of WebAssembly.Module.imports(mod)) {
    imports[module] ??= {};
    imports[module][name] =
      stand[name] ??
      (() => {
        throw new Error(`nop called ${name}`);
      });
  }
  const nop = new WebAssembly.Instance(mod, imports).exports[NOP];
  const api = {
    nop: async () => {
      if (nop() !== 0) throw new Error('nop did not exit at once');
      return value;
    },
  };
  if ((await api.nop()) !== 1) throw new Error('direct nop() !== 1');
  return api;
}

// Per-operation latency: batches of ~batchMs of sequential awaited calls.
const CASES = [
  {
    name: 'host → guest: await nop()',
    flavour: 'value',
    per: 1,
    run: async (api, n) => {
      for (let i = 0; i < n; i++) await api.nop();
    },
  },
  {
    name: '(floor: sync call + one await) await nopSync()',
    flavour: 'value',
    per: 1,
    run: async (api, n) => {
      for (let i = 0; i < n; i++) await api.nopSync();
    },
  },
  // The same two calls on bench/async-nop.wat, whose `nop` only calls task.return (no guest
  // runtime): the glue's own share (weft only).
  {
    name: 'glue only (bench/async-nop.wat): await nop()',
    flavour: 'glue',
    per: 1,
    run: async (api, n) => {
      for (let i = 0; i < n; i++) await api.nop();
    },
  },
  {
    name: 'glue only, two instances called in turn: await nop()',
    flavour: 'glue2',
    per: 2,
    run: async ([a, b], n) => {
      for (let i = 0; i < n; i++) {
        await a.nop();
        await b.nop();
      }
    },
  },
  {
    name: '(floor, bench/async-nop.wat) await nopSync()',
    flavour: 'glue',
    per: 1,
    run: async (api, n) => {
      for (let i = 0; i < n; i++) await api.nopSync();
    },
  },
  // The guest's own cost: its async `nop` export called without any glue (see loadDirect).
  {
    name: '(the guest alone) core `[async-lift]…#nop` + one await',
    flavour: 'direct',
    per: 1,
    run: async (api, n) => {
      for (let i = 0; i < n; i++) await api.nop();
    },
  },
  {
    name: `guest → host: tick() → value, per call (×${HOST_CALLS})`,
    flavour: 'value',
    per: HOST_CALLS,
    run: async (api, n) => {
      for (let i = 0; i < n; i++) await api.callHost(HOST_CALLS);
    },
  },
  {
    name: `guest → host: tick() → Promise, per call (×${HOST_CALLS})`,
    flavour: 'promise',
    per: HOST_CALLS,
    run: async (api, n) => {
      for (let i = 0; i < n; i++) await api.callHost(HOST_CALLS);
    },
  },
];

async function calibrate(c, api) {
  let n = 1;
  for (;;) {
    const t0 = now();
    await c.run(api, n);
    const ms = Number(now() - t0) / 1e6;
    if (ms >= CFG.batchMs || n >= 1 << 20) return Math.max(1, Math.round((n * CFG.batchMs) / Math.max(ms, 0.01)));
    n *= ms < CFG.batchMs / 8 ? 8 : 2;
  }
}

async function latency(impls, apis) {
  const rows = [];
  for (const c of CASES) {
    const live = impls.filter((i) => apis[i][c.flavour]),
      sizes = {},
      samples = {},
      cpu = {};
    for (const impl of live) {
      const api = apis[impl][c.flavour];
      for (const end = Date.now() + CFG.warmupMs; Date.now() < end; ) await c.run(api, 16);
      sizes[impl] = await calibrate(c, api);
      samples[impl] = [];
      cpu[impl] = [];
    }
    for (let r = 0; r < CFG.rounds; r++) {
      for (let k = 0; k < live.length; k++) {
        const impl = live[(r + k) % live.length]; // rotate the order every round
        const t0 = now(),
          c0 = cpuNow();
        await c.run(apis[impl][c.flavour], sizes[impl]);
        samples[impl].push(Number(now() - t0) / sizes[impl] / c.per);
        cpu[impl].push(((cpuNow() - c0) * 1e3) / sizes[impl] / c.per);
      }
    }
    const ns = Object.fromEntries(live.map((i) => [i, median(samples[i])]));
    const cpuNs = Object.fromEntries(live.map((i) => [i, median(cpu[i])]));
    const iqr = Math.max(0, ...live.map((i) => (quantile(samples[i], 0.75) - quantile(samples[i], 0.25)) / ns[i]));
    rows.push({ case: c.name, ns, cpuNs, iqr, measured: live });
    process.stderr.write(`  ${c.name}: ${live.map((i) => `${i} ${fmtNs(ns[i])}`).join(', ')}\n`);
  }
  return rows;
}

// stream<u8> throughput: one generate() per run, read to the end (or until the cap)
// by JS with `for await`, or by another instance's consume() (guest → guest: the
// stream passes from one instance to the other untouched by JS). MB/s on the wall
// clock and on the process's CPU time (cpuNow).
async function toJs(api) {
  const cap = Date.now() + CFG.streamCapMs;
  let bytes = 0;
  for await (const c of await api.generate(BigInt(STREAM_TOTAL), STREAM_CHUNK)) {
    bytes += c.length;
    if (Date.now() > cap) return { bytes, capped: true }; // break cancels the stream
  }
  return { bytes, capped: false };
}
const CHUNK_BYTES = new Uint8Array(STREAM_CHUNK).fill(0xa5);
function* jsChunks() {
  for (let i = 0; i < STREAM_TOTAL / STREAM_CHUNK; i++) yield CHUNK_BYTES;
}
async function fromJs(api) {
  const bytes = Number(await api.consume(jsChunks(), STREAM_CHUNK));
  return { bytes, capped: false };
}
async function toGuest(api, other) {
  const bytes = Number(await other.consume(await api.generate(BigInt(STREAM_TOTAL), STREAM_CHUNK), STREAM_CHUNK));
  return { bytes, capped: false };
}
async function throughput(impls, apis, how, skip = () => false) {
  const res = {};
  for (const impl of impls) {
    const api = apis[impl].value,
      other = apis[impl].promise;
    if (!api || !other || skip(impl)) continue;
    const runs = [];
    try {
      await how(api, other); // warm-up (JIT), not timed
      for (let r = 0; r < CFG.streamRuns; r++) {
        const t0 = now(),
          c0 = cpuNow();
        const { bytes, capped } = await how(api, other);
        const s = Number(now() - t0) / 1e9,
          cpu = (cpuNow() - c0) / 1e6;
        if (!capped && bytes !== STREAM_TOTAL) throw new Error(`${impl}: stream ended after ${bytes} bytes`);
        runs.push({ mbps: bytes / s / 1e6, cpuMbps: bytes / cpu / 1e6, bytes, capped });
      }
    } catch (e) {
      res[impl] = { error: String(e.message).split('\n')[0] };
      continue;
    }
    const mbps = median(runs.map((r) => r.mbps)),
      cpuMbps = median(runs.map((r) => r.cpuMbps));
    res[impl] = { mbps, cpuMbps, bytes: Math.min(...runs.map((r) => r.bytes)), capped: runs.some((r) => r.capped) };
    process.stderr.write(
      `  stream<u8> ${how.name}: ${impl} ${mbps.toFixed(1)} MB/s (CPU time: ${cpuMbps.toFixed(1)} MB/s)\n`,
    );
  }
  return res;
}

// ---------------------------------------------------------------------------------------
async function main() {
  mkdirSync(OUT, { recursive: true });
  const notes = [];
  if (!existsSync(join(REPO, 'fixtures/build/async-bench.wasm'))) {
    process.stderr.write('building the guests (bash fixtures/build.sh)...\n');
    const b = spawnSync('bash', [join(REPO, 'fixtures/build.sh')], { stdio: 'inherit' });
    if (b.status !== 0) throw new Error('fixtures/build.sh failed');
  }
  fixturePath('async-bench');

  const glue = {};
  glue.jco = transpileFixture('jco', 'async-bench', { out: join(OUT, 'async/jco') });
  if (!existsSync(WEFT_BIN)) {
    notes.push(
      `weft binary not built (${relative(REPO, WEFT_BIN)}): \`cargo build --release\` or WEFT_BIN=path (weft columns skipped)`,
    );
  } else {
    try {
      glue.weft = transpileFixture('weft', 'async-bench', { bin: WEFT_BIN, out: join(OUT, 'async/weft') });
    } catch (e) {
      const reason = unsupportedAsync(e);
      if (!reason) throw e;
      notes.push(`weft columns skipped, weft transpile says: ${reason}`);
    }
  }
  const impls = ['weft', 'jco'].filter((i) => glue[i]);
  const apis = {};
  for (const impl of impls) {
    apis[impl] = {};
    for (const flavour of Object.keys(tick)) {
      try {
        apis[impl][flavour] = await load(glue[impl], flavour);
      } catch (e) {
        notes.push(`**FAIL** ${impl} (tick → ${flavour}): ${String(e.message).split('\n')[0]}`);
      }
    }
  }

  if (apis.weft) {
    try {
      const { api, second } = await loadGlueOnly();
      apis.weft.glue = api;
      apis.weft.glue2 = [api, second];
    } catch (e) {
      notes.push(`**FAIL** weft (bench/async-nop.wat): ${String(e.message).split('\n')[0]}`);
    }
    try {
      apis.weft.direct = await loadDirect(dirname(glue.weft));
    } catch (e) {
      notes.push(`**FAIL** the guest alone: ${String(e.message).split('\n')[0]}`);
    }
  }

  const lines = [];
  const say = (s = '') => {
    lines.push(s);
    console.log(s);
  };
  say(`# weft async benchmarks${QUICK ? ' (--quick)' : ''}`);
  say();
  say(
    `${new Date().toISOString()} · node ${process.version} (JSPI) · ${cpus().length}× ${cpus()[0]?.model.trim()} · loadavg ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  say(
    `jco ${JSON.parse(readFileSync(join(REPO, 'node_modules/@bytecodealliance/jco/package.json'), 'utf8')).version} · guest: fixtures/guests/async-bench (wit-bindgen async, callback-form lifts) · \`--instantiation async\` · ${CFG.rounds} interleaved rounds of ~${CFG.batchMs} ms batches, median`,
  );
  for (const n of notes) say(`> **note:** ${n}`);
  say();

  process.stderr.write('async call latency...\n');
  const calls = await latency(impls, apis);
  say('## Async call latency (per call, median)');
  say();
  const cell = (row, impl) => {
    if (row.ns[impl] != null) return fmtNs(row.ns[impl]);
    return glue[impl] && row.measured.length === impls.length ? 'FAIL' : '—';
  };
  say(
    table(
      ['case', 'weft', 'jco', 'jco/weft', 'noise'],
      calls.map((row) => [
        row.case,
        cell(row, 'weft'),
        cell(row, 'jco'),
        fmtRatio(row.ns.jco / row.ns.weft),
        `±${(row.iqr * 50).toFixed(0)}%`,
      ]),
    ),
  );
  say();

  process.stderr.write('stream throughput...\n');
  const tp = await throughput(impls, apis, toJs);
  // An implementation that cannot finish 64 MiB to JS within the cap is not run guest → guest.
  const tpg = await throughput(impls, apis, toGuest, (impl) => tp[impl]?.capped);
  const tpj = await throughput(impls, apis, fromJs, (impl) => tp[impl]?.capped);
  say(
    `## stream<u8> throughput (generate(${STREAM_TOTAL / 2 ** 20} MiB, ${STREAM_CHUNK / 2 ** 10} KiB chunks): JS reads with for await, or another instance's consume() reads ${STREAM_CHUNK / 2 ** 10} KiB at a time; MB/s wall clock (CPU time), median of ${CFG.streamRuns})`,
  );
  say();
  const tcell = (res, impl) => {
    const r = res[impl];
    if (!r) return glue[impl] ? (impl in tp && tp[impl]?.capped ? 'not run (too slow to JS)' : 'FAIL') : '—';
    if (r.error) return `FAIL: ${r.error}`;
    const f = (x) => x.toFixed(x < 10 ? 2 : 0);
    return `${f(r.mbps)} (${f(r.cpuMbps)})${r.capped ? ` (${(r.bytes / 2 ** 20).toFixed(r.bytes < 2 ** 20 ? 3 : 1)} MiB in ${CFG.streamCapMs / 1000} s)` : ''}`;
  };
  say(
    table(
      ['case', 'weft', 'jco', 'weft/jco'],
      [
        ['stream<u8> guest → JS', tcell(tp, 'weft'), tcell(tp, 'jco'), fmtRatio(tp.weft?.mbps / tp.jco?.mbps)],
        [
          'stream<u8> JS → guest (a generator of 64 KiB Uint8Arrays)',
          tcell(tpj, 'weft'),
          tcell(tpj, 'jco'),
          fmtRatio(tpj.weft?.mbps / tpj.jco?.mbps),
        ],
        [
          'stream<u8> guest → guest (two instances)',
          tcell(tpg, 'weft'),
          tcell(tpg, 'jco'),
          fmtRatio(tpg.weft?.mbps / tpg.jco?.mbps),
        ],
      ],
    ),
  );
  say();

  writeFileSync(
    join(OUT, 'async-results.json'),
    JSON.stringify(
      { date: new Date().toISOString(), quick: QUICK, notes, calls, stream: tp, streamFromJs: tpj, streamGuest: tpg },
      null,
      2,
    ),
  );
  writeFileSync(join(OUT, 'async-results.md'), `${lines.join('\n')}\n`);
  process.stderr.write(`wrote ${relative(REPO, join(OUT, 'async-results.md'))} and async-results.json\n`);
}

main().catch((e) => {
  console.error(e.stack || e);
  process.exit(1);
});
