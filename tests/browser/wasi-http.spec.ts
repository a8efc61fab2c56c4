// wasi:http outgoing in Chromium: the wasi-http fixture program talks to a
// loopback server (CORS-enabled, since the page has another origin) through
// the browser host's XHR transport and must print what `weft run
// --allow-network` prints in Node.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { REPO } from './build.mjs';
import { test } from './fixtures';

const WEFT = process.env.WEFT_BIN ?? join(REPO, 'target/debug/weft');

function echoServer(): Promise<Server> {
  const server = createServer((req, res) => {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', '*');
    res.setHeader('access-control-allow-methods', '*');
    res.setHeader('access-control-expose-headers', 'x-method, x-url, x-test-seen');
    if (req.method === 'OPTIONS') return void res.end();
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      res.setHeader('x-method', req.method ?? '');
      res.setHeader('x-url', req.url ?? '');
      res.setHeader('x-test-seen', String(req.headers['x-test'] ?? ''));
      res.end(`echo: ${body}`);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

for (const mode of ['post', 'get']) {
  test(`wasi-http ${mode}: same output in Chromium as in Node`, async ({ page, site }) => {
    test.setTimeout(60_000);
    const server = await echoServer();
    try {
      const { port } = server.address() as { port: number };
      const args = [`127.0.0.1:${port}`, ...(mode === 'get' ? ['get'] : [])];
      // Async: the echo server lives in this process and must keep answering.
      const { stdout: expected } = await promisify(execFile)(
        WEFT,
        ['run', '--allow-network', join(REPO, 'fixtures/build/wasi-http.wasm'), '--', ...args],
        { encoding: 'utf8' },
      );
      await page.goto(new URL('page/blank.html', site.url).href);
      const got = await page.evaluate(async (args) => {
        const { createWasi, runCommand, collectSink } = await import('/wasi/browser.js');
        const { load } = await import('/page/load.js');
        const stdout = collectSink();
        const wasi = createWasi({ args: ['wasi-http.wasm', ...args], stdout, stderr: 'ignore', network: true });
        const code = runCommand(await load('wasi-http', 'wasi-http', wasi));
        return { code, out: stdout.text() };
      }, args);
      expect(got.code).toBe(0);
      expect(got.out).toBe(expected);
      expect(expected).toContain('status: 200');
    } finally {
      server.close();
    }
  });
}
