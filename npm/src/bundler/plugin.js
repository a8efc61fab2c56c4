// The bundler plugin of weftjs, written once on unplugin and exported per
// bundler by vite.js, rollup.js, rolldown.js, webpack.js, esbuild.js and
// rspack.js. `load` turns a component import into a JS module (module.js)
// whose core modules are emitted as hashed assets (assets.js); the `.d.ts`
// next to the component is written by types.js.
import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createUnplugin } from 'unplugin';
import { normalize } from '../core.js';
import { transpile, types } from '../node.js';
import { assetEmitter } from './assets.js';
import { cached, contentHash } from './cache.js';
import { classify, splitQuery } from './component.js';
import { componentModule, unmappedImports } from './module.js';
import { writeDeclarations } from './types.js';

/** Options of the plugin itself; every other option is a transpile option. */
const OWN = ['instantiate', 'dts', 'target'];
const TARGETS = ['browser', 'node'];
/** What the app imports `configure()` from; RUNTIME is the file per target that the components import. */
const RUNTIME_ID = 'weftjs/bundled';
const RUNTIME = {
  browser: fileURLToPath(new URL('./runtime/browser.js', import.meta.url)),
  node: fileURLToPath(new URL('./runtime/node.js', import.meta.url)),
};
/** Set by the plugin per component, so not options. */
const FIXED = {
  name: 'the file name',
  instantiation: '`instantiate: true` or `?instantiate`',
  tlaCompat: '`instantiate: true` or `?instantiate`',
};
/** Core modules smaller than this are inlined (base64) unless the caller says otherwise. */
export const DEFAULT_BASE64_CUTOFF = 4096;

/** The caller's options split into the plugin's and the transpiler's (checked now, not per file). */
export function pluginOptions(options = {}) {
  if (typeof options !== 'object' || options === null) throw new TypeError('weftjs plugin: options must be an object');
  const transpileOptions = {};
  for (const [key, value] of Object.entries(options)) {
    if (FIXED[key]) throw new TypeError(`weftjs plugin: option \`${key}\` is set by the plugin (use ${FIXED[key]})`);
    if (!OWN.includes(key)) transpileOptions[key] = value;
  }
  transpileOptions.base64Cutoff ??= DEFAULT_BASE64_CUTOFF;
  normalize(transpileOptions); // throws a WeftError naming a bad option
  for (const key of ['instantiate', 'dts']) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean')
      throw new TypeError(`weftjs plugin: option \`${key}\`: expected a boolean`);
  }
  if (options.target !== undefined && !TARGETS.includes(options.target))
    throw new TypeError("weftjs plugin: option `target`: expected 'browser' or 'node'");
  const dts = options.dts ?? !options.noTypescript;
  return { instantiate: options.instantiate === true, dts, target: options.target, transpileOptions };
}

/** The transpiler's name for a component file: its stem, as a file name the glue can use. */
function stemOf(file) {
  return (
    basename(file)
      .replace(/\.wasm$/, '')
      .replace(/[^A-Za-z0-9_.-]/g, '_') || 'component'
  );
}

/** weft's one-line error, led by the file (as the CLI words it). */
function fileError(file, e) {
  if (e?.name !== 'WeftError') return e;
  const where = relative(process.cwd(), file) || file;
  return new Error(`${where}${/^\d+:/.test(e.message) ? ':' : ': '}${e.message}`);
}

/** The options `types()` takes, from the transpile options. */
function typesOptions({ base64Cutoff, minify, noTypescript, noCoreLoader, ...rest }, name) {
  return { ...rest, name };
}

function transpileFile(file, bytes, transpileOptions) {
  const name = stemOf(file);
  const out = cached(contentHash(bytes, { ...transpileOptions, name }), () =>
    transpile(bytes, { ...transpileOptions, name, instantiation: 'async', noTypescript: true, noCoreLoader: true }),
  );
  const glue = out.files.find((f) => f.path === `${name}.js`);
  const cores = out.files.filter((f) => f.path.endsWith('.wasm'));
  return { name, out, glue: new TextDecoder().decode(glue.contents), cores };
}

/** `?component`/`?instantiate` on a relative or absolute path: the file resolved, the query kept. */
function resolveQuery(id, importer) {
  const { file, params } = splitQuery(id);
  if (!params.has('component') && !params.has('instantiate')) return null;
  if (!isAbsolute(file) && !file.startsWith('.')) return null;
  const base = importer ? dirname(splitQuery(importer).file) : process.cwd();
  return `${resolve(base, file)}?${params}`;
}

/** `?component` / `?instantiate` in a webpack resource query. */
const QUERY = /(^\?|&)(component|instantiate)(=|&|$)/;

/**
 * webpack and rspack: the target (`node*` → the Node runtime), and a rule for
 * `?component` on files unplugin's own rule does not take (it sees paths
 * without their query): they go through unplugin's load loader to `load`.
 */
function webpackSetup(compiler, framework, setTarget, load) {
  const target = [compiler.options.target].flat().join(' ');
  if (/node/.test(target)) setTarget('node');
  const loader = fileURLToPath(import.meta.resolve(`unplugin/${framework}/loaders/load`));
  compiler.options.module.rules.push({
    resourceQuery: QUERY,
    resource: (path) => classify(path) === null,
    type: 'javascript/auto',
    use: [{ loader, options: { plugin: { name: 'weftjs', load, __virtualModulePrefix: '\0weftjs-unused:' } } }],
  });
}

/**
 * Whether every core module is inlined, whatever `base64Cutoff` says: Vite
 * writes no assets for SSR builds, and rspack's Node target has no automatic
 * public path (`__webpack_public_path__` is '' there), so an asset's URL
 * could not be resolved at run time.
 */
function inlinesAll(framework, ssr, target) {
  return (framework === 'vite' && ssr) || (framework === 'rspack' && target === 'node');
}

/**
 * The specifier a component module imports its runtime by. Vite's server
 * side imports the app's own `weftjs/bundled` by that bare name (in dev it
 * is externalized and Node loads it, bypassing `resolveId`), so a component
 * there must name it the same way to share its one WASI host and
 * `configure()`; elsewhere the file for the target.
 */
function runtimeImport(framework, ssr, target) {
  return framework === 'vite' && ssr ? RUNTIME_ID : RUNTIME[target];
}

/** Vite: whether this hook call builds for the server (its `ssr` flag, or the environment's consumer). */
function isSsr(ctx, hookOptions) {
  return hookOptions?.ssr === true || ctx?.environment?.config?.consumer === 'server';
}

export const unplugin = createUnplugin((rawOptions, meta) => {
  const options = pluginOptions(rawOptions);
  const assets = assetEmitter(meta.framework);
  /** The build's target as the bundler says it (the `target` option wins). */
  let detected = 'browser';
  const targetOf = (ssr) => options.target ?? (ssr ? 'node' : detected);
  const setTarget = (t) => {
    detected = t;
  };

  /** A component import → its module (null: not a component, another plugin's). */
  function load(id, loadOptions) {
    const what = classify(id, options);
    if (!what) return null;
    const { file } = what;
    this.addWatchFile?.(file);
    let bytes;
    let result;
    const ssr = isSsr(this, loadOptions);
    const inlineAll = inlinesAll(meta.framework, ssr, targetOf(ssr));
    const transpileOptions = inlineAll
      ? { ...options.transpileOptions, base64Cutoff: Number.MAX_SAFE_INTEGER }
      : options.transpileOptions;
    try {
      bytes = readFileSync(file);
      result = transpileFile(file, bytes, transpileOptions);
    } catch (e) {
      throw fileError(file, e);
    }
    const missing = what.instantiate ? [] : unmappedImports(result.out.imports);
    if (missing.length) {
      const list = missing.map((m) => `\`${m}\``).join(', ');
      throw new Error(
        `${relative(process.cwd(), file)}: no module provides import${missing.length > 1 ? 's' : ''} ${list}: map ${missing.length > 1 ? 'them' : 'it'} with the plugin's \`map\` option (paths relative to the .wasm file) or import the component with \`?instantiate\``,
      );
    }
    if (options.dts)
      writeDeclarations(file, () => types(bytes, typesOptions(options.transpileOptions, basename(file))).files);
    const coreUrls = result.cores.map((core) => [core.path, assets.emit(this, core)]);
    const runtime = runtimeImport(meta.framework, ssr, targetOf(ssr));
    const code = componentModule({
      glue: result.glue,
      keys: result.out.imports,
      exportNames: result.out.exports,
      coreUrls,
      instantiate: what.instantiate,
      runtime,
    });
    return { code, map: null, moduleType: 'js' };
  }

  return {
    name: 'weftjs',
    enforce: 'pre',
    resolveId(id, importer, resolveOptions) {
      // webpack and rspack keep queries themselves; they and esbuild pick `weftjs/bundled` by target (export conditions).
      if (meta.framework === 'webpack' || meta.framework === 'rspack') return null;
      if (meta.framework !== 'esbuild' && id === RUNTIME_ID) return RUNTIME[targetOf(isSsr(this, resolveOptions))];
      return resolveQuery(id, importer);
    },
    loadInclude(id) {
      return classify(id, options) !== null;
    },
    options(input) {
      // Rolldown's input option (Vite runs this hook per environment: it says SSR per call instead).
      if (meta.framework === 'rolldown' && input?.platform === 'node') detected = 'node';
    },
    load,
    vite: {
      configResolved(config) {
        assets.configure({ serve: config.command === 'serve', base: config.base });
      },
      configureServer(server) {
        server.middlewares.use(assets.middleware);
      },
    },
    esbuild: {
      loader: 'js',
      config(initialOptions) {
        assets.configure({ esbuild: initialOptions });
        if (initialOptions.platform === 'node') detected = 'node';
      },
    },
    webpack(compiler) {
      webpackSetup(compiler, 'webpack', setTarget, load);
    },
    rspack(compiler) {
      webpackSetup(compiler, 'rspack', setTarget, load);
    },
  };
});
