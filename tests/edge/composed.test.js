// A composed component on every edge platform: fixtures/compose/http-greeted.wasm
// (a wasi:http handler whose answers come from a second component it imports,
// see fixtures/compose/build-http-greeted.sh) served by `weft serve` and by the
// `weft transpile --target` entries on Node 24, Deno, Bun and workerd. Each
// request makes calls between the two components (a string, a list<u32>): fused
// adapters in their own core module files where the engine has multi-memory
// (workerd allows no compiling at run time, so they must be bundled like the
// component's own modules), the JS adapters elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { request } from './requests.js';
import { REPO } from './servers.js';
import { onEveryPlatform } from './suite.js';

const COMPOSED = join(REPO, 'fixtures/compose/http-greeted.wasm');

onEveryPlatform({ fixture: COMPOSED, title: (p) => `${p} (composed)` }, (ctx) => {
  test('a string there and back: UTF-8 as sent', async () => {
    const r = await request(`${ctx.server.url}/greet`, { method: 'POST', body: 'wörld 🎉' });
    assert.deepEqual([r.status, r.headers['content-type'], r.text], [200, 'text/plain', 'hello, wörld 🎉!']);
  });

  test('a list<u32> there and back', async () => {
    const r = await request(`${ctx.server.url}/scale?3`, { method: 'POST', body: '1 2 3 4294967295' });
    assert.deepEqual([r.status, r.text], [200, '3 6 9 4294967293']);
    const none = await request(`${ctx.server.url}/scale?3`, { method: 'POST', body: '' });
    assert.deepEqual([none.status, none.text], [200, '']);
  });

  test('8 concurrent requests, and a 404', async () => {
    const rs = await Promise.all(
      Array.from({ length: 8 }, (_, i) => request(`${ctx.server.url}/greet`, { method: 'POST', body: `n${i}` })),
    );
    assert.deepEqual(
      rs.map((r) => r.text),
      rs.map((_, i) => `hello, n${i}!`),
    );
    assert.equal((await request(`${ctx.server.url}/missing`)).status, 404);
  });
});
