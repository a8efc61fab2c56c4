// `rolldown -c`: dist/main.js plus the component's core modules as assets.
import weft from 'weftjs/rolldown';
import options from '../bundler-app/weft.options.js';

export default {
  input: '../bundler-app/src/main.js',
  output: { dir: 'dist', format: 'es', minify: true },
  plugins: [weft(options)],
};
