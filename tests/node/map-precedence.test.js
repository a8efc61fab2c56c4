// `--map` precedence (README, `--map` row): the most specific pattern wins
// whatever the order given — an exact name over a pattern naming a version,
// over a pattern without one, then the pattern with more literal text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { jcoSkip, tmp, transpile } from './harness.js';

// jco 1.35 maps wasi:* imports to its own shims unless told otherwise, so its results differ.
const OPTS = jcoSkip('jco 1.35 adds its own wasi:* shim maps');

// Host modules `<dir>/<tag>.js`, each exporting `id()` returning its tag's number,
// with `iface` as a member too (for `module#member`).
const TAGS = ['A', 'B', 'S', 'W', 'X', 'E'];
const dir = tmp('map-hosts');
for (const [i, tag] of TAGS.entries()) {
  writeFileSync(
    join(dir, `${tag}.js`),
    `export const id = () => ${i + 1};\nexport const iface = { id: () => ${100 + i + 1} };\n`,
  );
}
const url = (tag) => pathToFileURL(join(dir, `${tag}.js`)).href;
const num = (tag) => (tag.endsWith('#') ? 100 : 0) + TAGS.indexOf(tag.replace('#', '')) + 1;

/** Transpiles the fixture with `--map` entries in the given order and reports which
 * host module each of the four imports was loaded from. */
async function which(entries) {
  const args = entries.flatMap(([pattern, tag]) => [
    '--map',
    `${pattern}=${url(tag.replace('#', ''))}${tag.endsWith('#') ? '#iface' : ''}`,
  ]);
  const mod = await import(pathToFileURL(transpile('map-precedence', { args })).href);
  return { stdout: mod.stdout(), stdin: mod.stdin(), env: mod.env(), exact: mod.exact() };
}

/** Every rotation of `entries` maps the imports as `want` says (tags by import). */
async function expectInAnyOrder(entries, want) {
  const expected = Object.fromEntries(Object.entries(want).map(([k, tag]) => [k, num(tag)]));
  for (let i = 0; i < entries.length; i++) {
    const order = [...entries.slice(i), ...entries.slice(0, i)];
    assert.deepEqual(await which(order), expected, `order ${JSON.stringify(order)}`);
  }
}

test('a pattern naming a version beats one without', OPTS, async () => {
  await expectInAnyOrder(
    [
      ['wasi:cli/*', 'A'],
      ['wasi:cli/*@0.3.0', 'B'],
      ['*', 'W'],
    ],
    { stdout: 'B', stdin: 'B', env: 'A', exact: 'W' },
  );
});

test('an exact name beats every pattern; with its version before without', OPTS, async () => {
  await expectInAnyOrder(
    [
      ['wasi:cli/*@0.3.0', 'B'],
      ['wasi:cli/stdout@0.3.0', 'E'],
      ['wasi:cli/stdin', 'X'],
      ['*', 'W'],
      ['test:map/exact', 'A'],
    ],
    { stdout: 'E', stdin: 'X', env: 'W', exact: 'A' },
  );
  await expectInAnyOrder(
    [
      ['test:map/exact', 'A'],
      ['test:map/exact@1.0.0', 'E'],
      ['test:*@1.0.0', 'B'],
      ['*', 'W'],
    ],
    { stdout: 'W', stdin: 'W', env: 'W', exact: 'E' },
  );
});

test('among patterns of a kind, more literal text wins; a tie goes to the first given', OPTS, async () => {
  await expectInAnyOrder(
    [
      ['wasi:*', 'W'],
      ['wasi:cli/std*', 'S'],
      ['wasi:cli/*', 'A'],
      ['test:*', 'X'],
    ],
    { stdout: 'S', stdin: 'S', env: 'A', exact: 'X' },
  );
  // `wasi:cli/*out@0.3.0` and `wasi:cli/std*@0.3.0`: same length, first one wins
  assert.deepEqual(
    await which([
      ['wasi:cli/*out@0.3.0', 'A'],
      ['wasi:cli/std*@0.3.0', 'B'],
      ['*', 'W'],
    ]),
    { stdout: 1, stdin: 2, env: 4, exact: 4 },
  );
  assert.deepEqual(
    await which([
      ['wasi:cli/std*@0.3.0', 'B'],
      ['wasi:cli/*out@0.3.0', 'A'],
      ['*', 'W'],
    ]),
    { stdout: 2, stdin: 2, env: 4, exact: 4 },
  );
});

test('`module#member` from a versioned pattern', OPTS, async () => {
  assert.deepEqual(
    await which([
      ['wasi:cli/*@0.3.0', 'B#'],
      ['*', 'W'],
    ]),
    { stdout: 102, stdin: 102, env: 4, exact: 4 },
  );
});
