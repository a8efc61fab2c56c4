// WASI 0.3 programs in Chromium: the wasi3-* fixture guests (callback-form
// async, no JSPI) run against the browser host (js-runtime/wasi/browser.js +
// wasi3/: in-memory files, collected stdout, the http client over fetch) and
// must print what `weft run` prints for them in Node (the http client: except
// where Fetch cannot, see its test).
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { REPO } from './build.mjs';
import { test } from './fixtures';

const WEFT = process.env.WEFT_BIN ?? join(REPO, 'target/debug/weft');
const INPUT = 'input data here\n';

// `browserNetwork`: the page grants the network (Node does not): browser sockets stay refused.
type Case = {
  name: string;
  args?: string[];
  env?: Record<string, string>;
  stdin?: string;
  files?: boolean;
  code?: number;
  browserNetwork?: boolean;
};
const CASES: Case[] = [
  { name: 'wasi3-cli', args: ['echo', 'b c'], env: { FOO: 'bar' }, stdin: 'hello\nfrom the browser\n' },
  { name: 'wasi3-cli', args: ['exit=42'], code: 42 },
  { name: 'wasi3-clocks-random' },
  { name: 'wasi3-files', files: true },
  { name: 'wasi3-sockets', args: ['denied'] },
  { name: 'wasi3-sockets', args: ['denied'], browserNetwork: true },
];

/** Output that legitimately differs between two runs: measured durations. */
const stable = (out: string) => out.replace(/overlapping waits \d+ms/, 'overlapping waits Nms');

function inNode(c: Case): { code: number; out: string } {
  const flags: string[] = [];
  for (const [k, v] of Object.entries(c.env ?? {})) flags.push('--env', `${k}=${v}`);
  let root: string | null = null;
  if (c.files) {
    root = mkdtempSync(join(tmpdir(), 'weft-wasi3-browser-'));
    const data = join(root, 'data');
    mkdirSync(data);
    writeFileSync(join(root, 'secret.txt'), 'top secret');
    writeFileSync(join(data, 'input.txt'), INPUT);
    symlinkSync('../secret.txt', join(data, 'link-out'));
    symlinkSync('input.txt', join(data, 'link-in'));
    flags.push('--dir', `${data}::/data`);
  }
  try {
    const out = execFileSync(
      WEFT,
      ['run', ...flags, join(REPO, 'fixtures/build', `${c.name}.wasm`), '--', ...(c.args ?? [])],
      {
        input: c.stdin ?? '',
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'ignore'],
      },
    );
    return { code: 0, out };
  } catch (e) {
    const err = e as { status: number; stdout: string };
    return { code: err.status, out: err.stdout };
  } finally {
    if (root) rmSync(root, { recursive: true, force: true });
  }
}

for (const c of CASES) {
  test(`${c.name} ${(c.args ?? []).join(' ')}${c.browserNetwork ? ' (page granted the network)' : ''}: same output in Chromium as in Node`, async ({
    page,
    site,
  }) => {
    const expected = inNode(c);
    expect(expected.code).toBe(c.code ?? 0);
    await page.goto(new URL('page/blank.html', site.url).href);
    const got = await page.evaluate(
      async ({ c, input }) => {
        const { createWasi, runCommand3, memoryDirectory, memorySymlink, collectSink } = await import(
          '/wasi/browser.js'
        );
        const { load } = await import('/page/load.js');
        const stdout = collectSink();
        const tree = () =>
          memoryDirectory({
            'input.txt': input,
            'link-in': memorySymlink('input.txt'),
            'link-out': memorySymlink('../secret.txt'),
          });
        const wasi = createWasi({
          args: [`${c.name}.wasm`, ...(c.args ?? [])],
          env: c.env ?? {},
          stdin: c.stdin ?? '',
          stdout,
          stderr: 'ignore',
          preopens: c.files ? { '/data': tree() } : {},
          network: c.browserNetwork === true,
        });
        const app = await load(c.name, c.name, wasi);
        const code = await runCommand3(app);
        return { code, out: stdout.text() };
      },
      { c, input: INPUT },
    );
    expect(got.code).toBe(expected.code);
    expect(stable(got.out)).toBe(stable(expected.out));
  });
}

// The http client guest: in Node through `weft run --allow-network` (node:http:
// streaming, trailers), in the page through the browser host's fetch transport,
// against the same CORS-enabled local server. Every step prints the same line on
// both, except the two Fetch cannot do, which fail at once with the error-code
// js-runtime/wasi3/README.md documents (the guest asserts the variant).
test('wasi3-http-client: same results in Chromium (fetch) as in Node, documented error-codes where Fetch cannot', async ({
  page,
  site,
  pageErrors,
}) => {
  test.setTimeout(60_000);
  const { clientTestServer } = await import('../node/support/http-client-server.js');
  const server = await clientTestServer({ cors: true });
  try {
    const authority = `127.0.0.1:${(server.address() as { port: number }).port}`;
    // Asynchronous: the server lives in this process and must keep answering.
    const { stdout: inNode } = await promisify(execFile)(
      WEFT,
      ['run', '--allow-network', join(REPO, 'fixtures/build/wasi3-http-client.wasm'), '--', authority],
      { encoding: 'utf8' },
    );
    await page.goto(new URL('page/blank.html', site.url).href);
    const got = await page.evaluate(async (authority) => {
      const { createWasi, runCommand3, collectSink } = await import('/wasi/browser.js');
      const { load } = await import('/page/load.js');
      const stdout = collectSink();
      const wasi = createWasi({ args: ['client', authority, 'fetch'], stdout, stderr: 'ignore', network: true });
      const code = await runCommand3(await load('wasi3-http-client', 'wasi3-http-client', wasi));
      return { code, out: stdout.text() };
    }, authority);
    expect(got.code).toBe(0);
    // The refused-connection step's failed fetch is logged by Chromium; expected, nothing else is.
    const refused = pageErrors.findIndex((e) => e.includes('(http://127.0.0.1:1/)'));
    expect(refused, 'the refused request is logged').toBeGreaterThanOrEqual(0);
    pageErrors.splice(refused, 1);
    const fetchCannot: Record<string, string> = {
      'trailers ok': 'trailers refused: fetch cannot send request trailers',
      'cookie ok': "cookie refused: the browser's fetch cannot send the request header cookie",
    };
    expect(inNode).toBe(
      'GET ok\nPOST streamed ok\ntrailers ok\ncookie ok\ntimeout ok\nrefused ok\ninvalid inputs refused\n',
    );
    expect(got.out).toBe(
      inNode
        .split('\n')
        .map((l) => fetchCannot[l] ?? l)
        .join('\n'),
    );
  } finally {
    server.close();
  }
});

// The 0.3 filesystem on an OPFS preopen (js-runtime/wasi/filesystem-opfs.js
// under wasi3/filesystem.js): same output as `weft run --dir` on a host
// directory, and after a reload OPFS holds what the program left.
test('wasi3-files on an OPFS preopen: same output as Node, files persist across a reload', async ({ page, site }) => {
  const root = mkdtempSync(join(tmpdir(), 'weft-wasi3-opfs-'));
  let expected: string;
  try {
    writeFileSync(join(root, 'input.txt'), INPUT);
    expected = execFileSync(
      WEFT,
      ['run', '--dir', `${root}::/data`, join(REPO, 'fixtures/build/wasi3-files.wasm'), '--', 'no-symlinks'],
      { encoding: 'utf8' },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  await page.goto(new URL('page/blank.html', site.url).href);
  const run = await page.evaluate(async (input) => {
    const { createWasi, runCommand3, collectSink, opfsDirectory } = await import('/wasi/browser.js');
    const { load } = await import('/page/load.js');
    const root = await navigator.storage.getDirectory();
    for await (const name of (root as any).keys()) await root.removeEntry(name, { recursive: true });
    const put = async (dir: FileSystemDirectoryHandle, name: string, text: string) => {
      const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
      await w.write(text);
      await w.close();
    };
    await put(root, 'secret.txt', 'outside the grant');
    const dataHandle = await root.getDirectoryHandle('weft-data', { create: true });
    await put(dataHandle, 'input.txt', input);
    const data = await opfsDirectory(dataHandle);
    const stdout = collectSink();
    const wasi = createWasi({
      args: ['wasi3-files.wasm', 'no-symlinks'],
      stdout,
      stderr: 'ignore',
      preopens: { '/data': { opfs: data } },
    });
    const code = await runCommand3(await load('wasi3-files', 'wasi3-files', wasi));
    await data.flush();
    return { code, out: stdout.text() };
  }, INPUT);
  expect(run.code).toBe(0);
  expect(run.out).toBe(expected);

  await page.reload();
  const files = await page.evaluate(async () => {
    const out: Record<string, string> = {};
    const walk = async (dir: FileSystemDirectoryHandle, prefix: string) => {
      for await (const [name, h] of (dir as any).entries()) {
        if (h.kind === 'directory') {
          out[`${prefix}${name}/`] = '';
          await walk(h, `${prefix}${name}/`);
        } else {
          out[prefix + name] = await (await h.getFile()).text();
        }
      }
    };
    const root = await navigator.storage.getDirectory();
    await walk(root, '');
    for await (const name of (root as any).keys()) await root.removeEntry(name, { recursive: true });
    return out;
  });
  expect(files).toEqual({
    'secret.txt': 'outside the grant',
    'weft-data/': '',
    'weft-data/input.txt': INPUT,
    'weft-data/out/': '',
    'weft-data/out/hello.txt': 'Jello world\n',
  });
});
