// The program `weft run` runs (see common.mjs): a wasi:cli/command, 0.2 or 0.3.
// The process ends when `run` does, as a native program ends when `main`
// returns: work the program leaves behind (a 0.3 task still reading a stdin
// that never closes, a timer, a socket) does not keep it alive. stdout and
// stderr are written synchronously, so nothing written is lost.
import { config, constants, fail, load, oneLine } from './common.mjs';
import { createWasi, runCommand } from './wasi/index.js';
import { isCommand3, runCommand3 } from './wasi3/run.js';

let wasi;
try {
  wasi = createWasi({ ...config, stdin: 'inherit' });
} catch (e) {
  fail(e);
}
const app = await load(wasi);
try {
  // wasi:cli/run@0.3.x is an async export; 0.2's returns synchronously
  process.exit(isCommand3(app) ? await runCommand3(app) : runCommand(app));
} catch (e) {
  // A closed stdout (`weft run prog | head`) ends the program quietly, as SIGPIPE ends Unix tools.
  if (e?.code === 'EPIPE') process.exit(128 + constants.signals.SIGPIPE);
  process.stderr.write(`error: ${e instanceof WebAssembly.RuntimeError ? 'wasm trap: ' : ''}${oneLine(e)}\n`);
  process.exit(1);
}
