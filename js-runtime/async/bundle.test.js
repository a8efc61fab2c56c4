// The async runtime files must survive the way src/emit/intrinsics.rs inlines
// helpers (build.rs derives each helper's dependencies from its imports):
// import statements (one line or several) are dropped, `export ` prefixes
// stripped, and all top-level names share one scope.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import vm from 'node:vm';

const dir = new URL('./', import.meta.url);
const intr = new URL('../intrinsics/', import.meta.url);
const files = new Map();
for (const [base, names] of [
  [intr, readdirSync(intr)],
  [dir, readdirSync(dir)],
]) {
  for (const f of names) {
    if (!f.endsWith('.js') || f.endsWith('.test.js') || f === 'testkit.js') continue;
    files.set(f.slice(0, -3), readFileSync(new URL(f, base), 'utf8'));
  }
}
const asyncNames = readdirSync(dir)
  .filter((f) => f.endsWith('.js') && !f.endsWith('.test.js') && f !== 'testkit.js')
  .map((f) => f.slice(0, -3));
// An import statement ([^;] spans lines) of a helper file, and any import statement.
const IMPORT = /^(?:import [^;]*|export \*) from '\.{1,2}\/(?:intrinsics\/)?([A-Za-z0-9]+)\.js';$/gm;
const ANY_IMPORT = /^(?:import |export \* from )[^;]*;$/gm;
const deps = (src) => [...src.matchAll(IMPORT)].map(([, from]) => from);

/** intrinsics.rs `render`, with dependencies first. */
function render(roots) {
  const order = [];
  const visit = (n) => {
    if (order.includes(n)) return;
    assert.ok(files.has(n), `unknown dependency ${n}`);
    deps(files.get(n)).forEach(visit);
    order.push(n);
  };
  roots.forEach(visit);
  return order
    .map((n) =>
      files
        .get(n)
        .replace(ANY_IMPORT, '')
        .split('\n')
        .map((l) => (l.startsWith('export ') ? l.slice(7) : l))
        .join('\n'),
    )
    .join('\n');
}

test('every import names a helper file', () => {
  for (const [n, src] of files) {
    const imports = [...src.matchAll(ANY_IMPORT)];
    assert.equal(deps(src).length, imports.length, `${n}.js: every import is from a helper`);
    for (const from of deps(src)) assert.ok(files.has(from), `${n}.js imports ${from}.js, not a helper`);
    assert.ok(!/^export \{/m.test(src), `${n}.js re-exports (breaks inlining)`);
  }
});

test('top-level names are unique across intrinsics/ and async/ (intrinsics.rs helper_top_level_names_are_unique)', () => {
  const seen = new Map();
  for (const [n, src] of files) {
    for (const line of src.split('\n')) {
      const m = /^(?:export )?(?:function|const|let|class) ([A-Za-z0-9_$]+)/.exec(line);
      if (m === null) continue;
      assert.ok(!seen.has(m[1]), `${m[1]} is declared by both ${seen.get(m[1])}.js and ${n}.js`);
      seen.set(m[1], n);
    }
  }
});

test('all async helpers inlined together form one valid script', () => {
  const js = render(asyncNames);
  assert.doesNotThrow(
    () => new vm.Script(`(() => {\n${js}\nreturn { Store, startCallbackTask, streamCopy, streamToJs };\n})()`),
  );
  const api = new vm.Script(`(() => {\n${js}\nreturn { Store, AsyncInstance };\n})()`).runInNewContext({
    WebAssembly,
    queueMicrotask,
    setTimeout,
  });
  assert.equal(typeof new api.Store().wake, 'function');
});
