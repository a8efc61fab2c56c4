// Builds one entry with one bundler and the weftjs plugin, through the
// bundler's JS API; run inside a bundler-site.mjs project (it resolves the
// bundlers and weftjs from there). Prints the bundler's errors and exits 1
// when the build fails.
//   node bundle.mjs <bundler> <entry> <outdir> [<plugin options JSON>] [node]
import { resolve } from 'node:path';

const [bundler, entryArg, outArg, optionsJson = '{}', target = 'browser'] = process.argv.slice(2);
const entry = resolve(entryArg);
const outdir = resolve(outArg);
const { __extra: extra = {}, __coreFallback: coreFallback = false, ...options } = JSON.parse(optionsJson);
const node = target === 'node';
const { default: weft } = await import(`weftjs/${bundler}`);
/** Rollup/Rolldown: a later plugin that takes the core modules weft leaves alone. */
const coreModules = {
  name: 'core-modules',
  async load(id) {
    if (!id.endsWith('.wasm')) return null;
    const { readFileSync } = await import('node:fs');
    return {
      code: `export default ${JSON.stringify(`core module, ${readFileSync(id).length} bytes`)};`,
      moduleType: 'js',
    };
  },
};
const plugins = () => [
  weft({ ...options, ...(node && bundler === 'rollup' ? { target: 'node' } : {}) }),
  ...(coreFallback ? [coreModules] : []),
];

const builds = {
  async vite() {
    const { build } = await import('vite');
    await build({
      configFile: false,
      logLevel: 'silent',
      root: resolve(entry, '..'),
      base: './',
      plugins: [weft(options)],
      build: {
        outDir: outdir,
        emptyOutDir: true,
        sourcemap: true,
        ...(node ? { ssr: entry } : { rollupOptions: { input: entry } }),
      },
      ...extra,
    });
  },
  async rollup() {
    const { rollup } = await import('rollup');
    const b = await rollup({ input: entry, plugins: plugins(), onwarn() {} });
    await b.write({ dir: outdir, format: 'es', sourcemap: true });
  },
  async rolldown() {
    const { rolldown } = await import('rolldown');
    const b = await rolldown({
      input: entry,
      platform: node ? 'node' : 'browser',
      plugins: plugins(),
      logLevel: 'silent',
    });
    await b.write({ dir: outdir, format: 'es', sourcemap: true });
  },
  async webpack() {
    const { default: webpack } = await import('webpack');
    const stats = await new Promise((ok, fail) =>
      webpack(
        {
          mode: 'production',
          entry,
          target: node ? 'node' : 'web',
          devtool: 'source-map',
          output: { path: outdir, filename: 'main.js', module: true },
          experiments: { outputModule: true },
          plugins: [weft(options)],
          ...extra,
        },
        (err, s) => (err ? fail(err) : ok(s)),
      ),
    );
    if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
  },
  async rspack() {
    const { rspack } = await import('@rspack/core');
    const stats = await new Promise((ok, fail) =>
      rspack(
        {
          mode: 'production',
          entry,
          target: node ? 'node' : 'web',
          devtool: 'source-map',
          output: { path: outdir, filename: 'main.js', module: true },
          plugins: [weft(options)],
          ...extra,
        },
        (err, s) => (err ? fail(err) : ok(s)),
      ),
    );
    if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
  },
  async esbuild() {
    const { build } = await import('esbuild');
    await build({
      entryPoints: { main: entry },
      bundle: true,
      format: 'esm',
      outdir,
      platform: node ? 'node' : 'browser',
      sourcemap: true,
      logLevel: 'silent',
      plugins: [weft(options)],
      ...extra,
    });
  },
};

try {
  await builds[bundler]();
} catch (e) {
  const errors = e.errors?.length ? e.errors.map((x) => x.text ?? x.message ?? String(x)).join('\n') : e.message;
  console.error(errors);
  process.exitCode = 1;
}
