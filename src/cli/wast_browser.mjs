// Browser driver for `weft wast --browser`: runs one .wast file's script (the
// same script.json the Node driver runs) in headless Chromium and prints the
// same JSON result lines, one per step, as they arrive.
//
// Usage: node wast_browser.mjs <script.json>
//
// It lives in the run's temporary directory next to wast_driver.mjs and
// server.mjs (written there by the runner). That directory, holding every
// file's transpiled output, is served on 127.0.0.1; a page imports
// wast_driver.mjs and calls its runScript with a loader that imports the glue
// by URL and compiles core modules with WebAssembly.compileStreaming (files
// whose components all failed to transpile run no JS: no browser is started).
// Playwright is resolved from the current directory (the repository) or
// $WEFT_PLAYWRIGHT (a path to playwright-core or @playwright/test); Chromium
// is $WEFT_CHROMIUM, else /usr/bin/chromium.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serve } from './server.mjs';

const ROOT = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.WEFT_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

async function playwright() {
  const require = createRequire(join(process.cwd(), 'package.json'));
  const candidates = process.env.WEFT_PLAYWRIGHT
    ? [process.env.WEFT_PLAYWRIGHT]
    : ['playwright-core', '@playwright/test'];
  for (const name of candidates) {
    let path;
    try {
      path = require.resolve(name);
    } catch {
      continue;
    }
    const mod = await import(pathToFileURL(path).href);
    return mod.chromium ?? mod.default.chromium;
  }
  throw new Error(`Playwright not found from ${process.cwd()} (run \`npm install\` or set WEFT_PLAYWRIGHT)`);
}

/** The script with URLs (relative to the served root) for each component's glue and core modules. */
function forBrowser(script) {
  const url = (path) => `/${relative(ROOT, path).split('\\').join('/')}`;
  const components = Object.fromEntries(Object.entries(script.components).map(([k, c]) => [k, c.error ? c : {
    ...c,
    url: url(c.js),
    base: `${url(c.dir)}/`,
    wasm: readdirSync(c.dir).filter((f) => f.endsWith('.wasm')),
  }]));
  return { ...script, components };
}

/** Runs in the page: imports the driver and runs the script with a URL loader. */
async function inPage(script) {
  const { runScript } = await import('/wast_driver.mjs');
  const loader = {
    async load(comp, fresh) {
      const glue = await import(`${comp.url}?instance=${fresh}`);
      const modules = new Map();
      // Compiled up front (the glue's sync getCoreModule cannot wait); a
      // compile error is thrown where Node's `new WebAssembly.Module` would.
      await Promise.all(comp.wasm.map(async (f) => {
        modules.set(f, await WebAssembly.compileStreaming(fetch(comp.base + f)).catch((e) => ({ error: e })));
      }));
      const getCoreModule = (path) => {
        const module = modules.get(path);
        if (!module) throw new Error(`no core module ${path} next to ${comp.url}`);
        if (module.error) throw module.error;
        return module;
      };
      return { glue, getCoreModule };
    },
  };
  const sent = [];
  await runScript(script, (r) => sent.push(window.weftEmit(r)), loader);
  await Promise.all(sent);
}

/** Runs the script in a fresh Chromium, serving this directory. */
async function inBrowser(script, emit) {
  const server = await serve(ROOT);
  let browser;
  try {
    browser = await (await playwright()).launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
    page.on('crash', () => process.stderr.write('the page crashed\n'));
    await page.exposeFunction('weftEmit', emit);
    const home = `${server.url}wast.html`;
    await page.route(home, (route) => route.fulfill({
      contentType: 'text/html',
      body: '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>weft wast</title>',
    }));
    await page.goto(home);
    await page.evaluate(inPage, script);
  } finally {
    await browser?.close();
    await server.close();
  }
}

const script = forBrowser(JSON.parse(readFileSync(process.argv[2], 'utf8')));
const emit = (r) => process.stdout.write(`${JSON.stringify(r)}\n`);
if (Object.values(script.components).every((c) => c.error)) {
  // Nothing was transpiled, so no step runs any JS: every result is the
  // component's error whatever the engine. No browser needed.
  const { runScript } = await import('./wast_driver.mjs');
  await runScript(script, emit);
} else {
  try {
    await inBrowser(script, emit);
  } catch (e) {
    // One line for the runner's FAIL message (Playwright's errors run long).
    process.stderr.write(`BrowserError: ${String(e?.message ?? e).split('\n')[0]}\n`);
    process.exitCode = 1;
  }
}
