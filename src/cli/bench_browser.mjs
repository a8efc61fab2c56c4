// Browser entry of `weft bench --browser`: serves the run's temporary
// directory on 127.0.0.1, opens headless Chromium ($WEFT_CHROMIUM, else
// /usr/bin/chromium, through Playwright resolved from the current directory
// or $WEFT_PLAYWRIGHT) with --expose-gc and precise heap sizes, and runs
// bench_driver.mjs in the page. Prints one JSON line { engine, version,
// results } like bench_node.mjs. Chromium has no CPU-time clock: cpuNs is null.
//
// Usage: node bench_browser.mjs <config.json>
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serve } from './server.mjs';

const ROOT = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.WEFT_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--js-flags=--expose-gc', '--enable-precise-memory-info',
];

async function playwright() {
  const require = createRequire(join(process.cwd(), 'package.json'));
  const names = process.env.WEFT_PLAYWRIGHT ? [process.env.WEFT_PLAYWRIGHT] : ['playwright-core', '@playwright/test'];
  for (const name of names) {
    let path;
    try { path = require.resolve(name); } catch { continue; }
    const mod = await import(pathToFileURL(path).href);
    return mod.chromium ?? mod.default.chromium;
  }
  throw new Error(`--browser needs Playwright (playwright-core) installed where weft runs: not found from ${process.cwd()} (npm install playwright-core, or set WEFT_PLAYWRIGHT)`);
}

/** Runs in the page: the driver with fetch-based loading and performance.now(). */
async function inPage(config) {
  const { runBench } = await import('/bench_driver.mjs');
  const modules = new Map();
  const env = {
    cfg: config.cfg,
    now: () => performance.now() * 1e6,
    cpu: () => NaN,
    gc: typeof gc === 'function' ? gc : null,
    heapUsed: () => performance.memory?.usedJSHeapSize ?? 0,
    compile: (file) => {
      if (!modules.has(file)) modules.set(file, WebAssembly.compileStreaming(fetch(`${config.weftUrl}${file}`)));
      return modules.get(file);
    },
    loadWeft: () => import(`${config.weftUrl}${config.name}.js`),
    loadJco: config.jcoUrl ? () => import(`${config.jcoUrl}${config.name}.js`) : null,
    jcoError: config.jcoError,
    user: null,
    log: () => {},
  };
  if (config.argsUrl) {
    const mod = await import(config.argsUrl);
    env.user = mod.default ?? mod;
    env.userImports = mod.imports ?? env.user.imports ?? null;
  }
  if (!env.gc || !performance.memory) env.gc = null;
  return { engine: 'chromium', version: navigator.userAgent.match(/Chrom(?:e|ium)\/([\d.]+)/)?.[1] ?? '?', results: await runBench(config.spec, env) };
}

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const rel = (p) => `/${relative(ROOT, p).split('\\').join('/')}`;
const pageConfig = {
  ...config,
  weftUrl: `${rel(config.weftDir)}/`,
  jcoUrl: config.jcoDir ? `${rel(config.jcoDir)}/` : null,
  argsUrl: config.argsCopy ? rel(config.argsCopy) : null,
};
const server = await serve(ROOT);
let browser;
try {
  browser = await (await playwright()).launch({ executablePath: CHROMIUM, args: ARGS });
  const page = await browser.newPage();
  const home = `${server.url}bench.html`;
  await page.route(home, (route) => route.fulfill({
    contentType: 'text/html',
    body: '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>weft bench</title>',
  }));
  await page.goto(home);
  const out = await page.evaluate(inPage, pageConfig);
  process.stdout.write(`${JSON.stringify(out)}\n`);
} catch (e) {
  process.stderr.write(`BrowserError: ${String(e?.message ?? e).split('\n')[0]}\n`);
  process.exitCode = 1;
} finally {
  await browser?.close();
  await server.close();
}
