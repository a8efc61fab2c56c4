// The webpack config of the example, shared by `node build.mjs` (a production
// build in dist/) and `node serve.mjs` (webpack-dev-server, the same page).
import { fileURLToPath } from 'node:url';
import weft from 'weftjs/webpack';
import options from '../bundler-app/weft.options.js';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export default {
  mode: 'production',
  context: here('.'),
  entry: '../bundler-app/src/main.js',
  output: { path: here('./dist'), filename: 'main.js', module: true, clean: true },
  experiments: { outputModule: true },
  plugins: [weft(options)],
  // `node serve.mjs`: index.html from this directory, the bundle (in memory) under /dist/.
  devServer: { static: { directory: here('.'), watch: false }, devMiddleware: { publicPath: '/dist/' } },
};
