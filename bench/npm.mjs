#!/usr/bin/env node
// The npm package weftjs against jco (node_modules/@bytecodealliance/jco):
//   1. installed size: weftjs (the packed tarball installed into an empty
//      directory) vs jco plus every package it depends on;
//   2. CLI wall and CPU time: `weft transpile` from that install vs `jco transpile`
//      (and the native CLI, target/release/weft, when built),
//      on bench/components/*, node start-up included, interleaved runs;
//   3. warm in-process transpile(): weftjs's API vs jco's `transpile` API
//      (each after 60 warm-up calls on the component);
//   4. Chromium: loadComponent of a ~50 KB component (transpile + instantiate
//      in the page), after weftjs/browser has loaded (its load time too).
//   node bench/npm.mjs [--quick]       needs bash npm/build.sh first
// Prints markdown tables and writes them to bench/out/npm-results.md.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median, table } from './stats.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const OUT = join(BENCH, 'out');
const QUICK = process.argv.includes('--quick');
const RUNS = QUICK ? 3 : 15;
const WARM = QUICK ? 10 : 40;
const WARMUP = QUICK ? 20 : 60;
const NM = join(ROOT, 'node_modules');
const PAGE_COMPONENT = join(ROOT, 'fixtures/build/wasi-hello.wasm');

const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
const ms = (n) => `${n.toFixed(1)} ms`;

/** Bytes of every file under `path` (symlinks not followed). */
function du(path) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((n, e) => n + du(join(path, e)), 0);
}

/** Where `dep` resolves from the package in `dir` (Node's lookup: nested node_modules, then up). */
function resolveDep(dir, dep) {
  for (let d = dir; d.startsWith(ROOT); d = dirname(d)) {
    const candidate = join(d, 'node_modules', dep);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
  }
  return null;
}

/** Bytes of a package and of every package it depends on (each counted once). */
function installedSize(name) {
  const seen = new Set();
  const visit = (dir) => {
    if (!dir || seen.has(dir)) return;
    seen.add(dir);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(resolveDep(dir, dep));
  };
  visit(resolveDep(ROOT, name));
  // A package's own nested node_modules are its dependencies: counted once, through them.
  return [...seen].reduce((n, dir) => n + du(dir) - du(join(dir, 'node_modules')), 0);
}

function install() {
  const tarball = readdirSync(join(ROOT, 'npm')).find((f) => /^weftjs-.*\.tgz$/.test(f));
  if (!tarball) throw new Error('npm/weftjs-<version>.tgz is missing: run bash npm/build.sh');
  const dir = mkdtempSync(join(tmpdir(), 'weftjs-bench-'));
  writeFileSync(join(dir, 'package.json'), '{"name":"bench","private":true,"type":"module"}');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', join(ROOT, 'npm', tarball)], {
    cwd: dir,
    stdio: 'pipe',
  });
  return { dir, tarball: statSync(join(ROOT, 'npm', tarball)).size };
}

function sizes(dir, tarball) {
  const weft = du(join(dir, 'node_modules'));
  const wasm = statSync(join(dir, 'node_modules/weftjs/wasm/weft_bg.wasm')).size;
  const jco = installedSize('@bytecodealliance/jco');
  const jcoOnly = du(join(NM, '@bytecodealliance/jco')) - du(join(NM, '@bytecodealliance/jco/node_modules'));
  const jcoTranspile = installedSize('@bytecodealliance/jco-transpile');
  return {
    md: table(
      ['package', 'installed', 'weftjs is'],
      [
        ['weftjs (whole install)', mb(weft), '1×'],
        ['  its wasm (weft_bg.wasm)', mb(wasm), ''],
        ['  the tarball (npm pack)', mb(tarball), ''],
        ['@bytecodealliance/jco + dependencies', mb(jco), `1/${(jco / weft).toFixed(0)}`],
        [
          '  @bytecodealliance/jco alone (without its nested node_modules)',
          mb(jcoOnly),
          `1/${(jcoOnly / weft).toFixed(1)}`,
        ],
        [
          '  @bytecodealliance/jco-transpile + deps (its transpiler)',
          mb(jcoTranspile),
          `1/${(jcoTranspile / weft).toFixed(1)}`,
        ],
      ],
    ),
  };
}

/** The bench components as binaries (wasm-tools parse), in `dir`. */
function components(dir) {
  return readdirSync(join(BENCH, 'components'))
    .filter((f) => f.endsWith('.wat'))
    .map((f) => {
      const wasm = join(dir, f.replace(/\.wat$/, '.wasm'));
      execFileSync('wasm-tools', ['parse', join(BENCH, 'components', f), '-o', wasm]);
      return wasm;
    });
}

/** `/usr/bin/time` (GNU) when present: a child's CPU time (user + system) next to its wall time. */
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** Runs `bin args`; its wall time and, with TIME, CPU time in ms. */
function timed(bin, args) {
  const [cmd, argv] = TIME ? [TIME, ['-f', 'cpu %U %S', bin, ...args]] : [bin, args];
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { encoding: 'utf8' });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')}: ${r.stderr}`);
  const m = TIME && /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return { wall, cpu: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN };
}

/** The native CLI (`cargo build --release`), when built: its row shows the target of >= 10x jco. */
const NATIVE = join(ROOT, 'target/release/weft');

function wallTime(installDir, inputs) {
  const tools = {
    weft: [join(installDir, 'node_modules/.bin/weft'), []],
    jco: [join(NM, '.bin/jco'), ['--quiet']],
  };
  if (existsSync(NATIVE)) tools.native = [NATIVE, ['--quiet']];
  const names = Object.keys(tools);
  const rows = [];
  for (const input of inputs) {
    const name = input.split('/').pop().replace('.wasm', '');
    const times = Object.fromEntries(names.map((t) => [t, { wall: [], cpu: [] }]));
    for (let i = 0; i < RUNS; i++) {
      for (const tool of i % 2 ? [...names].reverse() : names) {
        const [bin, extra] = tools[tool];
        const out = join(installDir, `out-${tool}-${name}`);
        const { wall, cpu } = timed(bin, ['transpile', input, '-o', out, '--name', name, ...extra]);
        times[tool].wall.push(wall);
        times[tool].cpu.push(cpu);
        rmSync(out, { recursive: true, force: true });
      }
    }
    const wall = (t) => median(times[t].wall);
    const cpu = (t) => median(times[t].cpu);
    const ratio = (j, w) => `${(j / w).toFixed(1)}×`;
    const row = [name, ms(wall('weft')), ms(wall('jco')), ratio(wall('jco'), wall('weft'))];
    row.push(ms(cpu('weft')), ms(cpu('jco')), ratio(cpu('jco'), cpu('weft')));
    if (tools.native) row.push(ms(wall('native')), ratio(wall('jco'), wall('native')));
    rows.push(row);
  }
  const head = [
    'component',
    'wall: `weft transpile` (npm)',
    '`jco transpile`',
    'jco/weft',
    'CPU (user+sys): weft',
    'jco',
    'jco/weft',
  ];
  if (tools.native) head.push('wall: native `weft transpile`', 'jco/native');
  return table(head, rows);
}

async function warm(installDir, inputs) {
  const weft = await import(pathToFileURL(join(installDir, 'node_modules/weftjs/src/node.js')).href);
  const jco = await import(pathToFileURL(join(NM, '@bytecodealliance/jco/dist/api.js')).href);
  const rows = [];
  for (const input of inputs) {
    const bytes = readFileSync(input);
    const name = input.split('/').pop().replace('.wasm', '');
    // Warm: past V8's tier-up to optimised code (weft's wasm runs its first
    // calls in the baseline tier; 3 warm-up calls left some rows there).
    const time = async (f) => {
      for (let i = 0; i < WARMUP; i++) await f();
      const t = [];
      for (let i = 0; i < WARM; i++) {
        const t0 = performance.now();
        await f();
        t.push(performance.now() - t0);
      }
      return median(t);
    };
    const w = await time(() => weft.transpile(bytes, { name }));
    const j = await time(() => jco.transpile(bytes, { name, quiet: true }));
    rows.push([name, `${(w * 1000).toFixed(0)} µs`, `${(j * 1000).toFixed(0)} µs`, `${(j / w).toFixed(1)}×`]);
  }
  return table(['component', 'weftjs `transpile()`', 'jco `transpile()`', 'jco/weft'], rows);
}

async function chromium(installDir) {
  const { chromium } = await import(pathToFileURL(join(NM, 'playwright/index.mjs')).href);
  const { serve } = await import(pathToFileURL(join(ROOT, 'src/cli/server.mjs')).href);
  const { CHROMIUM, CHROMIUM_ARGS } = {
    CHROMIUM: process.env.WEFT_CHROMIUM ?? '/usr/bin/chromium',
    CHROMIUM_ARGS: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  };
  writeFileSync(join(installDir, 'component.wasm'), readFileSync(PAGE_COMPONENT));
  writeFileSync(join(installDir, 'blank.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">');
  const server = await serve(installDir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const load = [];
  const first = [];
  const again = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const page = await browser.newPage();
      await page.goto(`${server.url}blank.html`);
      const r = await page.evaluate(async () => {
        const bytes = new Uint8Array(await (await fetch('/component.wasm')).arrayBuffer());
        let t0 = performance.now();
        const { loadComponent } = await import('/node_modules/weftjs/src/browser.js');
        const { createWasi, collectSink } = await import('/node_modules/weftjs/wasi/browser.js');
        const load = performance.now() - t0;
        const run = async () => {
          const stdout = collectSink();
          const t = performance.now();
          const app = await loadComponent(bytes, createWasi({ stdout }));
          const took = performance.now() - t;
          if (!app) throw new Error('no exports');
          return took;
        };
        t0 = 0;
        const first = await run();
        const again = await run();
        return { load, first, again };
      });
      load.push(r.load);
      first.push(r.first);
      again.push(r.again);
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const kb = (statSync(PAGE_COMPONENT).size / 1024).toFixed(0);
  return table(
    ['Chromium, fresh page each run', 'median'],
    [
      ['import weftjs/browser (fetch + compile the wasm build)', ms(median(load))],
      [`loadComponent(${kb} KB wasi-hello.wasm): transpile + instantiate, first call`, ms(median(first))],
      ['the same, second call in the page', ms(median(again))],
    ],
  );
}

const { dir, tarball } = install();
try {
  const inputs = components(dir);
  const parts = [
    `Load average at start: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (1/5/15 min, 2 cores). Medians of ${RUNS} runs (warm API: ${WARM}, after ${WARMUP} warm-up calls).`,
    '### Installed size',
    sizes(dir, tarball).md,
    '### `weft transpile` (npm bin, and the native CLI) vs `jco transpile`: wall time, node start-up included',
    wallTime(dir, inputs),
    '### Warm in-process transpile()',
    await warm(dir, inputs),
    '### loadComponent in Chromium',
    await chromium(dir),
  ];
  parts.push(
    `Load average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}.`,
  );
  const md = `${parts.join('\n\n')}\n`;
  console.log(md);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'npm-results.md'), md);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
