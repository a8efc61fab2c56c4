// Starts `weft serve` for a fixture component on a free port (shared by the
// WASI 0.3 HTTP tests).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from '../harness.js';

/** Starts `weft serve` on a free port; resolves to { port, child, stop() }. */
export function weftServe(wasm) {
  const bin = process.env.WEFT_BIN ?? path.join(REPO, 'target/debug/weft');
  const child = spawn(bin, ['serve', '--addr', '127.0.0.1:0', path.join(REPO, 'fixtures/build', wasm)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) resolve({ port: Number(m[1]), child, stop: () => stop(child) });
    });
    child.once('exit', (c) => reject(new Error(`weft serve exited with ${c}: ${out}`)));
  });
}

/** Stops the server: ends the Node process weft started, so weft itself exits cleanly (removing its temp dir). */
function stop(child) {
  return new Promise((resolve) => {
    child.once('exit', resolve);
    const kids = fs
      .readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    if (kids.length > 0) process.kill(Number(kids[0]), 'SIGTERM');
    else child.kill('SIGTERM');
  });
}
