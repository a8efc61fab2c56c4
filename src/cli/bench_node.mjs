// Node entry of `weft bench`: runs bench_driver.mjs on the run's config and
// prints one JSON line { engine, version, results } on stdout. Started by the
// Rust side with --expose-gc (bytes allocated per call) in the run's
// temporary directory, next to weft's glue (weft/) and jco's (jco/, --jco).
//
// Usage: node --expose-gc bench_node.mjs <config.json>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runBench } from './bench_driver.mjs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const url = (path) => pathToFileURL(path).href;

const env = {
  cfg: config.cfg,
  now: () => Number(process.hrtime.bigint()),
  cpu: () => { const u = process.cpuUsage(); return (u.user + u.system) * 1e3; },
  gc: globalThis.gc ?? null,
  heapUsed: () => process.memoryUsage().heapUsed,
  compile: (file) => WebAssembly.compile(readFileSync(join(config.weftDir, file))),
  loadWeft: () => import(url(join(config.weftDir, `${config.name}.js`))),
  loadJco: config.jcoDir ? () => import(url(join(config.jcoDir, `${config.name}.js`))) : null,
  jcoError: config.jcoError,
  user: null,
  log: (s) => process.stderr.write(`${s}\n`),
};

try {
  if (config.argsModule) {
    const mod = await import(url(config.argsModule));
    env.user = mod.default ?? mod;
    env.userImports = mod.imports ?? env.user.imports ?? null;
  }
  const results = await runBench(config.spec, env);
  process.stdout.write(`${JSON.stringify({ engine: 'node', version: process.version, results })}\n`);
} catch (e) {
  process.stderr.write(`BenchError: ${String(e?.message ?? e).split('\n')[0]}\n`);
  process.exitCode = 1;
}
