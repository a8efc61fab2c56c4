// `app.wasm.d.ts` next to an imported component, so `tsc` types
// `import { api } from './app.wasm'` with the component's WIT types. The
// interfaces' declarations go to `app.wasm.types/` beside it. Files are
// rewritten only when their text changes (no churn for watchers).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const INTERFACES = './interfaces/';

function writeIfChanged(path, text) {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/**
 * Writes the declarations of component `file`. `files()` gives `types()`'s
 * output for name `basename(file)`: `<base>.d.ts` and `interfaces/*.d.ts`.
 */
export function writeDeclarations(file, files) {
  const base = basename(file);
  const dir = dirname(file);
  const typesDir = `${base}.types`;
  const decoder = new TextDecoder();
  for (const f of files()) {
    const text = decoder.decode(f.contents);
    if (f.path === `${base}.d.ts`) {
      writeIfChanged(join(dir, f.path), text.replaceAll(`'${INTERFACES}`, `'./${typesDir}/`));
    } else if (f.path.startsWith(INTERFACES.slice(2))) {
      writeIfChanged(join(dir, typesDir, f.path.slice(INTERFACES.length - 2)), text);
    }
  }
}
