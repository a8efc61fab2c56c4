// `weft guest-types` (jco's `guest-types`): the `.d.ts` a component author
// needs to implement a world in JS. An implementation of part of the values
// world, written the way componentize-js authors write one (imports by WIT
// id, exports checked against the world's module), must type-check with
// `tsc --strict`; the same implementation with a wrong return type must not.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { typecheck as tsc } from './support/tsc.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const weft = join(repo, 'target', 'debug', 'weft');
const dir = mkdtempSync(join(tmpdir(), 'weft-guest-types-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const out = join(dir, 'types');
const gen = spawnSync(weft, ['guest-types', join(repo, 'fixtures/wit/values.wit'), '-o', out], { encoding: 'utf8' });

const guest = (addResult) => `/// <reference path="./types/values.d.ts" />
import { echoU32, echoPoint } from 'test:values/host@0.1.0';
import type { Point, Shape } from 'test:values/types@0.1.0';
import type * as World from 'test:values/values@0.1.0';

export function topAdd(a: number, b: number): ${addResult} {
  return ${addResult === 'string' ? 'String(echoU32(a + b))' : 'echoU32(a + b)'};
}
export function callHostPoint(v: Point): Point {
  return echoPoint(v);
}
export const exports = {
  roundtripShape(v: Shape): Shape { return v; },
  parseU32(s: string): number { return Number(s); },
};

// The author's exports must be what the world exports.
const checkAdd: typeof World.topAdd = topAdd;
const checkPoint: typeof World.callHostPoint = callHostPoint;
const checkShape: typeof World.exports.roundtripShape = exports.roundtripShape;
const checkParse: typeof World.exports.parseU32 = exports.parseU32;
export { checkAdd, checkPoint, checkShape, checkParse };
`;

function typecheck(name, source) {
  const file = join(dir, name);
  writeFileSync(file, source);
  return tsc([file], { cwd: dir });
}

test('weft guest-types writes the files jco guest-types writes', () => {
  assert.equal(gen.status, 0, gen.stderr);
  const files = readdirSync(out, { recursive: true })
    .filter((f) => f.endsWith('.d.ts'))
    .sort();
  assert.deepEqual(files, [
    'interfaces/test-values-exports.d.ts',
    'interfaces/test-values-host.d.ts',
    'interfaces/test-values-types.d.ts',
    'values.d.ts',
  ]);
});

test('an implementation of the world type-checks against the guest types', () => {
  const { status, output } = typecheck('guest.ts', guest('number'));
  assert.equal(status, 0, output);
});

test('an implementation with a wrong export type does not', () => {
  const { status, output } = typecheck('wrong.ts', guest('string'));
  assert.notEqual(status, 0);
  // Only the check against the world's declaration fails (line 18).
  assert.match(output, /^wrong\.ts\(18,7\): error TS2322/);
  assert.equal(output.split('\n').length, 2, output);
});
