// `node build.mjs`: webpack's Node API (no webpack-cli needed), ESM output in dist/.
import webpack from 'webpack';
import config from './webpack.config.mjs';

webpack(config, (err, stats) => {
  if (err || stats.hasErrors()) {
    console.error(err ?? stats.toString({ all: false, errors: true }));
    process.exitCode = 1;
  }
});
