// The weftjs API over the wasm build (`../wasm/weft.js`, made by build.sh):
// checks the caller's options, calls the Rust library and returns plain JS
// values. `node.js` and `web.js` initialise the wasm and bind it here.

/**
 * A failed call: `message` is one line; `offset` the byte offset in the
 * input, when known; `kind` is 'invalid', 'unsupported' or 'options'.
 */
export class WeftError extends Error {
  constructor(message, offset, kind = 'options') {
    super(message);
    this.name = 'WeftError';
    this.kind = kind;
    if (offset !== undefined) this.offset = offset;
  }
}

const INSTANTIATIONS = ['esm', 'async', 'sync'];
const ASYNC_MODES = ['sync', 'jspi'];
// jco's value-style options, in the order `npm_api::value_style` reads them.
const VALUE_STYLE = ['flagsAsBigint', 'useNamespaceObjects', 'enumValuesScreamingSnakeCase'];
const TARGETS = ['workers', 'deno', 'bun', 'node'];
const ADAPTERS = ['fused', 'js'];
const IMPORT_BINDINGS = ['js', 'hybrid', 'optimized', 'direct-optimized'];
/** jco's flags that ask for what weft's glue already does: accepted, no effect. */
const NO_OPS = [
  'asyncWasiImports',
  'asyncWasiExports',
  'strict',
  'validLiftingOptimization',
  'noNodejsCompat',
  'multiMemory',
  'bindgenEnableWasmExnref',
];
const KNOWN = new Set([
  'name',
  'instantiation',
  'map',
  'noTypescript',
  'base64Cutoff',
  'tlaCompat',
  'minify',
  'asyncMode',
  'asyncImports',
  'asyncExports',
  'world',
  'noCoreLoader',
  'tracing',
  'noNamespacedExports',
  'noComponentErrorWrapping',
  'noWasiShim',
  'features',
  'allFeatures',
  'variantsInlineCases',
  'target',
  'adapters',
  'optimize',
  'wasmOptBin',
  'wasmOptArgs',
  'js',
  'stub',
  'importBindings',
  ...NO_OPS,
  ...VALUE_STYLE,
]);

function fail(message) {
  throw new WeftError(message);
}

function stringList(value, field) {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(list) || list.some((s) => typeof s !== 'string')) {
    fail(`option \`${field}\`: expected a string or an array of strings`);
  }
  return list;
}

function mapPairs(map) {
  if (map === undefined) return [];
  const entries = Array.isArray(map) ? map : typeof map === 'object' && map ? Object.entries(map) : null;
  if (!entries || entries.some((e) => !Array.isArray(e) || e.length !== 2 || e.some((s) => typeof s !== 'string'))) {
    fail('option `map`: expected an object of `pattern: module` strings');
  }
  return entries.flat();
}

function oneOf(value, field, allowed, absent = allowed[0]) {
  if (value === undefined) return absent;
  if (!allowed.includes(value)) fail(`option \`${field}\`: expected one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  return value;
}

function flag(value, field) {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') fail(`option \`${field}\`: expected a boolean`);
  return value;
}

/** The caller's options as the plain object `npm_api::JsOptions` reads. */
export function normalize(options = {}) {
  if (typeof options !== 'object' || options === null) fail('options: expected an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) fail(`unknown option \`${key}\``);
  }
  const { name = 'component', base64Cutoff = 0 } = options;
  if (typeof name !== 'string' || name === '') fail('option `name`: expected a non-empty string');
  if (!Number.isSafeInteger(base64Cutoff) || base64Cutoff < 0) {
    fail('option `base64Cutoff`: expected a non-negative integer');
  }
  for (const key of NO_OPS) flag(options[key], key);
  oneOf(options.importBindings, 'importBindings', IMPORT_BINDINGS);
  if (options.wasmOptBin !== undefined && typeof options.wasmOptBin !== 'string')
    fail('option `wasmOptBin`: expected a string');
  stringList(options.wasmOptArgs, 'wasmOptArgs');
  return {
    name,
    instantiation: oneOf(options.instantiation, 'instantiation', INSTANTIATIONS),
    map: mapPairs(options.map),
    typescript: !flag(options.noTypescript, 'noTypescript'),
    base64Cutoff,
    tlaCompat: flag(options.tlaCompat, 'tlaCompat'),
    minify: flag(options.minify, 'minify'),
    noCoreLoader: flag(options.noCoreLoader, 'noCoreLoader'),
    asyncMode: oneOf(options.asyncMode, 'asyncMode', ASYNC_MODES),
    asyncImports: stringList(options.asyncImports, 'asyncImports'),
    asyncExports: stringList(options.asyncExports, 'asyncExports'),
    valueStyle: Uint8Array.from(VALUE_STYLE, (k) => flag(options[k], k)),
    tracing: flag(options.tracing, 'tracing'),
    namespacedExports: !flag(options.noNamespacedExports, 'noNamespacedExports'),
    componentErrorWrapping: !flag(options.noComponentErrorWrapping, 'noComponentErrorWrapping'),
    wasiShim: !flag(options.noWasiShim, 'noWasiShim'),
    features: stringList(options.features, 'features'),
    allFeatures: flag(options.allFeatures, 'allFeatures'),
    variantsInlineCases: flag(options.variantsInlineCases, 'variantsInlineCases'),
    target: oneOf(options.target, 'target', TARGETS, ''),
    fusedAdapters: oneOf(options.adapters, 'adapters', ADAPTERS) === 'fused',
    optimize: flag(options.optimize, 'optimize'),
    js: flag(options.js, 'js'),
  };
}

function bytesOf(input) {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (typeof input === 'string') return new TextEncoder().encode(input);
  return fail('input: expected the component as a Uint8Array, ArrayBuffer or component text');
}

/** Errors the wasm build raised about the input (the bin names the file in them). */
const fromWasm = new WeakSet();

/** Whether `e` is a `WeftError` the transpiler raised (not an option check in JS). */
export const isTranspilerError = (e) => fromWasm.has(e);

/** Runs `call`, turning the wasm side's `Failure` into a `WeftError`. */
function guard(call) {
  try {
    return call();
  } catch (e) {
    if (e && typeof e === 'object' && 'message' in e && typeof e.free === 'function') {
      const { message, offset, kind } = e;
      e.free();
      const error = new WeftError(message, offset, kind === 'io' ? 'options' : kind);
      if (kind !== 'options') fromWasm.add(error);
      throw error;
    }
    if (e instanceof WebAssembly.RuntimeError) {
      // A panic in the library (wasm32 aborts on one): native `weft` turns the
      // one known, wit-parser's on some valid components, into an error of its
      // own (src/panic_guard.rs); here every panic ends up as this.
      const error = new WeftError(
        `the transpiler failed on this input (internal error: ${e.message})`,
        undefined,
        'invalid',
      );
      fromWasm.add(error);
      throw error;
    }
    throw e;
  }
}

function collect(out, full) {
  try {
    const files = [];
    for (let i = 0; i < out.fileCount(); i++) {
      files.push({ path: out.filePath(i), contents: out.fileContents(i) });
    }
    if (!full) return { files };
    return { files, imports: out.imports(), exports: out.exports(), warnings: out.warnings() };
  } finally {
    out.free();
  }
}

/** WIT sources `{ path: text }` as the three parallel lists `typesOfWit` takes. */
function witSources(sources) {
  const files = typeof sources === 'string' ? { 'input.wit': sources } : sources;
  const paths = [];
  const texts = [];
  const groups = [];
  for (const [path, text] of Object.entries(files)) {
    if (typeof text !== 'string') fail(`WIT source \`${path}\`: expected a string`);
    const dep = /^deps\/([^/]+?)(?:\.wit)?(?:\/[^/]+\.wit)?$/.exec(path);
    if (path.startsWith('deps/') && !dep)
      fail(`WIT source \`${path}\`: expected deps/<name>.wit or deps/<name>/<file>.wit`);
    paths.push(path);
    texts.push(text);
    groups.push(dep ? dep[1] : '');
  }
  if (!groups.includes('')) fail('WIT sources: no .wit file outside deps/');
  return [paths, texts, groups];
}

/** Whether `input` is WIT sources (a string is component text when it starts with `(` or `;;`). */
function isWit(input) {
  if (typeof input === 'string') return !/^(\(|;;)/.test(input.trimStart());
  return input !== null && typeof input === 'object' && !ArrayBuffer.isView(input) && !(input instanceof ArrayBuffer);
}

/** The `.d.ts` files (an `Output`) of a component or of WIT sources. */
function typesOutput(wasm, bytesOrWit, options) {
  const opts = normalize(options);
  const { world } = options;
  if (world !== undefined && typeof world !== 'string') fail('option `world`: expected a string');
  if (!isWit(bytesOrWit)) return guard(() => wasm.typesOfComponent(bytesOf(bytesOrWit), opts));
  const [paths, texts, groups] = witSources(bytesOrWit);
  return guard(() => wasm.typesOfWit(paths, texts, groups, world, opts));
}

/** What `guestTypes` takes: `weft guest-types`'s flags. */
const GUEST_OPTIONS = new Set([
  'name',
  'world',
  'asyncMode',
  'asyncExports',
  'features',
  'allFeatures',
  'variantsInlineCases',
  ...NO_OPS,
]);

/**
 * The public API, bound to an initialised wasm-bindgen module. `tools(options)`
 * returns binaryen's tools for `optimize`/`js` (`binaryen.js` in Node), or
 * throws a `WeftError` saying why they are not available.
 */
export function bind(wasm, tools) {
  return {
    transpile(input, options) {
      const opts = normalize(options);
      if (options?.world !== undefined) fail('option `world` applies to types() only');
      const binaryen =
        opts.optimize || opts.js
          ? tools({ ...options, wasmOptArgs: stringList(options.wasmOptArgs, 'wasmOptArgs') })
          : null;
      if (options?.stub) {
        if (!isWit(input)) fail('option `stub`: expected WIT sources (a string or `{ path: text }`), not a component');
        const [paths, texts, groups] = witSources(input);
        return collect(
          guard(() => wasm.transpileStub(paths, texts, groups, opts, binaryen)),
          true,
        );
      }
      return collect(
        guard(() => wasm.transpile(bytesOf(input), opts, binaryen)),
        true,
      );
    },
    types(bytesOrWit, options = {}) {
      return collect(typesOutput(wasm, bytesOrWit, options), false);
    },
    guestTypes(bytesOrWit, options = {}) {
      for (const key of Object.keys(options ?? {})) {
        if (!GUEST_OPTIONS.has(key)) fail(`unknown option \`${key}\` for guestTypes()`);
      }
      const host = typesOutput(wasm, bytesOrWit, options);
      return collect(
        guard(() => host.guest()),
        false,
      );
    },
    wit(bytes) {
      return guard(() => wasm.wit(bytesOf(bytes)));
    },
  };
}
