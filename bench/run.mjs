#!/usr/bin/env node
// weft benchmark harness: direct core-wasm calls vs weft glue vs jco glue.
//   node bench/run.mjs [--quick] [--rss] [--only <substring>]
// See bench/README.md for what each table measures.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fmtNs, fmtRatio, median, quantile, table } from './stats.mjs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { gzipSync } from 'node:zlib';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const OUT = join(BENCH, 'out');
const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const ONLY = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : '';

const BIN = {
  weft: process.env.WEFT_BIN || join(ROOT, 'target/release/weft'),
  jco: join(ROOT, 'node_modules/.bin/jco'),
};
// Identical flags for both tools: plain ESM glue, core wasm as separate files.
const TRANSPILE_FLAGS = ['--base64-cutoff', '0'];

const CFG = QUICK
  ? { batchMs: 4, warmupMs: 150, rounds: 9, transpileRuns: 3, rssCalls: 2e5 }
  : { batchMs: 10, warmupMs: 400, rounds: 41, transpileRuns: 10, rssCalls: 1e6 };

// ---------------------------------------------------------------------------------------
// Components and cases. A new row is one CASES entry; a new component is one COMPONENTS
// entry (its .wat, and the module whose `instantiate(componentBytes)` is the direct baseline).
const COMPONENTS = {
  bench: { wat: 'components/bench.wat', direct: './direct.mjs' },
  compose: { wat: 'components/compose.wat', direct: './direct-compose.mjs' },
  resource: { wat: 'components/resource.wat', direct: './direct-resource.mjs' },
};

const ascii16 = 'hello, weft! :-)';
const utf8Unit = 'héllo wörld — ünïcødé ✓ 🚀 '; // 1-, 2-, 3- and 4-byte utf8 sequences
const utf8k = utf8Unit.repeat(Math.ceil(1024 / new TextEncoder().encode(utf8Unit).length));
const bytes = (n) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 255);
const sum = (a) => a.reduce((s, b) => s + b, 0);
const COUNTER_VALUE = new WeakMap(); // resource inputs -> the value their get() returns
const counterValue = (c, v) => {
  COUNTER_VALUE.set(c, v);
  return c;
};

// name: row label; fn: export path in the glue's module namespace ('api.x' = `export * as api`);
// kind: 'scalar' | 'memory' (selects the weft/direct target); inputs: array (length a power
// of two) or (module) => array; expect(a): the correct JS result for input a; fold: JS
// expression over the result `r` giving a number (accumulated so results stay live and are
// checked); call: optional JS expression over `f` (resolved fn) and `a` (input), default f(a);
// rssCalls: calls for the --rss run (default CFG.rssCalls).
const CASES = [
  {
    name: 'classify: s32 -> enum',
    component: 'bench',
    fn: 'api.classify',
    kind: 'scalar',
    inputs: [-7, 0, 9, 3],
    expect: (x) => (x < 0 ? 'neg' : x > 0 ? 'pos' : 'zero'),
    fold: 'r.length',
  },
  {
    name: 'echo-string: 16 B ascii',
    component: 'bench',
    fn: 'api.echoString',
    kind: 'memory',
    inputs: [ascii16],
    expect: (s) => s,
    fold: 'r.length',
  },
  {
    name: 'echo-string: 1 KiB utf8',
    component: 'bench',
    fn: 'api.echoString',
    kind: 'memory',
    inputs: [utf8k],
    expect: (s) => s,
    fold: 'r.length',
  },
  {
    name: 'sum-bytes: list<u8> 64 B in',
    component: 'bench',
    fn: 'api.sumBytes',
    kind: 'memory',
    inputs: [bytes(64)],
    expect: sum,
    fold: 'r',
  },
  {
    name: 'sum-bytes: list<u8> 1 MiB in',
    component: 'bench',
    fn: 'api.sumBytes',
    kind: 'memory',
    inputs: [bytes(1 << 20)],
    expect: sum,
    fold: 'r',
    rssCalls: 2000,
  },
  {
    name: 'make-bytes: list<u8> 64 KiB out',
    component: 'bench',
    fn: 'api.makeBytes',
    kind: 'memory',
    inputs: [65536],
    expect: (n) => new Uint8Array(n).fill(n & 255),
    fold: 'r.length + r[r.length - 1]',
    rssCalls: 20000,
  },
  {
    name: 'transform: record {f64, f64, string}',
    component: 'bench',
    fn: 'api.transform',
    kind: 'memory',
    inputs: [
      { x: 1.5, y: -2, label: 'origin' },
      { x: -0.25, y: 1e9, label: 'pünkt' },
    ],
    expect: (p) => ({ x: p.x * 2, y: p.y + 1, label: p.label }),
    fold: 'r.x + r.y + r.label.length',
  },
  {
    name: 'cross-component relay: 16 B ascii',
    component: 'compose',
    fn: 'api.relay',
    kind: 'memory',
    inputs: [ascii16],
    expect: (s) => s,
    fold: 'r.length',
  },
  {
    name: 'cross-component relay: 1 KiB utf8',
    component: 'compose',
    fn: 'api.relay',
    kind: 'memory',
    inputs: [utf8k],
    expect: (s) => s,
    fold: 'r.length',
  },
  {
    name: 'cross-component relay: list of 16 records',
    component: 'compose',
    fn: 'api.relayPoints',
    kind: 'memory',
    inputs: [Array.from({ length: 16 }, (_, i) => ({ x: i * 1.5, y: -i, id: i * 1000 }))],
    expect: (ps) => ps.map((p) => ({ ...p })),
    fold: 'r.length + r[15].x',
  },
  {
    name: 'resource method: counter.get()',
    component: 'resource',
    fn: 'api.Counter',
    kind: 'scalar',
    inputs: (mod) => [7, 4e9].map((v) => counterValue(new mod.api.Counter(v), v)),
    expect: (c) => COUNTER_VALUE.get(c),
    fold: 'r',
    call: 'a.get()',
  },
].filter((c) => c.name.includes(ONLY));

const TARGETS = {
  scalar: { max: 1.1 },
  memory: { max: 1.2 }, // weft/direct
  callJcoOverWeft: { min: 5 },
  sizeJcoOverWeft: { min: 5 },
  transpileJcoOverWeft: { min: 10 },
};

// ---------------------------------------------------------------------------------------
// Building and transpiling.
function run(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0)
    throw new Error(`${relative(ROOT, cmd)} ${args.join(' ')} failed:\n${r.stderr || r.stdout || r.error}`);
  return ms;
}

function buildComponent(name) {
  const wat = join(BENCH, COMPONENTS[name].wat),
    wasm = join(OUT, `${name}.wasm`);
  if (!existsSync(wasm) || statSync(wasm).mtimeMs < statSync(wat).mtimeMs) run(BIN.jco, ['parse', wat, '-o', wasm]);
  return wasm;
}

const glueDir = (tool, name, minify = false) => join(OUT, minify ? `${tool}-min` : tool, name);
function transpile(tool, name, minify = false) {
  const dir = glueDir(tool, name, minify);
  rmSync(dir, { recursive: true, force: true });
  return run(BIN[tool], [
    'transpile',
    join(OUT, `${name}.wasm`),
    '-o',
    dir,
    '--name',
    name,
    ...TRANSPILE_FLAGS,
    ...(minify ? ['--minify'] : []),
    ...(tool === 'jco' ? ['--quiet'] : []),
  ]);
}

function filesUnder(dir, ext) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(ext))
    .map((f) => join(dir, f));
}
const bytesOf = (files) => files.reduce((s, f) => s + statSync(f).size, 0);
const gzipOf = (files) => files.reduce((s, f) => s + gzipSync(readFileSync(f), { level: 9 }).length, 0);

async function loadImpl(impl, name) {
  if (impl === 'direct') {
    const { instantiate } = await import(new URL(COMPONENTS[name].direct, import.meta.url));
    return instantiate(readFileSync(join(OUT, `${name}.wasm`)));
  }
  return import(pathToFileURL(join(glueDir(impl, name), `${name}.js`)).href);
}

// ---------------------------------------------------------------------------------------
// Per-call timing.
const now = () => process.hrtime.bigint();
const resolvePath = (mod, path) => path.split('.').reduce((o, k) => o?.[k], mod);

// A monomorphic loop per (case, impl): fresh source text (unique tag) so no feedback is shared.
function makeLoop(tag, c, f, inputs) {
  const mask = inputs.length - 1;
  if (inputs.length & mask) throw new Error(`${c.name}: inputs.length must be a power of two`);
  return new Function(
    'f',
    'inputs',
    `// ${tag}
    return function loop(n) {
      let acc = 0;
      for (let i = 0; i < n; i++) { const a = inputs[i & ${mask}]; const r = ${c.call ?? 'f(a)'}; acc += ${c.fold}; }
      return acc;
    };`,
  )(f, inputs);
}

function prepare(c, impl, mod) {
  const f = c.fn ? resolvePath(mod, c.fn) : undefined;
  if (c.fn && typeof f !== 'function') throw new Error(`export ${c.fn} not found`);
  const inputs = typeof c.inputs === 'function' ? c.inputs(mod) : c.inputs;
  const once = new Function('f', 'a', `return ${c.call ?? 'f(a)'};`);
  for (const a of inputs) {
    const got = once(f, a),
      want = c.expect(a);
    if (!isDeepStrictEqual(got, want)) throw new Error(`wrong result for input ${preview(a)}: got ${preview(got)}`);
  }
  const foldOne = new Function('r', `return ${c.fold};`);
  const folded = inputs.map((a) => foldOne(c.expect(a)));
  const expectAcc = (n) => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += folded[i & (folded.length - 1)];
    return acc;
  };
  const loop = makeLoop(`${c.name} @ ${impl}`, c, f, inputs);
  const timed = (n) => {
    const t0 = now(),
      acc = loop(n),
      dt = Number(now() - t0);
    if (acc !== expectAcc(n)) throw new Error(`${impl} / ${c.name}: checksum mismatch (${acc} != ${expectAcc(n)})`);
    return dt;
  };
  // Calibrate: grow n until one batch takes >= batchMs. Then warm up for warmupMs of wall
  // time (on a loaded machine the background JIT needs time to tier up big glue) and
  // recalibrate, since n was chosen on unoptimized code.
  const calibrate = (n) => {
    for (let dt = timed(n); dt < CFG.batchMs * 1e6; dt = timed(n))
      n = Math.min(n * 4, Math.ceil((n * CFG.batchMs * 1.2e6) / Math.max(dt, 1)));
    return n;
  };
  let n = calibrate(1);
  for (const end = Date.now() + CFG.warmupMs; Date.now() < end; ) timed(n);
  n = calibrate(Math.max(1, n >> 3));
  return { n, timed };
}

function preview(v) {
  const s = v instanceof Uint8Array ? `Uint8Array(${v.length})` : JSON.stringify(v);
  return s && s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

async function perCall(impls) {
  const rows = [];
  const mods = {};
  for (const c of CASES) {
    // A failing implementation (load error, wrong answer) loses its cell, not the run.
    const preps = {},
      fail = {};
    for (const impl of impls) {
      try {
        mods[impl + c.component] ??= loadImpl(impl, c.component);
        preps[impl] = prepare(c, impl, await mods[impl + c.component]);
      } catch (e) {
        fail[impl] = e.message.split('\n')[0];
      }
    }
    const live = impls.filter((i) => preps[i]);
    const samples = Object.fromEntries(live.map((i) => [i, []]));
    for (let r = 0; r < CFG.rounds; r++) {
      for (let k = 0; k < live.length; k++) {
        const impl = live[(r + k) % live.length]; // rotate the order every round
        const { n, timed } = preps[impl];
        samples[impl].push(timed(n) / n);
      }
    }
    const ns = Object.fromEntries(live.map((i) => [i, median(samples[i])]));
    // Noise indicator: the worst interquartile range across implementations, relative to the median.
    const iqr = Math.max(...live.map((i) => (quantile(samples[i], 0.75) - quantile(samples[i], 0.25)) / ns[i]));
    const min = Object.fromEntries(live.map((i) => [i, Math.min(...samples[i])]));
    rows.push({ case: c.name, kind: c.kind, ns, min, fail, iqr });
    process.stderr.write(`  ${c.name}: ${impls.map((i) => `${i} ${fail[i] ? 'FAIL' : fmtNs(ns[i])}`).join(', ')}\n`);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------
// RSS: one child process per (impl, case) so implementations don't share a heap.
async function rssChild(impl, caseName) {
  const c = CASES.find((x) => x.name === caseName);
  const mod = await loadImpl(impl, c.component);
  const f = c.fn ? resolvePath(mod, c.fn) : undefined;
  const inputs = typeof c.inputs === 'function' ? c.inputs(mod) : c.inputs;
  const loop = makeLoop(`${c.name} @ ${impl} rss`, c, f, inputs);
  const snap = () => {
    globalThis.gc();
    globalThis.gc();
    const m = process.memoryUsage();
    return { rss: m.rss, heap: m.heapUsed };
  };
  loop(10000);
  const warm = snap();
  loop(c.rssCalls ?? CFG.rssCalls);
  const after = snap();
  process.stdout.write(JSON.stringify({ warm, after, calls: c.rssCalls ?? CFG.rssCalls }));
}

function rss(impls, calls) {
  const rows = [];
  for (const c of CASES) {
    const failed = calls.find((r) => r.case === c.name).fail;
    for (const impl of impls.filter((i) => !failed[i])) {
      const r = spawnSync(
        process.execPath,
        ['--expose-gc', fileURLToPath(import.meta.url), ...(QUICK ? ['--quick'] : []), '--rss-child', impl, c.name],
        { cwd: ROOT, encoding: 'utf8' },
      );
      if (r.status !== 0) throw new Error(`rss child ${impl} / ${c.name} failed:\n${r.stderr}`);
      rows.push({ case: c.name, impl, ...JSON.parse(r.stdout) });
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------
// Reporting.
const ratio = (a, b) => (a == null || b == null ? null : a / b);
function verdict(x, t) {
  if (x == null) return t.max != null ? `≤ ${t.max}` : `≥ ${t.min}`;
  const ok = t.max != null ? x <= t.max : x >= t.min;
  return `${t.max != null ? `≤ ${t.max}` : `≥ ${t.min}`} ${ok ? '✓' : '✗'}`;
}
const MiB = (b) => (b / 2 ** 20).toFixed(1);

// ---------------------------------------------------------------------------------------
async function main() {
  if (argv.includes('--rss-child')) {
    const i = argv.indexOf('--rss-child');
    return rssChild(argv[i + 1], argv[i + 2]);
  }
  mkdirSync(OUT, { recursive: true });
  const haveWeft = existsSync(BIN.weft);
  const tools = haveWeft ? ['weft', 'jco'] : ['jco'];
  const notes = [];
  const components = [...new Set(CASES.map((c) => c.component))];
  for (const name of components) buildComponent(name);

  // Transpile (plain + minified) for every tool; a failing weft is reported, not fatal.
  const built = new Set();
  for (const tool of tools) {
    try {
      for (const name of components) {
        transpile(tool, name);
        transpile(tool, name, true);
      }
      built.add(tool);
    } catch (e) {
      if (tool === 'jco') throw e;
      notes.push(`weft transpile failed, weft columns skipped: ${e.message.split('\n').slice(0, 4).join(' / ')}`);
    }
  }
  if (!haveWeft) notes.push('weft binary not built: `cargo build --release` (weft columns skipped)');
  const W = built.has('weft');
  const impls = ['direct', ...(W ? ['weft'] : []), 'jco'];

  const lines = [];
  const say = (s = '') => {
    lines.push(s);
    console.log(s);
  };
  say(`# weft benchmarks${QUICK ? ' (--quick)' : ''}`);
  say();
  say(
    `${new Date().toISOString()} · node ${process.version} · ${cpus().length}× ${cpus()[0]?.model.trim()} · loadavg ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  say(
    `jco ${JSON.parse(readFileSync(join(ROOT, 'node_modules/@bytecodealliance/jco/package.json'), 'utf8')).version} · transpile flags: \`${TRANSPILE_FLAGS.join(' ')}\` (plain ESM) · ${CFG.rounds} interleaved rounds of ~${CFG.batchMs} ms batches, median`,
  );
  for (const n of notes) say(`> **note:** ${n}`);
  say();

  process.stderr.write('per-call timing...\n');
  const calls = await perCall(impls);
  say('## Per-call time (ns/call, median)');
  say();
  const cell = (row, impl) => (row.fail[impl] ? 'FAIL' : fmtNs(row.ns[impl]));
  say(
    table(
      ['case', 'direct', 'weft', 'jco', 'weft/direct', 'target', 'jco/weft', 'target', 'jco/direct', 'noise'],
      calls.map((row) => {
        const { ns } = row,
          wd = ratio(ns.weft, ns.direct),
          jw = ratio(ns.jco, ns.weft);
        return [
          row.case,
          cell(row, 'direct'),
          cell(row, 'weft'),
          cell(row, 'jco'),
          fmtRatio(wd),
          verdict(wd, TARGETS[row.kind]),
          fmtRatio(jw),
          verdict(jw, TARGETS.callJcoOverWeft),
          fmtRatio(ratio(ns.jco, ns.direct)),
          `±${(row.iqr * 50).toFixed(0)}%`,
        ];
      }),
    ),
  );
  for (const row of calls)
    for (const [impl, msg] of Object.entries(row.fail)) say(`> **FAIL** ${impl} / ${row.case}: ${msg}`);
  say();

  process.stderr.write('transpile timing...\n');
  const tt = [];
  for (const name of components) {
    const ms = Object.fromEntries([...built].map((t) => [t, []]));
    for (let i = 0; i < CFG.transpileRuns; i++) {
      const order = i & 1 ? [...built].reverse() : [...built];
      for (const t of order) ms[t].push(transpile(t, name));
    }
    tt.push({ name, weft: W ? median(ms.weft) : null, jco: median(ms.jco) });
  }
  say(`## Transpile time (wall ms of the whole CLI command, median of ${CFG.transpileRuns})`);
  say();
  say(
    table(
      ['component', 'weft', 'jco', 'jco/weft', 'target'],
      tt.map((r) => {
        const x = ratio(r.jco, r.weft);
        return [
          r.name,
          r.weft == null ? '—' : r.weft.toFixed(1),
          r.jco.toFixed(1),
          fmtRatio(x),
          verdict(x, TARGETS.transpileJcoOverWeft),
        ];
      }),
    ),
  );
  say();

  const sizes = [];
  for (const name of components) {
    const of = (tool, minify, ext) => (built.has(tool) ? filesUnder(glueDir(tool, name, minify), ext) : null);
    const rowsFor = [
      ['glue .js', (t) => of(t, false, '.js'), bytesOf],
      ['glue .js --minify', (t) => of(t, true, '.js'), bytesOf],
      ['glue .js gzip -9', (t) => of(t, false, '.js'), gzipOf],
      ['glue .js --minify, gzip -9', (t) => of(t, true, '.js'), gzipOf],
      ['core .wasm', (t) => of(t, false, '.wasm'), bytesOf],
    ];
    for (const [label, files, measure] of rowsFor) {
      const w = files('weft'),
        j = files('jco');
      sizes.push({ name, label, weft: w && measure(w), jco: measure(j) });
    }
    sizes.push({
      name,
      label: 'input component .wasm',
      weft: null,
      jco: statSync(join(OUT, `${name}.wasm`)).size,
      input: true,
    });
  }
  say('## Output size (bytes)');
  say();
  say(
    table(
      ['component', 'output', 'weft', 'jco', 'jco/weft', 'target'],
      sizes.map((r) => {
        const x = ratio(r.jco, r.weft),
          glue = r.label.startsWith('glue');
        return [
          r.name,
          r.label,
          r.input ? '' : (r.weft ?? '—'),
          r.jco,
          r.input ? '' : fmtRatio(x),
          glue ? verdict(x, TARGETS.sizeJcoOverWeft) : '',
        ];
      }),
    ),
  );
  say();

  let rssRows = null;
  if (argv.includes('--rss')) {
    process.stderr.write('rss...\n');
    rssRows = rss(impls, calls);
    say('## Memory: RSS / JS heap after warm-up vs after N calls (each in a fresh node process, after full gc)');
    say();
    say(
      table(
        ['case', 'impl', 'calls', 'RSS warm MiB', 'RSS after MiB', 'Δ RSS MiB', 'heap warm MiB', 'heap after MiB'],
        rssRows.map((r) => [
          r.case,
          r.impl,
          r.calls.toLocaleString('en-US'),
          MiB(r.warm.rss),
          MiB(r.after.rss),
          MiB(r.after.rss - r.warm.rss),
          MiB(r.warm.heap),
          MiB(r.after.heap),
        ]),
      ),
    );
    say();
  }

  writeFileSync(
    join(OUT, 'results.json'),
    JSON.stringify(
      { date: new Date().toISOString(), quick: QUICK, notes, calls, transpile: tt, sizes, rss: rssRows },
      null,
      2,
    ),
  );
  writeFileSync(join(OUT, 'results.md'), `${lines.join('\n')}\n`);
  process.stderr.write(`wrote ${relative(ROOT, join(OUT, 'results.md'))} and results.json\n`);
}

main().catch((e) => {
  console.error(e.stack || e);
  process.exit(1);
});
