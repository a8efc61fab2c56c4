// `node build.mjs`: esbuild's API (plugins need it), ESM output in dist/.
import { build } from 'esbuild';
import weft from 'weftjs/esbuild';
import options from '../bundler-app/weft.options.js';

await build({
  entryPoints: { main: '../bundler-app/src/main.js' },
  bundle: true,
  format: 'esm',
  minify: true,
  outdir: 'dist',
  plugins: [weft(options)],
}).catch(() => {
  process.exitCode = 1;
});
