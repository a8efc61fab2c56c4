// The example page's logic: read the dropped file, loadComponent() it with a
// WASI host whose stdout/stderr land in the page, and list every exported
// function with an arguments box (a JSON array) and a Call button.
import { loadComponent } from './node_modules/weftjs/src/browser.js';
import { createWasi, lineSink } from './node_modules/weftjs/wasi/browser.js';

const $ = (id) => document.getElementById(id);

function print(line) {
  $('output').textContent += `${line}\n`;
}

function status(text, error = false) {
  $('status').textContent = text;
  $('status').className = error ? 'error' : '';
}

/** `[path, fn]` for every function in the exports, interfaces included (`iface.fn`). */
function functions(exports, prefix = '') {
  return Object.entries(exports).flatMap(([name, value]) => {
    if (typeof value === 'function' && !/^[A-Z]/.test(name)) return [[prefix + name, value]];
    if (value && typeof value === 'object' && !prefix) return functions(value, `${name}.`);
    return [];
  });
}

/** JSON with bigints and typed arrays shown readably. */
const show = (v) =>
  JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : ArrayBuffer.isView(x) ? [...x] : x)) ?? 'undefined';

function exportRow(path, fn) {
  const row = document.createElement('div');
  row.className = 'export';
  const label = document.createElement('code');
  label.textContent = path;
  const args = document.createElement('input');
  args.placeholder = 'arguments as JSON, e.g. [1, "two"]';
  args.dataset.export = path;
  const call = document.createElement('button');
  call.textContent = 'Call';
  call.dataset.export = path;
  call.onclick = async () => {
    try {
      const list = args.value.trim() ? JSON.parse(args.value) : [];
      print(`${path}(${list.map(show).join(', ')}) = ${show(await fn(...list))}`);
    } catch (e) {
      print(`${path}: ${e.name}: ${e.message}`);
    }
  };
  row.append(label, args, call);
  return row;
}

async function open(file) {
  status(`Loading ${file.name}…`);
  $('exports').replaceChildren();
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const started = performance.now();
    const wasi = createWasi({ stdout: lineSink(print), stderr: lineSink(print) });
    const exports = await loadComponent(bytes, wasi);
    const ms = (performance.now() - started).toFixed(0);
    const fns = functions(exports);
    status(`${file.name}: transpiled and instantiated in ${ms} ms; ${fns.length} exported functions.`);
    $('exports').append(...fns.map(([path, fn]) => exportRow(path, fn)));
  } catch (e) {
    status(`${file.name}: ${e.message}`, true);
  }
}

$('file').onchange = () => $('file').files[0] && open($('file').files[0]);
const drop = $('drop');
drop.ondragover = (e) => {
  e.preventDefault();
  drop.classList.add('over');
};
drop.ondragleave = () => drop.classList.remove('over');
drop.ondrop = (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  if (e.dataTransfer.files[0]) open(e.dataTransfer.files[0]);
};
