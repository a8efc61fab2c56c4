#!/usr/bin/env node
// The `weft` command of the npm package: the native CLI's `transpile`,
// `types`, `guest-types`, `wit`, `run` and `serve` with the same flags and output, over the
// wasm build. `wast` needs the native build (cargo install weft).
import { spawnSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, parse as parsePath } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { isTranspilerError } from '../src/core.js';

// A command runs the wasm build once: compiling its functions with V8's
// baseline compiler only, validated as they are first called, is 2 to 3x less
// CPU than also optimising the hot ones (bench/README.md, the npm section).
// Only weft's own module is compiled in this process (`run` and `serve` start
// another Node), and the flags must be set before it loads.
setFlagsFromString('--liftoff-only');
setFlagsFromString('--wasm-lazy-validation');
const { guestTypes, transpile, types, wit } = await import('../src/node.js');

const HERE = new URL('..', import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('package.json', HERE), 'utf8'));

const USAGE = `weft ${version}: run WebAssembly components in today's JavaScript engines

Usage: weft <command> [options]

Commands:
  transpile <input> -o <dir>  Transpile a component (.wasm or .wat) into JS glue, core modules and .d.ts
  types <input> -o <dir>      Write only the TypeScript declarations for a component or a WIT file/directory
  guest-types <input> -o <dir>  Write the .d.ts a component author implementing the world in JS needs
  wit <input>                 Print a component's WIT
  run <component> [-- args]   Run a wasi:cli/command component in Node with the WASI 0.2 host
  serve <component>           Serve a wasi:http/proxy component over HTTP from Node

  (wast, the component-model reference test runner, is in the native build only: cargo install weft)

transpile/types options:
  -o, --out-dir <dir>         Output directory
  --name <name>               Base name of the output files (default: the input file's stem)
  -I, --instantiation [async|sync]  Emit instantiate(getCoreModule, imports, instantiateCore?) instead of plain ESM
  -M, --map <SPEC=MODULE>     Map an import specifier to a module (* wildcard, #member); repeatable
  --async-mode <sync|jspi>    jspi: listed imports may return Promises, listed exports return Promises
  --async-imports <NAMES>     With jspi: imports that may return Promises (comma-separated or repeated)
  --async-exports <NAMES>     With jspi: exports that return Promises
  --flags-as-bigint, --use-namespace-objects, --enum-values-screaming-snake-case
                              jco's value styles (see the native weft transpile --help)
  --feature <FEATURE>         Enable WIT feature FEATURE (@unstable); repeatable
  --all-features              Enable every WIT feature
  --variants-inline-cases     .d.ts: a variant is a union of inline { tag, val } types
  --adapters <fused|js>       Calls between components: fused core wasm adapters (default) or JS
  --async-wasi-imports, --async-wasi-exports, --strict   No-ops (jco compatibility)
transpile only:
  --no-typescript             Do not write TypeScript declarations
  -b, --base64-cutoff <N>     Inline core modules smaller than N bytes as base64 [default: 0]
  --tla-compat                Avoid top-level await: export $init
  -m, --minify                Minify the JS glue
  -q, --quiet                 Print nothing on success
  --target <workers|deno|bun|node>  Also write an entry module serving wasi:http/incoming-handler there
  --tracing                   Log every export and import call (console.error)
  --no-namespaced-exports     Do not also export interfaces under their full names
  --no-component-error-wrapping  Throw an export's result error payload itself
  --no-wasi-shim              Do not write the WASI host next to plain-ESM glue
  --stub                      INPUT is WIT: transpile its world with a placeholder core module whose exports trap
  -O, --optimize [-- ARGS]    Run binaryen's wasm-opt on every core module (ARGS replace -O)
  --wasm-opt-bin <path>       The wasm-opt binary for -O
  --js                        Core modules as JS (binaryen's wasm2js); plain ESM glue only
    (-O and --js need the npm package binaryen, or wasm-opt/wasm2js on PATH)
  --valid-lifting-optimization, --import-bindings [MODE], --no-nodejs-compat,
  --multi-memory, --bindgen-enable-wasm-exnref   No-ops (jco compatibility)
types/guest-types only:
  -n, --world, --world-name <world>  The world to use when the input is WIT
run/serve options:
  --dir <HOST[::GUEST]>       Grant a host directory; repeatable
  --env <KEY[=VALUE]>         Set an environment variable in the guest; repeatable
  --allow-network             Grant network access (wasi:sockets, wasi:http outgoing)
  --node <path>               The Node.js binary to run with [default: node]
  --addr <host:port>          (serve) Address to listen on [default: 127.0.0.1:8080]
`;

class UsageError extends Error {}

/** jco's flags `transpile`, `types` and `guest-types` share (src/cli/jco_flags.rs). */
const SHARED = {
  feature: { type: 'string', multiple: true },
  'all-features': { type: 'boolean' },
  'async-wasi-imports': { type: 'boolean' },
  'async-wasi-exports': { type: 'boolean' },
  strict: { type: 'boolean' },
  'variants-inline-cases': { type: 'boolean' },
};
const COMMON = {
  name: { type: 'string' },
  instantiation: { type: 'string', short: 'I' },
  map: { type: 'string', short: 'M', multiple: true },
  'async-mode': { type: 'string' },
  'async-imports': { type: 'string', multiple: true },
  'async-exports': { type: 'string', multiple: true },
  'flags-as-bigint': { type: 'boolean' },
  'use-namespace-objects': { type: 'boolean' },
  'enum-values-screaming-snake-case': { type: 'boolean' },
  adapters: { type: 'string' },
  ...SHARED,
};
/** Flags whose value may be left out (clap's `num_args = 0..=1`), and what that means. */
const OPTIONAL_VALUE = { '--instantiation': 'async', '-I': 'async', '--import-bindings': 'js' };
const OUT_DIR = { 'out-dir': { type: 'string', short: 'o' }, quiet: { type: 'boolean', short: 'q' } };
const WORLD = { world: { type: 'string', short: 'n' }, 'world-name': { type: 'string' } };
const GRANTS = {
  dir: { type: 'string', multiple: true },
  env: { type: 'string', multiple: true },
  'allow-network': { type: 'boolean' },
  node: { type: 'string', default: 'node' },
};
const COMMANDS = {
  transpile: {
    ...COMMON,
    ...OUT_DIR,
    'no-typescript': { type: 'boolean' },
    'base64-cutoff': { type: 'string', short: 'b', default: '0' },
    'tla-compat': { type: 'boolean' },
    minify: { type: 'boolean', short: 'm' },
    target: { type: 'string' },
    optimize: { type: 'boolean', short: 'O' },
    'wasm-opt-bin': { type: 'string' },
    tracing: { type: 'boolean' },
    'no-namespaced-exports': { type: 'boolean' },
    'no-component-error-wrapping': { type: 'boolean' },
    'no-wasi-shim': { type: 'boolean' },
    'valid-lifting-optimization': { type: 'boolean' },
    'import-bindings': { type: 'string' },
    'no-nodejs-compat': { type: 'boolean' },
    'multi-memory': { type: 'boolean' },
    'bindgen-enable-wasm-exnref': { type: 'boolean' },
    stub: { type: 'boolean' },
    js: { type: 'boolean' },
  },
  types: { ...COMMON, ...OUT_DIR, ...WORLD, 'wasm-opt-bin': { type: 'string' } },
  'guest-types': {
    ...SHARED,
    ...OUT_DIR,
    ...WORLD,
    name: { type: 'string' },
    'async-mode': { type: 'string' },
    'async-exports': { type: 'string', multiple: true },
  },
  wit: {},
  run: GRANTS,
  serve: { ...GRANTS, addr: { type: 'string', default: '127.0.0.1:8080' } },
};

function parse(command, argv) {
  let rest = [];
  const dashes = argv.indexOf('--');
  if (dashes >= 0) {
    if (command !== 'run' && command !== 'transpile')
      throw new UsageError(`unexpected argument '--' for \`weft ${command}\``);
    rest = argv.slice(dashes + 1);
    argv = argv.slice(0, dashes);
  }
  argv = withOptionalValues(command, argv);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: COMMANDS[command], allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e.message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`\`weft ${command}\` takes one input file (see weft --help)`);
  if (command !== 'wit' && command !== 'run' && command !== 'serve' && values['out-dir'] === undefined) {
    throw new UsageError(`\`weft ${command}\` needs --out-dir <dir>`);
  }
  return { input: positionals[0], values, rest };
}

/** A flag with an optional value followed by no value gets its default (as clap does). */
function withOptionalValues(command, argv) {
  const optional = { ...OPTIONAL_VALUE, ...(command === 'guest-types' && { '--async-mode': 'sync' }) };
  const out = [];
  argv.forEach((a, i) => {
    out.push(a);
    const next = argv[i + 1];
    if (a in optional && (next === undefined || next.startsWith('-'))) out.push(optional[a]);
  });
  return out;
}

/** The native CLI's `with_file`: the input's path leads an error about the input. */
function inFile(e, path) {
  if (e?.name !== 'WeftError' || !isTranspilerError(e)) throw e;
  const unsupported = 'unsupported: ';
  if (e.kind === 'unsupported' && e.message.startsWith(unsupported)) {
    return new Error(`${unsupported}${path}: ${e.message.slice(unsupported.length)}`);
  }
  // a place in component text (`2:14: ...`) follows the name with no space: `app.wat:2:14: ...`
  return new Error(`${path}${/^\d+:/.test(e.message) ? ':' : ': '}${e.message}`);
}

/** An I/O error worded as the native CLI words it (Rust's `io::Error`). */
const OS_ERRORS = {
  ENOENT: 'No such file or directory (os error 2)',
  EACCES: 'Permission denied (os error 13)',
  EISDIR: 'Is a directory (os error 21)',
};
const ioMessage = (e) => OS_ERRORS[e.code] ?? e.message;

function readInput(path) {
  let bytes;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`${path}: ${ioMessage(e)}`);
  }
  const binary = bytes.subarray(0, 4).equals(Buffer.from('\0asm'));
  if (!binary && extname(path) === '.wasm') {
    throw new Error(
      `${path}: not a WebAssembly binary (no \`\\0asm\` magic number) and not component text (at byte offset 0x0)`,
    );
  }
  return bytes;
}

function commonOptions(input, values) {
  const map = {};
  for (const m of values.map ?? []) {
    const at = m.indexOf('=');
    if (at < 0) throw new Error(`--map \`${m}\`: expected SPEC=MODULE`);
    map[m.slice(0, at)] = m.slice(at + 1);
  }
  const list = (v) => (v ?? []).flatMap((s) => s.split(','));
  return {
    name: values.name ?? (parsePath(input).name || 'component'),
    ...(values.instantiation !== undefined && {
      instantiation: choice(values.instantiation, 'instantiation', ['async', 'sync']),
    }),
    map,
    ...(values['async-mode'] !== undefined && {
      asyncMode: choice(values['async-mode'], 'async-mode', ['sync', 'jspi']),
    }),
    asyncImports: list(values['async-imports']),
    asyncExports: list(values['async-exports']),
    flagsAsBigint: !!values['flags-as-bigint'],
    useNamespaceObjects: !!values['use-namespace-objects'],
    enumValuesScreamingSnakeCase: !!values['enum-values-screaming-snake-case'],
    ...(values.adapters !== undefined && { adapters: choice(values.adapters, 'adapters', ['fused', 'js']) }),
    ...sharedOptions(values),
  };
}

/** jco's shared flags as API options (`--async-wasi-*` and `--strict` are no-ops). */
function sharedOptions(values) {
  return {
    features: values.feature ?? [],
    allFeatures: !!values['all-features'],
    variantsInlineCases: !!values['variants-inline-cases'],
  };
}

/** `-n`, `--world` or `--world-name`. */
function worldOf(values) {
  const world = values.world ?? values['world-name'];
  return world === undefined ? {} : { world };
}

function choice(value, flag, allowed) {
  if (!allowed.includes(value)) {
    throw new UsageError(`invalid value '${value}' for '--${flag}': possible values: ${allowed.join(', ')}`);
  }
  return value;
}

/** Writes all files or none: on failure, what was written is removed. */
function writeFiles(dir, files) {
  const createdDir = !existsSync(dir);
  const written = [];
  try {
    for (const f of files) {
      const path = join(dir, f.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.contents);
      written.push(path);
    }
  } catch (e) {
    for (const p of written) rmSync(p, { force: true });
    if (createdDir) rmSync(dir, { recursive: true, force: true });
    throw new Error(`writing ${dir}: ${ioMessage(e)}`);
  }
}

/** The path as the native CLI prints `out_dir.join(path)`. */
function shown(dir, path) {
  return dir.endsWith('/') ? dir + path : `${dir}/${path}`;
}

function cmdTranspile({ input, values, rest }) {
  const base64Cutoff = Number(values['base64-cutoff']);
  if (!/^\d+$/.test(values['base64-cutoff'])) {
    throw new UsageError(
      `invalid value '${values['base64-cutoff']}' for '--base64-cutoff <BASE64_CUTOFF>': invalid digit found in string`,
    );
  }
  if (values['import-bindings'] !== undefined)
    choice(values['import-bindings'], 'import-bindings', ['js', 'hybrid', 'optimized', 'direct-optimized']);
  const options = {
    ...commonOptions(input, values),
    noTypescript: !!values['no-typescript'],
    base64Cutoff,
    tlaCompat: !!values['tla-compat'],
    minify: !!values.minify,
    ...(values.target !== undefined && { target: choice(values.target, 'target', ['workers', 'deno', 'bun', 'node']) }),
    tracing: !!values.tracing,
    noNamespacedExports: !!values['no-namespaced-exports'],
    noComponentErrorWrapping: !!values['no-component-error-wrapping'],
    noWasiShim: !!values['no-wasi-shim'],
    optimize: !!values.optimize,
    ...(values['wasm-opt-bin'] !== undefined && { wasmOptBin: values['wasm-opt-bin'] }),
    wasmOptArgs: rest,
    js: !!values.js,
    stub: !!values.stub,
  };
  const source = values.stub ? readWit(input) : readInput(input);
  let out;
  try {
    out = transpile(source, options);
  } catch (e) {
    throw inFile(e, input);
  }
  const dir = values['out-dir'];
  writeFiles(dir, out.files);
  if (values.quiet) return 0;
  for (const w of out.warnings) process.stderr.write(`warning: ${w}\n`);
  for (const f of out.files) process.stdout.write(`  ${shown(dir, f.path)} (${f.contents.length} bytes)\n`);
  return 0;
}

/** A WIT file, or a directory's `*.wit` plus its `deps/`, as `{ path: text }`. */
function readWit(path) {
  if (!existsSync(path)) throw new Error(`${path}: no such file or directory`);
  if (!statSync(path).isDirectory()) return { [basename(path)]: readFileSync(path, 'utf8') };
  const sources = {};
  const addDir = (dir, prefix) => {
    for (const f of readdirSync(dir).sort()) {
      if (f.endsWith('.wit') && statSync(join(dir, f)).isFile())
        sources[prefix + f] = readFileSync(join(dir, f), 'utf8');
    }
  };
  addDir(path, '');
  const deps = join(path, 'deps');
  if (existsSync(deps)) {
    for (const d of readdirSync(deps).sort()) {
      if (statSync(join(deps, d)).isDirectory()) addDir(join(deps, d), `deps/${d}/`);
      else if (d.endsWith('.wit')) sources[`deps/${d}`] = readFileSync(join(deps, d), 'utf8');
    }
  }
  return sources;
}

/** A component's bytes, or WIT sources for a `.wit` file or a directory. */
function readTypesInput(input) {
  const isWit = extname(input) === '.wit' || (existsSync(input) && statSync(input).isDirectory());
  return isWit ? readWit(input) : readInput(input);
}

function cmdTypes({ input, values }) {
  const options = { ...commonOptions(input, values), ...worldOf(values) };
  let out;
  try {
    out = types(readTypesInput(input), options);
  } catch (e) {
    throw inFile(e, input);
  }
  writeFiles(values['out-dir'], out.files);
  return 0;
}

function cmdGuestTypes({ input, values }) {
  const options = {
    name: values.name ?? (parsePath(input).name || 'component'),
    ...worldOf(values),
    ...(values['async-mode'] !== undefined && {
      asyncMode: choice(values['async-mode'], 'async-mode', ['sync', 'jspi']),
    }),
    asyncExports: (values['async-exports'] ?? []).flatMap((s) => s.split(',')),
    ...sharedOptions(values),
  };
  let out;
  try {
    out = guestTypes(readTypesInput(input), options);
  } catch (e) {
    throw inFile(e, input);
  }
  writeFiles(values['out-dir'], out.files);
  return 0;
}

function cmdWit({ input }) {
  const bytes = readInput(input);
  try {
    process.stdout.write(wit(bytes));
  } catch (e) {
    throw inFile(e, input);
  }
  return 0;
}

/** `createWasi` options for the granted directories and variables (as the native CLI). */
function grants(values) {
  const preopens = {};
  for (const d of values.dir ?? []) {
    const at = d.indexOf('::');
    const [host, guest] = at < 0 ? [d, d] : [d.slice(0, at), d.slice(at + 2)];
    let real;
    try {
      real = realpathSync(host);
    } catch (e) {
      throw new Error(`--dir ${host}: ${ioMessage(e)}`);
    }
    if (!statSync(real).isDirectory()) throw new Error(`--dir ${real}: not a directory`);
    if (guest === '') throw new Error(`--dir ${d}: empty guest path`);
    preopens[guest] = real;
  }
  const env = {};
  for (const e of values.env ?? []) {
    const at = e.indexOf('=');
    const key = at < 0 ? e : e.slice(0, at);
    if (key === '') throw new Error(`--env \`${e}\`: expected KEY=VALUE or KEY, with a non-empty KEY`);
    // KEY alone passes the host's value; a variable the host does not have stays unset.
    const value = at < 0 ? process.env[e] : e.slice(at + 1);
    if (value !== undefined) env[key] = value;
  }
  return { env, preopens, network: !!values['allow-network'] };
}

/** Transpiles into a temporary directory beside the WASI host and runs `script` there in Node. */
function launch(input, script, config, node, tieToParent) {
  const bytes = readInput(input);
  let out;
  try {
    out = transpile(bytes, { name: 'app', instantiation: 'async', noTypescript: true });
  } catch (e) {
    throw inFile(e, input);
  }
  const dir = mkdtempSync(join(tmpdir(), 'weft-run-'));
  try {
    writeFiles(dir, out.files);
    // The same files as the native `weft run`: the WASI host and run/'s programs.
    for (const sub of ['wasi', 'wasi3']) {
      const from = new URL(`${sub}/`, HERE);
      for (const f of readdirSync(from))
        writeFiles(join(dir, sub), [{ path: f, contents: readFileSync(new URL(f, from)) }]);
    }
    for (const f of ['common.mjs', 'missing-imports.js'])
      writeFileSync(join(dir, f), readFileSync(new URL(`run/${f}`, HERE)));
    writeFileSync(join(dir, 'main.mjs'), readFileSync(new URL(`run/${script}`, HERE)));
    const args = [join(dir, 'main.mjs'), JSON.stringify({ ...config, program: input })];
    if (!tieToParent) {
      const r = spawnSync(node, args, { stdio: 'inherit' });
      if (r.error) throw new Error(`running ${node}: ${r.error.message}`);
      return r.status ?? 1;
    }
    return serveChild(node, args, dir);
  } finally {
    if (!tieToParent) rmSync(dir, { recursive: true, force: true });
  }
}

/** `weft serve`'s child: its stdin is a pipe only we hold, so it stops when we do. */
function serveChild(node, args, dir) {
  const child = spawn(node, args, { stdio: ['pipe', 'inherit', 'inherit'] });
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  return new Promise((resolve, reject) => {
    child.on('error', (e) => {
      cleanup();
      reject(new Error(`running ${node}: ${e.message}`));
    });
    child.on('exit', (code) => {
      cleanup();
      resolve(code ?? 1);
    });
  });
}

function cmdRun({ input, values, rest }) {
  const config = { ...grants(values), args: [basename(input), ...rest] };
  return launch(input, 'command.mjs', config, values.node, false);
}

function cmdServe({ input, values }) {
  const config = { ...grants(values), addr: values.addr };
  return launch(input, 'serve.mjs', config, values.node, true);
}

const HANDLERS = {
  transpile: cmdTranspile,
  types: cmdTypes,
  'guest-types': cmdGuestTypes,
  wit: cmdWit,
  run: cmdRun,
  serve: cmdServe,
};

async function main(argv) {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-V') {
    process.stdout.write(`weft ${version}\n`);
    return 0;
  }
  if (command === 'wast') {
    throw new UsageError(
      '`weft wast` is in the native build only (cargo install weft); the npm package has transpile, types, guest-types, wit, run and serve',
    );
  }
  if (!(command in HANDLERS)) throw new UsageError(`unrecognized subcommand '${command}' (see weft --help)`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  return HANDLERS[command](parse(command, rest));
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`error: ${e.message}\n`);
  process.exitCode = e instanceof UsageError ? 2 : 1;
}
