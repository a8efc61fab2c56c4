// `node build.mjs`: rspack's Node API (no @rspack/cli needed), ESM output in dist/.
import { fileURLToPath } from 'node:url';
import { rspack } from '@rspack/core';
import weft from 'weftjs/rspack';
import options from '../bundler-app/weft.options.js';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

const config = {
  mode: 'production',
  context: here('.'),
  entry: '../bundler-app/src/main.js',
  output: { path: here('./dist'), filename: 'main.js', module: true, clean: true },
  plugins: [weft(options)],
};

rspack(config, (err, stats) => {
  if (err || stats.hasErrors()) {
    console.error(err ?? stats.toString({ all: false, errors: true }));
    process.exitCode = 1;
  }
});
