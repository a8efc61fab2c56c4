// The example page's script: imports the transpiled component (plain ESM
// output; its core module is fetched next to the glue) and calls it on submit.
import { greet } from './out/hello.js';

const form = document.getElementById('form');
const name = document.getElementById('name');
const output = document.getElementById('output');
form.addEventListener('submit', (event) => {
  event.preventDefault();
  output.textContent = greet(name.value);
});
document.body.dataset.ready = 'true';
