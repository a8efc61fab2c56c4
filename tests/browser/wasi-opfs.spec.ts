// OPFS-backed preopens in Chromium: the real `wasi-files` program runs
// against a preopen loaded from the Origin Private File System
// (js-runtime/wasi/filesystem-opfs.js), prints what `weft run` prints in Node,
// and after a page reload a fresh `navigator.storage.getDirectory()` shows its
// files with the right contents and nothing written outside the grant.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { REPO } from './build.mjs';
import { test } from './fixtures';

const WEFT = process.env.WEFT_BIN ?? join(REPO, 'target/debug/weft');
const INPUT = 'some input\n';

function inNode(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-wasi-opfs-'));
  try {
    writeFileSync(join(dir, 'input.txt'), INPUT);
    return execFileSync(WEFT, ['run', '--dir', `${dir}::/data`, join(REPO, 'fixtures/build/wasi-files.wasm')], {
      encoding: 'utf8',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('wasi-files against an OPFS preopen: same output as Node, files persist across a reload, no escapes', async ({
  page,
  site,
}) => {
  const expected = inNode();
  await page.goto(new URL('page/blank.html', site.url).href);
  const run = await page.evaluate(async (input) => {
    const { createWasi, runCommand, collectSink, opfsDirectory } = await import('/wasi/browser.js');
    const { load } = await import('/page/load.js');
    // OPFS root: secret.txt (outside the grant) and weft-data/ (the preopen).
    const root = await navigator.storage.getDirectory();
    for await (const name of root.keys()) await root.removeEntry(name, { recursive: true });
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
      args: ['wasi-files.wasm'],
      stdout,
      stderr: 'ignore',
      preopens: { '/data': { opfs: data } },
    });
    const code = runCommand(await load('wasi-files', 'wasi-files', wasi));
    await data.flush();

    // The capability rules, asked directly of the same preopen.
    const [[dir]] = wasi['wasi:filesystem/preopens'].getDirectories();
    const refusal = (fn: () => unknown) => {
      try {
        fn();
        return 'allowed';
      } catch (e) {
        return String(e);
      }
    };
    const refused = {
      dotdot: refusal(() => dir.openAt({}, '../secret.txt', {}, { read: true })),
      absolute: refusal(() => dir.openAt({}, '/secret.txt', {}, { read: true })),
      create: refusal(() => dir.openAt({}, 'out/../../outside.txt', { create: true }, { write: true })),
      symlink: refusal(() => dir.symlinkAt('../secret.txt', 'link-out')),
    };
    const ro = createWasi({ preopens: { '/data': { opfs: data, readonly: true } } });
    const [[roDir]] = ro['wasi:filesystem/preopens'].getDirectories();
    refused.readonly = refusal(() => roDir.openAt({}, 'out/hello.txt', {}, { write: true }));
    refused['readonly-create'] = refusal(() => roDir.createDirectoryAt('more'));
    return { code, out: stdout.text(), refused };
  }, INPUT);

  expect(run.code).toBe(0);
  expect(run.out).toBe(expected);
  for (const line of run.out.split('\n').filter((l) => /escape|absolute outside/.test(l)))
    expect(line).toMatch(/: err /);
  expect(run.refused).toEqual({
    dotdot: 'not-permitted',
    absolute: 'not-permitted',
    create: 'not-permitted',
    symlink: 'not-supported',
    readonly: 'read-only',
    'readonly-create': 'read-only',
  });

  // A reload: a fresh OPFS handle sees what the program wrote, and nothing else changed.
  await page.reload();
  const stored = await page.evaluate(async () => {
    const files: Record<string, string> = {};
    const walk = async (dir: FileSystemDirectoryHandle, prefix: string) => {
      for await (const [name, h] of (dir as any).entries()) {
        if (h.kind === 'directory') {
          files[`${prefix}${name}/`] = '';
          await walk(h, `${prefix}${name}/`);
        } else {
          files[prefix + name] = await (await h.getFile()).text();
        }
      }
    };
    const root = await navigator.storage.getDirectory();
    await walk(root, '');
    const { opfsDirectory } = await import('/wasi/browser.js');
    const reloaded = await opfsDirectory(await root.getDirectoryHandle('weft-data'));
    const result = { files, list: reloaded.list('out'), hello: reloaded.readText('out/hello.txt') };
    for await (const name of root.keys()) await root.removeEntry(name, { recursive: true });
    return result;
  });
  expect(stored.files).toEqual({
    'secret.txt': 'outside the grant',
    'weft-data/': '',
    'weft-data/input.txt': INPUT,
    'weft-data/out/': '',
    'weft-data/out/hello.txt': 'hello from wasi\nsecond line\n',
    'weft-data/out/nested/': '',
    'weft-data/out/renamed.txt': 'temporary',
  });
  expect(stored.list).toEqual(['hello.txt', 'nested', 'renamed.txt']);
  expect(stored.hello).toBe('hello from wasi\nsecond line\n');
});
