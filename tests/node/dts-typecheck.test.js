// Type-checks the golden `.d.ts` output with the real TypeScript compiler:
// for every case in tests/golden/dts, `tsc --noEmit --strict` over all its
// expected declaration files plus the case's hand-written `usage.ts`, which
// calls the declared functions with correctly typed values. Any tsc
// diagnostic fails the test, so the declarations are proven valid and usable.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TSC, typecheck } from './support/tsc.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const goldenRoot = join(repo, 'tests', 'golden', 'dts');

// Declarations use `Symbol.dispose` (esnext.disposable), `ReadableStream`
// (dom) and `WebAssembly` (dom); everything else must hold under --strict.

function filesUnder(dir, suffix) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, suffix));
    else if (path.endsWith(suffix)) out.push(path);
  }
  return out.sort();
}

const cases = readdirSync(goldenRoot)
  .filter((name) => existsSync(join(goldenRoot, name, 'expected')))
  .sort();

test('golden cases exist', () => {
  assert.ok(existsSync(TSC), `typescript not found at ${TSC} (symlink node_modules)`);
  assert.ok(cases.length > 0, 'no golden .d.ts cases');
});

for (const name of cases) {
  test(`tsc accepts golden .d.ts for ${name}`, () => {
    const dir = join(goldenRoot, name);
    const usage = join(dir, 'usage.ts');
    assert.ok(existsSync(usage), `${name} has no usage.ts exercising its declarations`);
    const files = [...filesUnder(join(dir, 'expected'), '.d.ts'), usage];
    const { status, output } = typecheck(files, { dom: true, libCheck: true });
    assert.equal(status, 0, `tsc reported errors for ${relative(repo, dir)}:\n${output}`);
    assert.equal(output, '', `tsc printed diagnostics:\n${output}`);
  });
}
