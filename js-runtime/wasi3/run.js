// Running a WASI 0.3 command: `wasi:cli/run@0.3.x`'s `run` is an async
// export (a Promise), where 0.2's returns synchronously. `weft run` tells the
// two apart by the version in the export's name.
import { exitStatusOf } from '../wasi/cli.js';

/** The versioned `wasi:cli/run@...` export key of a glue instance, if any. */
const runKey = (instance) => Object.keys(instance).find((k) => k.startsWith('wasi:cli/run@'));

/** True when the instance exports `wasi:cli/run@0.3.x` (any 0.3 patch version). */
export function isCommand3(instance) {
  return /^wasi:cli\/run@0\.3\./.test(runKey(instance) ?? '');
}

/**
 * Runs a 0.3 command and resolves to its exit status: 0, 1 when `run`
 * returns `err`, or the status given to `exit`/`exit-with-code`. Traps reject.
 */
export async function runCommand3(instance) {
  const run = instance[runKey(instance)];
  if (!isCommand3(instance) || typeof run?.run !== 'function') {
    throw new TypeError('runCommand3: the instance exports no wasi:cli/run@0.3.x');
  }
  try {
    await run.run();
    return 0;
  } catch (e) {
    return exitStatusOf(e);
  }
}
