import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probeImports } from './missing-imports.js';

test('probeImports: present imports pass through unchanged', () => {
  const log = () => 'logged';
  const probe = probeImports({ 'my:pkg/host': { log }, greet: log });
  assert.equal(probe.imports['my:pkg/host'].log, log);
  assert.equal(probe.imports.greet, log);
  assert.deepEqual(probe.missing(), []);
});

test('probeImports: names every missing interface function and world function', () => {
  const probe = probeImports({ 'wasi:cli/stdout': { getStdout() {} } });
  const stdout = probe.imports['wasi:cli/stdout'];
  assert.equal(typeof stdout.writeViaStream, 'function');
  const host = probe.imports['test:values/host'];
  assert.equal(typeof host.roundTripU8, 'function');
  assert.equal(typeof host.Logger, 'function');
  assert.equal(typeof probe.imports.worldFunc, 'function');
  assert.deepEqual(probe.missing(), ['wasi:cli/stdout#write-via-stream', 'test:values/host', 'worldFunc']);
  assert.throws(() => stdout.writeViaStream(), /wasi:cli\/stdout#write-via-stream: not provided by the host/);
});
