// WASI programs in Chromium: each fixture program runs in a page against the
// browser WASI host (js-runtime/wasi/browser.js: in-memory files, collected
// stdout) and must print exactly what `weft run` prints in Node.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { REPO } from './build.mjs';
import { test } from './fixtures';

const WEFT = process.env.WEFT_BIN ?? join(REPO, 'target/debug/weft');
const INPUT = 'some input\n';

type Case = { name: string; args?: string[]; env?: Record<string, string>; stdin?: string; files?: boolean };
const CASES: Case[] = [
  { name: 'wasi-hello' },
  { name: 'wasi-args-env-exit', args: ['a', 'b c'], env: { FOO: 'bar' } },
  { name: 'wasi-stdin', stdin: 'hello stdin\nmore\n' },
  { name: 'wasi-clocks-random' },
  { name: 'wasi-files', files: true },
];

/** Output lines that legitimately differ between two runs. */
const stable = (out: string) =>
  out
    .split('\n')
    .filter((l) => !l.startsWith('wall secs:'))
    .join('\n');

function inNode(c: Case): string {
  const flags: string[] = [];
  for (const [k, v] of Object.entries(c.env ?? {})) flags.push('--env', `${k}=${v}`);
  const dir = c.files ? mkdtempSync(join(tmpdir(), 'weft-wasi-browser-')) : null;
  try {
    if (dir) {
      writeFileSync(join(dir, 'input.txt'), INPUT);
      flags.push('--dir', `${dir}::/data`);
    }
    return execFileSync(
      WEFT,
      ['run', ...flags, join(REPO, 'fixtures/build', `${c.name}.wasm`), '--', ...(c.args ?? [])],
      {
        input: c.stdin ?? '',
        encoding: 'utf8',
      },
    );
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

for (const c of CASES) {
  test(`${c.name}: same output in Chromium as in Node`, async ({ page, site }) => {
    const expected = inNode(c);
    await page.goto(new URL('page/blank.html', site.url).href);
    const got = await page.evaluate(
      async ({ c, input }) => {
        const { createWasi, runCommand, memoryDirectory, collectSink } = await import('/wasi/browser.js');
        const { load } = await import('/page/load.js');
        const stdout = collectSink();
        const wasi = createWasi({
          args: [`${c.name}.wasm`, ...(c.args ?? [])],
          env: c.env ?? {},
          stdin: c.stdin ?? '',
          stdout,
          stderr: 'ignore',
          preopens: c.files ? { '/data': memoryDirectory({ 'input.txt': input }) } : {},
        });
        const app = await load(c.name, c.name, wasi);
        const code = runCommand(app);
        return { code, out: stdout.text() };
      },
      { c, input: INPUT },
    );
    expect(got.code).toBe(0);
    expect(stable(got.out)).toBe(stable(expected));
  });
}
