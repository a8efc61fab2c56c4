#!/usr/bin/env node
// Bundle sizes of the bundler examples (examples/bundler-app built by
// examples/{vite,rollup,rolldown,webpack,esbuild,rspack} with the weftjs plugins,
// from the packed tarball: `bash npm/build.sh` first), and of the same app
// with jco: `jco transpile --minify` output bundled by Rollup (jco 1.35 ships
// no bundler plugin). JS and wasm, raw and gzip (level 9); source maps and
// HTML not counted. Prints the Markdown table of npm/README.md.
//   node bench/bundle-sizes.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BUNDLERS, REPO, buildExample, createSite, removeSite } from '../tests/npm/bundler-site.mjs';

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

/** `{ js, wasm, jsGz, wasmGz }` of the .js/.mjs and .wasm files under `dir`. */
function measure(dir) {
  const total = { js: 0, wasm: 0, jsGz: 0, wasmGz: 0 };
  for (const f of readdirSync(dir, { recursive: true }).map(String)) {
    const kind = /\.m?js$/.test(f) ? 'js' : f.endsWith('.wasm') ? 'wasm' : null;
    if (!kind) continue;
    const bytes = readFileSync(join(dir, f));
    total[kind] += bytes.length;
    total[`${kind}Gz`] += gzipSync(bytes, { level: 9 }).length;
  }
  return total;
}

/** The example app with jco: transpile, then Rollup (no plugins) over the glue; jco's core modules beside it. */
function jcoBundle(site) {
  const app = join(site, 'jco');
  cpSync(join(site, 'bundler-app/src'), join(app, 'src'), { recursive: true });
  const main = join(app, 'src/main.js');
  writeFileSync(main, readFileSync(main, 'utf8').replace("from './app.wasm'", "from './jco/app.js'"));
  execFileSync(
    join(REPO, 'node_modules/.bin/jco'),
    [
      'transpile',
      join(app, 'src/app.wasm'),
      '-o',
      join(app, 'src/jco'),
      '--name',
      'app',
      '--minify',
      '--map',
      'example:app/host=../host.js',
    ],
    { stdio: 'pipe' },
  );
  const dist = join(app, 'dist');
  const r = spawnSync(
    process.execPath,
    [join(site, 'node_modules/rollup/dist/bin/rollup'), main, '--dir', dist, '--format', 'es', '--silent'],
    { cwd: app, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`rollup over jco's output failed: ${r.stderr}`);
  mkdirSync(dist, { recursive: true });
  for (const f of readdirSync(join(app, 'src/jco')).filter((f) => f.endsWith('.wasm')))
    cpSync(join(app, 'src/jco', f), join(dist, f));
  return dist;
}

const site = createSite('weft-bundle-sizes-');
try {
  const rows = [];
  for (const bundler of BUNDLERS) {
    const r = buildExample(site, bundler);
    if (r.status !== 0) throw new Error(`${bundler} build failed:\n${r.output}`);
    rows.push([`weftjs/${bundler}`, measure(join(site, bundler, 'dist'))]);
  }
  rows.push(['jco 1.35 transpile --minify + rollup', measure(jcoBundle(site))]);
  console.log('| build | JS | JS gzip | wasm | wasm gzip | total gzip |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [name, s] of rows) {
    console.log(
      `| ${name} | ${kb(s.js)} | ${kb(s.jsGz)} | ${kb(s.wasm)} | ${kb(s.wasmGz)} | ${kb(s.jsGz + s.wasmGz)} |`,
    );
  }
} finally {
  removeSite(site);
}
