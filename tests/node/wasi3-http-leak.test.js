// Leak check for `weft serve` with a WASI 0.3 handler: 10k requests (half
// GET /hello, half streamed POST /echo with trailers) through one server
// process; its RSS after the run stays near its RSS after the warm-up.
//   WEFT_LEAK_ROUNDS=n   requests after the warm-up (default 10000)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { weftServe } from './support/weft-serve.js';

const ROUNDS = Number(process.env.WEFT_LEAK_ROUNDS) || 10_000;
const WARMUP = 2_000;
const CONCURRENCY = 16;

/** RSS in MiB of the Node process that `weft serve` (pid) started. */
function serverRss(weftPid) {
  const kids = fs.readFileSync(`/proc/${weftPid}/task/${weftPid}/children`, 'utf8').trim().split(/\s+/);
  const status = fs.readFileSync(`/proc/${kids[0]}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

function one(port, agent, i) {
  const post = i % 2 === 1;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        agent,
        method: post ? 'POST' : 'GET',
        path: post ? '/echo' : '/hello',
        headers: post ? { 'transfer-encoding': 'chunked' } : {},
      },
      (res) => {
        let n = 0;
        res.on('data', (c) => (n += c.length));
        res.on('end', () =>
          res.statusCode === 200 && n === (post ? 2048 : 20)
            ? resolve()
            : reject(new Error(`request ${i}: ${res.statusCode}, ${n} bytes`)),
        );
      },
    );
    req.on('error', reject);
    if (post) {
      req.write(Buffer.alloc(1024, 97));
      req.write(Buffer.alloc(1024, 98));
      req.addTrailers({ 'x-req-trailer': String(i) });
    }
    req.end();
  });
}

async function run(port, agent, from, count) {
  let next = from;
  const end = from + count;
  const worker = async () => {
    while (next < end) await one(port, agent, next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

test(`${ROUNDS} requests through weft serve (WASI 0.3 handler) keep the server's RSS flat`, {
  timeout: 600_000,
}, async (t) => {
  const s = await weftServe('wasi3-http-server.wasm');
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    await run(s.port, agent, 0, WARMUP);
    const before = serverRss(s.child.pid);
    const t0 = Date.now();
    await run(s.port, agent, WARMUP, ROUNDS / 2);
    const middle = serverRss(s.child.pid);
    await run(s.port, agent, WARMUP + ROUNDS / 2, ROUNDS / 2);
    const after = serverRss(s.child.pid);
    const secs = (Date.now() - t0) / 1000;
    t.diagnostic(
      `server RSS after ${WARMUP} warm-up requests ${before.toFixed(1)} MiB, after ${ROUNDS / 2} more ${middle.toFixed(1)} MiB, after ${ROUNDS} ${after.toFixed(1)} MiB; ${(ROUNDS / secs).toFixed(0)} requests/s`,
    );
    assert.ok(after - before < 24, `RSS grew by ${(after - before).toFixed(1)} MiB over ${ROUNDS} requests`);
    assert.ok(
      after - middle < 16,
      `RSS still growing in the second half: ${middle.toFixed(1)} -> ${after.toFixed(1)} MiB`,
    );
  } finally {
    agent.destroy();
    await s.stop();
  }
});
