// Builds one entry with one bundler and the weftjs plugin, through the
// bundler's JS API; run inside a bundler-site.mjs project (it resolves the
// bundlers and weftjs from there). Prints the bundler's errors and exits 1
// when the build fails.
//   node bundle.mjs <bundler> <entry> <outdir> [<plugin options JSON>] [node]
import { resolve } from 'node:path';

const [bundler, entryArg, outArg, optionsJson = '{}', target = 'browser'] = process.argv.slice(2);
const entry = resolve(entryArg);
const outdir = resolve(outArg);
const options = JSON.parse(optionsJson);
const node = target === 'node';
const { default: weft } = await import(`weftjs/${bundler}`);

const builds = {
  async vite() {
    const { build } = await import('vite');
    await build({
      configFile: false, logLevel: 'silent', root: resolve(entry, '..'),
      plugins: [weft(options)],
      build: { outDir: outdir, emptyOutDir: true, sourcemap: true, ...(node ? { ssr: entry } : { rollupOptions: { input: entry } }) },
    });
  },
  async rollup() {
    const { rollup } = await import('rollup');
    const b = await rollup({ input: entry, plugins: [weft({ ...options, ...(node ? { target: 'node' } : {}) })], onwarn() {} });
    await b.write({ dir: outdir, format: 'es', sourcemap: true });
  },
  async rolldown() {
    const { rolldown } = await import('rolldown');
    const b = await rolldown({ input: entry, platform: node ? 'node' : 'browser', plugins: [weft(options)], logLevel: 'silent' });
    await b.write({ dir: outdir, format: 'es', sourcemap: true });
  },
  async webpack() {
    const { default: webpack } = await import('webpack');
    const stats = await new Promise((ok, fail) => webpack({
      mode: 'production', entry, target: node ? 'node' : 'web', devtool: 'source-map',
      output: { path: outdir, filename: 'main.js', module: true }, experiments: { outputModule: true },
      plugins: [weft(options)], ...(options.__webpack ?? {}),
    }, (err, s) => (err ? fail(err) : ok(s))));
    if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
  },
  async esbuild() {
    const { build } = await import('esbuild');
    await build({ entryPoints: { main: entry }, bundle: true, format: 'esm', outdir, platform: node ? 'node' : 'browser', sourcemap: true, logLevel: 'silent', plugins: [weft(options)] });
  },
};

try {
  await builds[bundler]();
} catch (e) {
  const errors = e.errors?.map((x) => x.text).join('\n') ?? e.message;
  console.error(errors);
  process.exitCode = 1;
}
