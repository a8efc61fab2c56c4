// `rollup -c`: dist/main.js plus the component's core modules as assets.
import weft from 'weftjs/rollup';
import options from '../bundler-app/weft.options.js';

export default {
  input: '../bundler-app/src/main.js',
  output: { dir: 'dist', format: 'es' },
  plugins: [weft(options)],
};
