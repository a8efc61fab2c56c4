// WASI 0.3 programs in Chromium: the wasi3-* fixture guests (callback-form
// async, no JSPI) run against the browser host (js-runtime/wasi/browser.js +
// wasi3/: in-memory files, collected stdout) and must print exactly what
// `weft run` prints for them in Node.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { REPO } from './build.mjs';
import { test } from './fixtures';

const WEFT = process.env.WEFT_BIN ?? join(REPO, 'target/debug/weft');
const INPUT = 'input data here\n';

type Case = { name: string; args?: string[]; env?: Record<string, string>; stdin?: string; files?: boolean; code?: number };
const CASES: Case[] = [
  { name: 'wasi3-cli', args: ['echo', 'b c'], env: { FOO: 'bar' }, stdin: 'hello\nfrom the browser\n' },
  { name: 'wasi3-cli', args: ['exit=42'], code: 42 },
  { name: 'wasi3-clocks-random' },
  { name: 'wasi3-files', files: true },
  { name: 'wasi3-sockets', args: ['denied'] },
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
    const out = execFileSync(WEFT, ['run', ...flags, join(REPO, 'fixtures/build', `${c.name}.wasm`), '--', ...(c.args ?? [])], {
      input: c.stdin ?? '',
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    return { code: 0, out };
  } catch (e) {
    const err = e as { status: number; stdout: string };
    return { code: err.status, out: err.stdout };
  } finally {
    if (root) rmSync(root, { recursive: true, force: true });
  }
}

for (const c of CASES) {
  test(`${c.name} ${(c.args ?? []).join(' ')}: same output in Chromium as in Node`, async ({ page, site }) => {
    const expected = inNode(c);
    expect(expected.code).toBe(c.code ?? 0);
    await page.goto(new URL('page/blank.html', site.url).href);
    const got = await page.evaluate(
      async ({ c, input }) => {
        const { createWasi, runCommand3, memoryDirectory, memorySymlink, collectSink } = await import('/wasi/browser.js');
        const { load } = await import('/page/load.js');
        const stdout = collectSink();
        const tree = () => memoryDirectory({ 'input.txt': input, 'link-in': memorySymlink('input.txt'), 'link-out': memorySymlink('../secret.txt') });
        const wasi = createWasi({
          args: [`${c.name}.wasm`, ...(c.args ?? [])],
          env: c.env ?? {},
          stdin: c.stdin ?? '',
          stdout,
          stderr: 'ignore',
          preopens: c.files ? { '/data': tree() } : {},
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
