// What `weft run` and `weft serve` (command.mjs, serve.mjs) share. They are
// written next to the transpiled component (`app.js`), the WASI host (`wasi/`,
// `wasi3/`) and `missing-imports.js`, and run in Node with a JSON config as
// argv[2]. The directory removes itself when Node exits (also when `weft` was
// killed and Node outlives it), a signal ends Node through that exit path,
// errors are one line, and the component is instantiated through
// `probeImports` so every import the host does not provide is named at once.
import { readFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { instantiate } from './app.js';
import { probeImports } from './missing-imports.js';

const here = fileURLToPath(new URL('.', import.meta.url));
process.on('exit', () => rmSync(here, { recursive: true, force: true }));
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => process.exit(128 + constants.signals[sig]));

/** The command's JSON config; `program` names the component in error lines. */
export const { program, ...config } = JSON.parse(process.argv[2]);
export { constants };

/** An error's message on one line. */
export const oneLine = (e) => String(e?.message ?? e).replace(/\s*\n\s*/g, ' ');

/** Prints `error: <program>: <message>` and exits with status 1. */
export function fail(e) {
  process.stderr.write(`error: ${program}: ${oneLine(e)}\n`);
  process.exit(1);
}

/** A new instance of the component with `imports`. */
export function instantiateWith(imports) {
  return instantiate(async (file) => WebAssembly.compile(await readFile(new URL(file, import.meta.url))), imports);
}

/** The first instance: fails naming every import `wasi` lacks. */
export async function load(wasi) {
  let app;
  const probe = probeImports(wasi);
  try {
    app = await instantiateWith(probe.imports);
  } catch (e) {
    if (!probe.missing().length) fail(e);
  }
  const missing = probe.missing();
  if (missing.length) fail(`imports the host does not provide: ${missing.join(', ')}`);
  return app;
}
