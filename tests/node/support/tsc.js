// `tsc --noEmit --strict` over some files, as the .d.ts tests run it: the
// repo's TypeScript, ES2022 modules resolved as Node does, explicit
// resource management (`Symbol.dispose`) in the lib.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');

/**
 * Type-checks `files` from `cwd`; `dom` adds the DOM lib, `libCheck` also
 * checks `.d.ts` files (tsc's `--skipLibCheck false`).
 * Returns `{ status, output }` (stdout and stderr, trimmed).
 */
export function typecheck(files, { cwd = REPO, dom = false, libCheck = false } = {}) {
  const flags = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext'];
  flags.push('--moduleResolution', 'nodenext', '--pretty', 'false');
  flags.push('--lib', dom ? 'es2022,esnext.disposable,dom' : 'es2022,esnext.disposable');
  if (libCheck) flags.push('--skipLibCheck', 'false');
  const run = spawnSync(process.execPath, [TSC, ...flags, ...files], { cwd, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}
