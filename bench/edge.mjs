// Load benchmark of the wasi-http-server fixture on every platform: `weft
// serve`, the `--target` entries on Node 24, Deno, Bun and workerd, and `jco
// serve`. Per platform: 10 000 requests (`GET /hello`, a short echo), 64 at a
// time over keep-alive connections, at most 60 s; reports requests/s, p50/p99
// latency, failed requests and the server's RSS (process tree) after a
// 500-request warm-up and at the end. A benchmark, not a test: nothing here
// asserts timings.
//
//   node bench/edge.mjs [--requests N] [--concurrency C] [--only name] [--wasi3]
// --wasi3: the WASI 0.3 fixture (wasi3-http-server, `GET /hello`) instead;
// no `jco serve` row (jco serves no 0.3 handler).
// Tables go to stdout and bench/out/edge-results.md (edge3-results.md). Uses target/release/weft
// when built (else target/debug/weft; WEFT_BIN overrides).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { quantile, table } from './stats.mjs';

const arg = (name, d) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? d : process.argv[i + 1];
};
const REQUESTS = Number(arg('requests', 10_000));
const CONCURRENCY = Number(arg('concurrency', 64));
const ONLY = arg('only');
const WASI3 = process.argv.includes('--wasi3');
const LIMIT_MS = 60_000;

const repo = new URL('..', import.meta.url).pathname;
if (!process.env.WEFT_BIN && existsSync(join(repo, 'target/release/weft')))
  process.env.WEFT_BIN = join(repo, 'target/release/weft');
const servers = await import('../tests/edge/servers.js');
const { PLATFORMS, startServer, tempRoot } = servers;
const FIXTURE = WASI3 ? servers.FIXTURE3 : servers.FIXTURE;
/** What `GET /hello` answers. */
const HELLO = WASI3 ? 'hello from wasi 0.3\n' : 'GET /hello  ';

/** RSS in MiB of a process and its descendants (Linux /proc). */
function treeRss(pid) {
  let kb = 0;
  try {
    kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    for (const t of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean))
      kb += treeRss(Number(t)) * 1024;
  } catch {
    /* the process is gone */
  }
  return kb / 1024;
}

/** `jco serve` on the same component, as another server to compare with. */
async function startJco(root) {
  const port = await new Promise((res) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
  const child = spawn(
    join(repo, 'node_modules/.bin/jco'),
    ['serve', FIXTURE, '--port', String(port), '--host', '127.0.0.1', '--jco-dir', join(root, 'jco')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  for (let i = 0; i < 300 && child.exitCode === null; i++) {
    const ok = await new Promise((res) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        res(true);
      });
      s.on('error', () => res(false));
    });
    if (ok)
      return {
        url: `http://127.0.0.1:${port}`,
        pid: child.pid,
        log: () => out,
        stop: () =>
          new Promise((r) => {
            child.once('exit', r);
            child.kill();
          }),
      };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`jco serve did not start:\n${out}`);
}

/** `n` GET requests, `c` at a time; per-request latencies in ms, failures, elapsed ms. */
async function load(url, n, c) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: c });
  const lat = [];
  let failed = 0;
  let next = 0;
  const start = performance.now();
  const one = () =>
    new Promise((resolve) => {
      const t0 = performance.now();
      http
        .get(`${url}/hello`, { agent }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d) => {
            body += d;
          });
          res.on('end', () => {
            if (res.statusCode !== 200 || body !== HELLO) failed++;
            lat.push(performance.now() - t0);
            resolve();
          });
        })
        .on('error', () => {
          failed++;
          resolve();
        });
    });
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (next < n && performance.now() - start < LIMIT_MS) {
        next++;
        await one();
      }
    }),
  );
  agent.destroy();
  return { lat, failed, ms: performance.now() - start, done: lat.length };
}

const rows = [];
const { root, remove } = tempRoot();
try {
  for (const platform of WASI3 ? PLATFORMS : [...PLATFORMS, 'jco serve']) {
    if (ONLY && !platform.includes(ONLY)) continue;
    let server;
    try {
      server = platform === 'jco serve' ? await startJco(root) : await startServer(platform, root, FIXTURE);
    } catch (e) {
      rows.push([platform, `did not start: ${String(e.message).split('\n')[0]}`, '', '', '', '']);
      continue;
    }
    try {
      const warm = await load(server.url, 500, CONCURRENCY);
      const rssWarm = treeRss(server.pid);
      const r = await load(server.url, REQUESTS, CONCURRENCY);
      const rssEnd = treeRss(server.pid);
      const rps = (r.done / r.ms) * 1000;
      rows.push([
        platform,
        `${rps.toFixed(0)}`,
        `${quantile(r.lat, 0.5).toFixed(2)} ms`,
        `${quantile(r.lat, 0.99).toFixed(2)} ms`,
        `${r.failed + warm.failed} / ${r.done}${r.done < REQUESTS ? ' (time limit)' : ''}`,
        `${rssWarm.toFixed(0)} → ${rssEnd.toFixed(0)} MiB`,
      ]);
      console.error(`${platform}: ${rows.at(-1).slice(1).join(', ')}`);
    } finally {
      await server.stop();
    }
  }
} finally {
  remove();
}

const md = `${REQUESTS} × \`GET /hello\` on ${FIXTURE.slice(repo.length)}, ${CONCURRENCY} concurrent (keep-alive), client: Node ${process.version} in one process on the same machine.\n\n${table(['server', 'requests/s', 'p50', 'p99', 'failed / done', 'RSS (warm → end)'], rows)}\n`;
console.log(md);
mkdirSync(join(repo, 'bench/out'), { recursive: true });
writeFileSync(join(repo, `bench/out/${WASI3 ? 'edge3' : 'edge'}-results.md`), md);
