// Shared by tests/node/async-guests.test.js, tests/node/async-leak.test.js and
// bench/async.mjs: transpiling the async guest fixtures (fixtures/guests/async-*,
// fixtures/compose/async-pipeline.wasm) with weft or jco, and the two reasons not to
// run them here:
//   - weft's transpile rejects the async ABI ("unsupported: ..."): skip, so the tests
//     switch on by themselves when the glue supports it;
//   - the glue needs JSPI (`WebAssembly.Suspending`) and this Node lacks it (Node 20;
//     jco always needs it): run again under Node 24 (`node_modules/node`) with
//     --experimental-wasm-jspi.
// Anything else is an error and must fail.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const NODE24 = join(REPO, 'node_modules/node/bin/node');
export const JSPI_FLAG = '--experimental-wasm-jspi';
export const JCO_BIN = join(REPO, 'node_modules/.bin/jco');

export const hasJspi = () => typeof WebAssembly.Suspending === 'function';

// weft prints `error: unsupported: <what>` for a feature it lacks; these are the async
// ABI's (async lifts/lowers, stream/future/error-context types, their built-ins).
const ASYNC_FEATURE =
  /\b(async|stream|future|error-context|context\.(get|set)|task\.(return|cancel)|waitable|subtask|backpressure|thread\.|yield|callback)/i;

/** The `unsupported: ...` line of a weft error about the async ABI, else null. */
export function unsupportedAsync(err) {
  const line = String(err?.message ?? err).match(/\bunsupported: .*$/m)?.[0];
  if (!line) return null;
  // The input's path (which names the async-* fixture) says nothing about the feature.
  const what = line.replace(/\S+\.(wasm|wat):?/g, '');
  return ASYNC_FEATURE.test(what) ? line.trim() : null;
}

/** True for the error a JSPI-needing glue throws on an engine without JSPI. */
export const needsJspi = (err) =>
  /needs JSPI|WebAssembly\.Suspending is not a constructor|WebAssembly\.promising is not a function/.test(
    String(err?.message ?? err),
  );

/** fixtures/build/<name>.wasm (bash fixtures/build.sh) or fixtures/compose/<name>.wasm. */
export function fixturePath(name) {
  for (const p of [join(REPO, 'fixtures/build', `${name}.wasm`), join(REPO, 'fixtures/compose', `${name}.wasm`)]) {
    if (existsSync(p)) return p;
  }
  throw new Error(`no fixture ${name}.wasm in fixtures/build (run bash fixtures/build.sh) or fixtures/compose`);
}

let tmpRoot;
/** A fresh temporary directory, removed at exit unless WEFT_TEST_KEEP is set. */
export function tmp(prefix) {
  if (!tmpRoot) {
    tmpRoot = mkdtempSync(join(tmpdir(), 'weft-async-'));
    if (!process.env.WEFT_TEST_KEEP) process.on('exit', () => rmSync(tmpRoot, { recursive: true, force: true }));
  }
  return mkdtempSync(join(tmpRoot, `${prefix}-`));
}

/** Extra weft flags for every fixture: $WEFT_TEST_FLAGS (e.g. `--minify`), split on spaces. */
const testFlags = () => (process.env.WEFT_TEST_FLAGS ?? '').split(' ').filter(Boolean);

/**
 * Transpiles fixture `name` with `impl` ('weft' | 'jco'; `bin` overrides the weft
 * binary) into `out` (default: a fresh temporary directory) with
 * `--instantiation async`; returns the path of the glue module. Throws an Error with
 * the tool's output on failure.
 */
export function transpileFixture(impl, name, { bin, out = tmp(`${impl}-${name}`), extra = [] } = {}) {
  const exe = impl === 'jco' ? JCO_BIN : (bin ?? process.env.WEFT_BIN ?? join(REPO, 'target/debug/weft'));
  const args = [
    'transpile',
    fixturePath(name),
    '-o',
    out,
    '--name',
    name,
    '--instantiation',
    'async',
    '--no-typescript',
    '--quiet',
    ...extra,
    ...(impl === 'weft' ? testFlags() : []),
  ];
  try {
    execFileSync(exe, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const text = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim();
    throw new Error(`${exe} ${args.join(' ')} failed (${e.status ?? e.code}):\n${text}`);
  }
  return join(out, `${name}.js`);
}

/** Instantiates the glue module at `js` (from transpileFixture) with `imports`. */
export async function instantiateGlue(js, imports = {}) {
  const mod = await import(pathToFileURL(js).href);
  const dir = dirname(js);
  return mod.instantiate((f) => WebAssembly.compile(readFileSync(join(dir, f))), imports);
}

/**
 * Transpiles `names` with `impl` and instantiates the first one once (with `imports`)
 * to see whether it runs here. Returns `{ glue: {name: jsPath}, skip, rerun, jspi }`:
 * `skip` is a reason string when nothing can run in this process (weft rejects the
 * async ABI; the glue needs JSPI at instantiation and this Node lacks it), `rerun` is
 * true when this Node lacks JSPI and Node 24 is there: glue that needs JSPI only for
 * some calls (e.g. a blocking `subtask.cancel`) gets those calls covered by a second
 * run of the file under Node 24. `jspi` is true when instantiating needed JSPI.
 */
export async function prepareFixtures(impl, names, imports = {}, opts = {}) {
  const glue = {};
  for (const name of names) {
    try {
      glue[name] = transpileFixture(impl, name, opts);
    } catch (e) {
      const reason = impl === 'weft' && unsupportedAsync(e);
      if (reason) return { glue, skip: `async ABI not wired yet (${reason})`, rerun: false, jspi: false };
      throw e;
    }
  }
  const rerun = !hasJspi() && !process.env.WEFT_ASYNC_RERUN && existsSync(NODE24);
  try {
    await instantiateGlue(glue[names[0]], imports);
  } catch (e) {
    if (!needsJspi(e) || hasJspi()) throw e;
    const skip = `the glue needs JSPI, which Node ${process.version} lacks${rerun ? ' (run under Node 24 instead)' : ''}`;
    return { glue, skip, rerun, jspi: true };
  }
  return { glue, skip: false, rerun, jspi: false };
}

/**
 * Runs the test file `file` under Node 24 with JSPI (directly, not with --test: the
 * test runner would start the file in a child process without the V8 flag); returns
 * spawnSync's result.
 */
export function rerunUnderNode24(file, args = []) {
  // NODE_TEST_CONTEXT would make the child talk node:test's internal protocol.
  const { NODE_TEST_CONTEXT, ...env } = process.env;
  return spawnSync(NODE24, [JSPI_FLAG, '--test-reporter=tap', file, ...args], {
    encoding: 'utf8',
    timeout: 500_000,
    env: { ...env, WEFT_ASYNC_RERUN: '1' },
  });
}
