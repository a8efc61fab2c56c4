// Builds the site the browser tests load: transpiles the fixtures with weft
// into <dir>/out/<key>/ and copies tests/browser/page/ to <dir>/page/.
//   WEFT_BIN=path   weft binary (default <repo>/target/debug/weft)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WEFT = process.env.WEFT_BIN ?? join(REPO, 'target/debug/weft');

const glue = (name) => join(REPO, 'tests/golden/glue', name, 'input.wat');
const compose = (name) => join(REPO, 'fixtures/compose', `${name}.wat`);
const VALUES = join(REPO, 'fixtures/build/values.wasm');
const ASYNC = ['--instantiation', 'async'];

/** [key, input, name, extra flags] for every output directory. */
const OUTPUTS = [
  ...['scalars', 'strings-lists', 'variants', 'imports', 'resources', 'module-import'].map((n) => [
    `glue-${n}`,
    glue(n),
    n,
    ASYNC,
  ]),
  ...['transcode-chain', 'encodings', 'invalid-strings', 'resources-3', 'chain10'].map((n) => [
    `compose-${n}`,
    compose(n),
    n,
    ASYNC,
  ]),
  ['compose-chain10-sync', compose('chain10'), 'chain10', ['--instantiation', 'sync']],
  ['values', VALUES, 'values', ASYNC],
  ['esm-scalars', glue('scalars'), 'scalars', []],
  ['esm-strings-lists', glue('strings-lists'), 'strings-lists', []],
  ['esm-values', VALUES, 'values', ['--map', 'test:values/host=/page/values-host.js']],
  ['esm-inline-minified', glue('scalars'), 'scalars', ['--base64-cutoff', '1000000', '--minify']],
  ['esm-tla-compat', glue('strings-lists'), 'strings-lists', ['--tla-compat']],
  // WASI programs (tests/browser/wasi.spec.ts runs them against the browser host in /wasi/).
  ...['wasi-hello', 'wasi-args-env-exit', 'wasi-files', 'wasi-clocks-random', 'wasi-stdin', 'wasi-http'].map((n) => [
    n,
    join(REPO, 'fixtures/build', `${n}.wasm`),
    n,
    ASYNC,
  ]),
  // WASI 0.3 programs (tests/browser/wasi3.spec.ts): callback-form async, no JSPI.
  ...['wasi3-cli', 'wasi3-clocks-random', 'wasi3-files', 'wasi3-sockets', 'wasi3-http-client'].map((n) => [
    n,
    join(REPO, 'fixtures/build', `${n}.wasm`),
    n,
    ASYNC,
  ]),
  // JSPI glue (tests/browser/wasi-jspi.spec.ts): WASI's blocking functions may return
  // Promises, `run` returns one.
  ['wasi-stdin-jspi', join(REPO, 'fixtures/build/wasi-stdin.wasm'), 'wasi-stdin', [...ASYNC, '--async-mode', 'jspi']],
  // Async ABI guests (tests/browser/async.spec.ts).
  ['async-basics', join(REPO, 'fixtures/build/async-basics.wasm'), 'async-basics', ASYNC],
  ['async-pipeline', join(REPO, 'fixtures/compose/async-pipeline.wasm'), 'async-pipeline', ASYNC],
  ['async-bench', join(REPO, 'fixtures/build/async-bench.wasm'), 'async-bench', ASYNC],
  ['async-trap', join(REPO, 'fixtures/components/async-trap.wat'), 'async-trap', ASYNC],
  // 64-bit memories (tests/browser/memory64.spec.ts).
  ...['memory64', 'memory64-async'].map((n) => [n, join(REPO, 'fixtures/components', `${n}.wat`), n, ASYNC]),
  ['memory64-pair', compose('memory64-pair'), 'pair', ASYNC],
];

/** Writes the site into a fresh temporary directory and returns its path. */
export function build() {
  if (!existsSync(WEFT)) throw new Error(`no weft binary at ${WEFT}: run \`cargo build\``);
  if (!existsSync(VALUES)) throw new Error(`no ${VALUES}: run \`bash fixtures/build.sh\``);
  const dir = mkdtempSync(join(tmpdir(), 'weft-browser-'));
  for (const [key, input, name, extra] of OUTPUTS) {
    const out = join(dir, 'out', key);
    execFileSync(WEFT, ['transpile', input, '-o', out, '--name', name, '--no-typescript', '-q', ...extra], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const wasm = readdirSync(out).filter((f) => f.endsWith('.wasm'));
    writeFileSync(join(out, 'files.json'), JSON.stringify(wasm));
  }
  cpSync(join(REPO, 'tests/browser/page'), join(dir, 'page'), { recursive: true });
  cpSync(join(REPO, 'js-runtime/wasi'), join(dir, 'wasi'), { recursive: true, filter: (f) => !f.endsWith('.test.js') });
  cpSync(join(REPO, 'js-runtime/wasi3'), join(dir, 'wasi3'), {
    recursive: true,
    filter: (f) => !f.endsWith('.test.js'),
  });
  return dir;
}
