// The app every bundler example builds (examples/vite, rollup, rolldown,
// webpack, esbuild, rspack): `app.wasm` is a component (fixtures/guests/bundler-app)
// with an import the app provides, a resource and an async export. The
// plugin's `map` makes its `example:app/host` import this directory's
// host.js: the same module instance as the one imported below.
import { api } from './app.wasm';
import { lines } from './host.js';

const counter = new api.Counter(40);
counter.increment(1);
const total = counter.increment(1);
const greeting = await api.greet('bundlers');
document.querySelector('#output').textContent = [
  `greet: ${greeting}`,
  `counter: ${total}`,
  `host log: ${lines.join(' | ')}`,
].join('\n');
