// Test harness: transpiles fixture components with weft (default) or jco and
// instantiates the result.
//
//   WEFT_IMPL=weft|jco   which transpiler to run (default weft)
//   WEFT_BIN=path        weft binary (default <repo>/target/debug/weft)
//   WEFT_WAT=jco         convert .wat fixtures with `jco parse` for weft too
//                        (default: weft gets the .wat itself; jco always
//                        needs the conversion)
//   WEFT_TEST_NO_SKIP=1  run the tests that are skipped under jco anyway
//   WEFT_TEST_KEEP=1     keep the temporary output directories
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const IMPL = process.env.WEFT_IMPL ?? 'weft';
if (IMPL !== 'weft' && IMPL !== 'jco') {
  throw new Error(`WEFT_IMPL must be 'weft' or 'jco', not ${JSON.stringify(IMPL)}`);
}
export const isJco = IMPL === 'jco';
const NO_SKIP = !!process.env.WEFT_TEST_NO_SKIP;

/** Test options for behaviour jco lacks: `test(name, jcoSkip(reason), fn)`. */
export function jcoSkip(reason = 'jco does not validate') {
  return { skip: isJco && !NO_SKIP ? reason : false };
}
/** Shorthand for the most common reason. */
export const VALIDATES = jcoSkip('jco does not validate');

const JCO_BIN = join(REPO, 'node_modules/.bin/jco');
const WEFT_BIN = process.env.WEFT_BIN ?? join(REPO, 'target/debug/weft');

let tmpRoot;
export function tmp(prefix) {
  if (!tmpRoot) {
    tmpRoot = mkdtempSync(join(tmpdir(), 'weft-test-'));
    if (!process.env.WEFT_TEST_KEEP) {
      process.on('exit', () => rmSync(tmpRoot, { recursive: true, force: true }));
    }
  }
  return mkdtempSync(join(tmpRoot, `${prefix}-`));
}

function run(bin, args) {
  try {
    return execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const out = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim();
    throw new Error(`${bin} ${args.join(' ')} failed (${e.status ?? e.code}):\n${out}`);
  }
}

const watCache = new Map();
/** Path of a component: `fixtures/build/<name>.wasm`, else `fixtures/components/<name>.wat`. */
export function componentPath(name) {
  const wasm = join(REPO, 'fixtures/build', `${name}.wasm`);
  if (existsSync(wasm)) return wasm;
  const wat = join(REPO, 'fixtures/components', `${name}.wat`);
  if (!existsSync(wat)) {
    throw new Error(`no fixture ${name}: neither ${wasm} (run fixtures/build.sh) nor ${wat}`);
  }
  if (IMPL === 'weft' && process.env.WEFT_WAT !== 'jco') return wat;
  if (!watCache.has(wat)) {
    const out = join(tmp(`wat-${name}`), `${name}.wasm`);
    run(JCO_BIN, ['parse', wat, '-o', out]);
    watCache.set(wat, out);
  }
  return watCache.get(wat);
}

const transpileCache = new Map();
/**
 * Transpiles fixture `name` into a fresh temporary directory and returns the
 * path of the generated JS module. Results are cached per (name, opts).
 *
 * opts.instantiation  'async' | 'sync' | undefined (plain ESM)
 * opts.map            { specifier: path } import specifier maps (`--map`)
 * opts.typescript     emit .d.ts (default false)
 * opts.base64Cutoff   inline core modules below this size (`--base64-cutoff`)
 */
export function transpile(name, opts = {}) {
  const key = JSON.stringify([name, opts]);
  if (transpileCache.has(key)) return transpileCache.get(key);
  const wasm = componentPath(name);
  const out = tmp(`${name}-${opts.instantiation ?? 'esm'}`);
  const args = ['transpile', wasm, '-o', out, '--name', name];
  if (opts.instantiation) args.push('--instantiation', opts.instantiation);
  for (const [spec, path] of Object.entries(opts.map ?? {})) args.push('--map', `${spec}=${path}`);
  if (!opts.typescript) args.push('--no-typescript');
  if (opts.base64Cutoff !== undefined) args.push('--base64-cutoff', String(opts.base64Cutoff));
  args.push(...(opts.args ?? []));
  if (isJco) run(JCO_BIN, args);
  else run(WEFT_BIN, args);
  const js = join(out, `${name}.js`);
  if (!existsSync(js)) throw new Error(`${IMPL} wrote no ${js}`);
  transpileCache.set(key, js);
  return js;
}

/**
 * Transpiles with `--instantiation async` and instantiates. `imports` is keyed
 * by import specifier as jco does it: the interface name without its
 * `@version` (e.g. 'test:values/host'). Returns the component's exports.
 */
export async function instantiate(name, imports = {}, opts = {}) {
  const js = transpile(name, { ...opts, instantiation: 'async' });
  const dir = dirname(js);
  const mod = await import(pathToFileURL(js).href);
  const getCoreModule = (path) => WebAssembly.compile(readFileSync(join(dir, path)));
  return await mod.instantiate(getCoreModule, imports);
}

/** Like `instantiate`, with `--instantiation sync`: everything happens synchronously. */
export async function instantiateSync(name, imports = {}, opts = {}) {
  const js = transpile(name, { ...opts, instantiation: 'sync' });
  const dir = dirname(js);
  const mod = await import(pathToFileURL(js).href);
  const getCoreModule = (path) => new WebAssembly.Module(readFileSync(join(dir, path)));
  return mod.instantiate(getCoreModule, imports);
}

/**
 * Plain ESM mode: transpiles with `--map spec=file` for every entry of `map`
 * (absolute paths of JS modules that implement the imports) and imports the
 * generated module. Returns its namespace object.
 */
export async function importEsm(name, map = {}, opts = {}) {
  const abs = Object.fromEntries(Object.entries(map).map(([spec, path]) => [spec, pathToFileURL(resolve(path)).href]));
  const js = transpile(name, { ...opts, map: abs });
  return await import(pathToFileURL(js).href);
}
