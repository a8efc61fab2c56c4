// `vite build` (or `vite` for the dev server): the app is ../bundler-app.
import { fileURLToPath } from 'node:url';
import weft from 'weftjs/vite';
import options from '../bundler-app/weft.options.js';

export default {
  root: fileURLToPath(new URL('../bundler-app', import.meta.url)),
  base: './',
  plugins: [weft(options)],
  build: { outDir: fileURLToPath(new URL('./dist', import.meta.url)), emptyOutDir: true },
};
