// WASI stdin through JSPI in Chromium: `wasi-stdin` transpiled with
// `--async-mode jspi` (build.mjs: out/wasi-stdin-jspi), so WASI's blocking
// functions (js-runtime/wasi/jspi-imports.json) may return Promises and
// `wasi:cli/run#run` returns one. The browser host (`createWasi({ jspi: true })`)
// gets stdin that arrives later — from an async function, and from text typed
// into a <textarea> delivered through a ReadableStream — and the guest's wasm
// stack suspends until it is there. The output must be what `weft run` prints
// in Node for the same input.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { REPO } from './build.mjs';
import { test } from './fixtures';

const WEFT = process.env.WEFT_BIN ?? join(REPO, 'target/debug/weft');
const INPUT = 'hello stdin\nmore\n';

const inNode = (input: string) =>
  execFileSync(WEFT, ['run', join(REPO, 'fixtures/build/wasi-stdin.wasm')], { input, encoding: 'utf8' });

test.beforeEach(async ({ page, site }) => {
  await page.goto(new URL('page/blank.html', site.url).href);
  const jspi = await page.evaluate(
    () => typeof (WebAssembly as any).Suspending === 'function' && typeof (WebAssembly as any).promising === 'function',
  );
  expect(jspi, 'this Chromium has JSPI (WebAssembly.Suspending and WebAssembly.promising)').toBe(true);
});

test('stdin from an async function (chunks after setTimeout): run() suspends, same output as Node', async ({
  page,
}) => {
  const expected = inNode(INPUT);
  const got = await page.evaluate(async () => {
    const { createWasi, collectSink, WasiExit } = await import('/wasi/browser.js');
    const { load } = await import('/page/load.js');
    // Split mid-line so a line arrives in several reads.
    const chunks = ['hello ', 'stdin\nmo', 're\n'];
    let calls = 0;
    const stdin = () => {
      calls++;
      const c = chunks.shift() ?? null;
      return new Promise((resolve) => setTimeout(() => resolve(c), 20));
    };
    const stdout = collectSink();
    const wasi = createWasi({ jspi: true, args: ['wasi-stdin.wasm'], stdin, stdout, stderr: 'ignore' });
    const app = await load('wasi-stdin-jspi', 'wasi-stdin', wasi);
    const started = performance.now();
    const p = app.run.run();
    const isPromise = p instanceof Promise;
    // Nothing can have arrived yet: the call returned while the guest waits.
    const outBeforeAwait = stdout.text();
    let code = 0;
    try {
      await p;
    } catch (e) {
      if (!(e instanceof WasiExit)) throw e;
      code = e.code;
    }
    return { isPromise, outBeforeAwait, code, out: stdout.text(), calls, ms: performance.now() - started };
  });
  expect(got.isPromise, 'run() returns a Promise under --async-mode jspi').toBe(true);
  expect(got.outBeforeAwait).toBe('');
  expect(got.code).toBe(0);
  expect(got.calls, 'the stdin function was asked for every chunk and the end').toBe(4);
  expect(got.ms, 'the guest waited for the timers (4 × 20 ms)').toBeGreaterThanOrEqual(60);
  expect(got.out).toBe(expected);
});

test('stdin typed into a <textarea>, delivered through a ReadableStream: the page stays responsive while the guest waits', async ({
  page,
}) => {
  const expected = inNode(INPUT);
  await page.evaluate(async () => {
    const { createWasi, collectSink, WasiExit } = await import('/wasi/browser.js');
    const { load } = await import('/page/load.js');
    document.body.innerHTML = '<textarea id="stdin"></textarea><button id="eof">end of input</button>';
    const area = document.getElementById('stdin') as HTMLTextAreaElement;
    let sent = 0;
    const stdin = new ReadableStream<string>({
      start(ctl) {
        // Each edit sends what was appended since the last one.
        area.addEventListener('input', () => {
          ctl.enqueue(area.value.slice(sent));
          sent = area.value.length;
        });
        document.getElementById('eof')!.addEventListener('click', () => ctl.close());
      },
    });
    const stdout = collectSink();
    const wasi = createWasi({ jspi: true, args: ['wasi-stdin.wasm'], stdin, stdout, stderr: 'ignore' });
    const app = await load('wasi-stdin-jspi', 'wasi-stdin', wasi);
    const w = window as any;
    w.stdoutText = () => stdout.text();
    w.runState = 'pending';
    app.run.run().then(
      () => {
        w.runState = { code: 0 };
      },
      (e: unknown) => {
        w.runState = e instanceof WasiExit ? { code: e.code } : { error: String(e) };
      },
    );
  });
  const area = page.locator('#stdin');
  // Typing works while the guest is suspended in blocking-read (a blocked main
  // thread would hang here), and the first line is processed before the rest exists.
  await area.pressSequentially('hello stdin\n', { delay: 5 });
  await page.waitForFunction(() => (window as any).stdoutText().includes('first: "hello stdin"'));
  expect(await page.evaluate(() => (window as any).stdoutText())).toBe('first: "hello stdin"\n');
  await area.pressSequentially('more\n', { delay: 5 });
  await page.waitForTimeout(50);
  expect(await page.evaluate(() => (window as any).runState), 'run() waits for the end of input').toBe('pending');
  await page.locator('#eof').click();
  await page.waitForFunction(() => (window as any).runState !== 'pending');
  expect(await page.evaluate(() => (window as any).runState)).toEqual({ code: 0 });
  expect(await page.evaluate(() => (window as any).stdoutText())).toBe(expected);
});
