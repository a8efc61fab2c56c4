// A temporary project for the bundler plugin tests (tests/npm/bundlers.test.js,
// tests/browser/bundlers.spec.ts): the packed weftjs tarball installed offline
// into an empty directory outside the repository, the bundlers and unplugin
// linked in from this repository's node_modules (nothing else resolves from
// it), and the examples (examples/bundler-app and one directory per bundler)
// with the fixture component as bundler-app/src/app.wasm.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const BUNDLERS = ['vite', 'rollup', 'rolldown', 'webpack', 'esbuild', 'rspack'];
/** The npm package of each bundler (the directory name is the bundler's otherwise). */
const PACKAGE = { rspack: '@rspack/core' };
/** What the plugins need besides weftjs: the bundlers, unplugin, webpack's dev server. */
const LINKED = ['unplugin', 'webpack-dev-server', ...BUNDLERS.map((b) => PACKAGE[b] ?? b)];
/** Each example's build command, run with `node` in its directory. */
const BUILD = {
  vite: ['../node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'],
  rollup: ['../node_modules/rollup/dist/bin/rollup', '-c', '--silent'],
  rolldown: ['../node_modules/rolldown/bin/cli.mjs', '-c'],
  webpack: ['build.mjs'],
  esbuild: ['build.mjs'],
  rspack: ['build.mjs'],
};

export function tarball() {
  const name = readdirSync(join(REPO, 'npm')).find((f) => /^weftjs-.*\.tgz$/.test(f));
  if (!name) throw new Error('npm/weftjs-<version>.tgz is missing: run bash npm/build.sh');
  return join(REPO, 'npm', name);
}

/** Installs the project; returns its directory (remove it with `removeSite`). */
export function createSite(prefix = 'weft-bundlers-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bundler-site', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball()], { cwd: dir, stdio: 'pipe' });
  for (const pkg of LINKED) {
    mkdirSync(dirname(join(dir, 'node_modules', pkg)), { recursive: true });
    symlinkSync(join(REPO, 'node_modules', pkg), join(dir, 'node_modules', pkg), 'dir');
  }
  for (const example of ['bundler-app', ...BUNDLERS]) {
    cpSync(join(REPO, 'examples', example), join(dir, example), {
      recursive: true,
      filter: (f) => !/[/\\](node_modules|dist)$/.test(f),
    });
  }
  cpSync(join(REPO, 'fixtures/build/bundler-app.wasm'), join(dir, 'bundler-app/src/app.wasm'));
  cpSync(join(REPO, 'tests/npm/bundle.mjs'), join(dir, 'bundle.mjs'));
  return dir;
}

export function removeSite(dir) {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** Runs `bundler`'s example build in `dir`; `{ status, output }`. */
export function buildExample(dir, bundler, env = {}) {
  const r = spawnSync(process.execPath, BUILD[bundler], {
    cwd: join(dir, bundler),
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/**
 * Builds `entry` with `bundler` through tests/npm/bundle.mjs (the bundler's API,
 * source maps on): `{ status, output }`. `options` are the plugin's, plus
 * `__extra` (bundler config) and `__coreFallback` (Rollup/Rolldown: a plugin
 * for the core modules weft leaves alone).
 */
export function bundle(dir, bundler, entry, outdir, options = {}, target = 'browser') {
  const r = spawnSync(process.execPath, ['bundle.mjs', bundler, entry, outdir, JSON.stringify(options), target], {
    cwd: dir,
    encoding: 'utf8',
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** A fresh directory inside the site for a test's own sources. */
export function subdir(dir, name) {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  return path;
}
