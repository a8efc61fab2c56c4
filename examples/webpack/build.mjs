// `node build.mjs`: webpack's Node API (no webpack-cli needed), ESM output in dist/.
import { fileURLToPath } from 'node:url';
import webpack from 'webpack';
import weft from 'weftjs/webpack';
import options from '../bundler-app/weft.options.js';

const config = {
  mode: 'production',
  context: fileURLToPath(new URL('.', import.meta.url)),
  entry: '../bundler-app/src/main.js',
  output: { path: fileURLToPath(new URL('./dist', import.meta.url)), filename: 'main.js', module: true, clean: true },
  experiments: { outputModule: true },
  plugins: [weft(options)],
};

webpack(config, (err, stats) => {
  if (err || stats.hasErrors()) {
    console.error(err ?? stats.toString({ all: false, errors: true }));
    process.exitCode = 1;
  }
});
