// `node serve.mjs [port]`: the example under webpack-dev-server's API (no
// webpack-cli needed). The component is transpiled when webpack builds it
// (results cached by content hash); editing the .wasm rebuilds and reloads the page.
import webpack from 'webpack';
import WebpackDevServer from 'webpack-dev-server';
import config from './webpack.config.mjs';

const { devServer, ...rest } = config;
const compiler = webpack({
  ...rest,
  mode: 'development',
  devtool: 'source-map',
  output: { ...rest.output, clean: false },
});
const server = new WebpackDevServer(
  { ...devServer, host: '127.0.0.1', port: Number(process.argv[2] ?? 8080) },
  compiler,
);
await server.start();
console.log(`weft webpack example: http://127.0.0.1:${server.server.address().port}/index.html`);
