// binaryen's `wasm-opt` and `wasm2js` for the `optimize` (-O) and `js` (--js)
// options, in Node: found as the native CLI finds them (the option, then
// $WEFT_WASM_OPT / $WEFT_WASM2JS, then node_modules/.bin from the working
// directory up), then the `binaryen` package beside weftjs (an optional peer
// dependency), then PATH; run as processes. Nothing here runs unless one of
// the two options is set.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { WeftError } from './core.js';

const isFile = (p) => statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;

/** The `binaryen` package's copy of `name`, resolved from weftjs's own location. */
function peer(name) {
  try {
    const pkg = createRequire(import.meta.url).resolve('binaryen/package.json');
    const bin = join(dirname(pkg), 'bin', name);
    return isFile(bin) ? bin : null;
  } catch {
    return null;
  }
}

function find(name, given, envVar, option) {
  if (given) return given;
  if (process.env[envVar]) return process.env[envVar];
  for (let d = process.cwd(); ; d = dirname(d)) {
    if (isFile(join(d, 'node_modules/.bin', name))) return join(d, 'node_modules/.bin', name);
    if (dirname(d) === d) break;
  }
  const found =
    peer(name) ??
    (process.env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((d) => join(d, name))
      .find(isFile);
  if (found) return found;
  throw new WeftError(
    `option \`${option}\` runs binaryen's \`${name}\`, which was not found: install the npm package \`binaryen\` (npm install binaryen) or set ${envVar} to its path`,
  );
}

/** Runs `bin [args] in.wasm -o <out>` in a temporary directory; `{ output }` or `{ error }`. */
function run(bin, args, wasm, file, out) {
  const dir = mkdtempSync(join(tmpdir(), 'weftjs-binaryen-'));
  try {
    const input = join(dir, 'in.wasm');
    const output = join(dir, out);
    writeFileSync(input, wasm);
    const r = spawnSync(bin, [...args, input, '-o', output], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.error) return { error: `${bin}: ${r.error.message}` };
    if (r.status !== 0) {
      const status = r.status === null ? `signal: ${r.signal}` : `exit status: ${r.status}`;
      return { error: `${bin} failed on ${file} (${status})` };
    }
    return { output: readFileSync(output) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The tools `options` asks for (`optimize`, `js`; `wasmOptArgs` a list), found
 * now; a `WeftError` if one is missing.
 */
export function binaryenTools(options) {
  const wasmOpt = options.optimize ? find('wasm-opt', options.wasmOptBin, 'WEFT_WASM_OPT', 'optimize') : null;
  const wasm2js = options.js ? find('wasm2js', undefined, 'WEFT_WASM2JS', 'js') : null;
  const optArgs = options.wasmOptArgs.length ? options.wasmOptArgs : ['-O'];
  return {
    wasmOpt: (wasm, file) => run(wasmOpt, optArgs, wasm, file, 'out.wasm'),
    wasm2js: (wasm, file) => run(wasm2js, ['-all'], wasm, file, 'out.js'),
  };
}
