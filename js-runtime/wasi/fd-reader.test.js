// fdReader on a stdin pipe that stays open: reads arrive, a sync read sees
// bytes the handle read ahead first, and neither an idle reader nor one with
// a read pending keeps the process alive past its end / process.exit. Each
// case runs in a child Node whose stdin the test holds open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const READER = fileURLToPath(new URL('./fd-reader.js', import.meta.url));
const LIMIT_MS = 30_000; // only catches a hang

/** Runs `body` (an ES module using `fdReader`) with stdin a pipe that stays open after `input`. */
function child(body, input = '') {
  const src = `import { fdReader } from ${JSON.stringify(READER)};\nimport fs from 'node:fs';\n${body}`;
  const p = spawn(process.execPath, ['--input-type=module', '-e', src], { stdio: ['pipe', 'pipe', 'inherit'] });
  if (input) p.stdin.write(input);
  let out = '';
  p.stdout.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      p.kill();
      reject(new Error(`still running after ${LIMIT_MS}ms; output: ${out}`));
    }, LIMIT_MS);
    p.on('exit', (code) => {
      clearTimeout(t);
      p.stdin.destroy();
      resolve({ code, out });
    });
  });
}

test('fdReader: reads a pipe; the process ends once no read is pending', async () => {
  const r = await child(
    `
    const reader = fdReader(0);
    const a = await reader.readAsync(3);
    const b = reader.takeBuffered(100) ?? await reader.readAsync(100);
    console.log(new TextDecoder().decode(a) + '|' + new TextDecoder().decode(b));
  `,
    'abcdef',
  );
  assert.deepEqual(r, { code: 0, out: 'abc|def\n' });
});

test('fdReader: a synchronous read gets the bytes read ahead first, in order', async () => {
  const r = await child(
    `
    const reader = fdReader(0);
    const first = await reader.readAsync(2);
    await new Promise((ok) => setTimeout(ok, 100)); // the handle reads the rest ahead
    const ahead = reader.takeBuffered(100);
    console.log(new TextDecoder().decode(first), ahead && new TextDecoder().decode(ahead));
  `,
    'xyz123',
  );
  assert.deepEqual(r, { code: 0, out: 'xy z123\n' });
});

test('fdReader: process.exit is prompt while a read of an open pipe is pending', async () => {
  const r = await child(`
    fdReader(0).readAsync(10).then(() => console.log('read returned'));
    setTimeout(() => process.exit(7), 50);
  `);
  assert.deepEqual(r, { code: 7, out: '' });
});

test('fdReader: a file is read with fs.read, to its end', async () => {
  const r = await child(`
    const reader = fdReader(fs.openSync(${JSON.stringify(READER)}, 'r'));
    let n = 0;
    for (let c; (c = await reader.readAsync(4096)) !== null;) n += c.length;
    console.log(n === fs.statSync(${JSON.stringify(READER)}).size);
  `);
  assert.deepEqual(r, { code: 0, out: 'true\n' });
});
