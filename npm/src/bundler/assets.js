// Core modules as hashed assets, and the JS expression of each one's URL,
// per bundler: Rollup, Rolldown and `vite build` emit an asset and use
// `import.meta.ROLLUP_FILE_URL_<ref>`; webpack and rspack emit one and resolve
// it against `__webpack_public_path__`; esbuild writes it to the output
// directory next to the bundle (`new URL(file, import.meta.url)`); the Vite dev
// server serves it from memory under `<base>@weft/<hash>.wasm`.
import { writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';

const DEV_PREFIX = '@weft/';
const str = JSON.stringify;

/** `app.core2.wasm` + bytes → `app.core2-1a2b3c4d.wasm`. */
function hashedName(core) {
  const hash = createHash('sha256').update(core.contents).digest('hex').slice(0, 8);
  return core.path.replace(/\.wasm$/, `-${hash}.wasm`);
}

export function assetEmitter(framework) {
  let vite = { serve: false, base: '/' };
  let esbuildOptions;
  const served = new Map();

  const emitters = {
    rollup(ctx, core) {
      const ref = ctx.emitFile({ type: 'asset', name: core.path, source: core.contents });
      return `import.meta.ROLLUP_FILE_URL_${ref}`;
    },
    webpack(ctx, core) {
      const name = hashedName(core);
      ctx.emitFile({ type: 'asset', fileName: name, source: core.contents });
      return `new URL(__webpack_public_path__ + ${str(name)}, globalThis.location?.href)`;
    },
    esbuild(_ctx, core) {
      const name = hashedName(core);
      const { outdir, outfile } = esbuildOptions ?? {};
      const dir = outdir ?? (outfile ? dirname(outfile) : undefined);
      if (!dir)
        throw new Error('weftjs plugin: esbuild needs `outdir` or `outfile` to write core modules next to the bundle');
      mkdirSync(resolve(dir), { recursive: true });
      writeFileSync(join(resolve(dir), name), core.contents);
      return `new URL(${str(`./${name}`)}, import.meta.url)`;
    },
    viteServe(_ctx, core) {
      const name = hashedName(core);
      served.set(name, core.contents);
      return str(`${vite.base}${DEV_PREFIX}${name}`);
    },
  };

  return {
    configure({ serve, base, esbuild }) {
      if (serve !== undefined) vite = { serve, base: base ?? '/' };
      if (esbuild) esbuildOptions = esbuild;
    },
    /** Emits `core` (a `{ path, contents }` file) and returns the JS expression of its URL. */
    emit(ctx, core) {
      if (framework === 'vite' && vite.serve) return emitters.viteServe(ctx, core);
      if (framework === 'webpack' || framework === 'rspack') return emitters.webpack(ctx, core);
      if (framework === 'esbuild') return emitters.esbuild(ctx, core);
      return emitters.rollup(ctx, core);
    },
    /** Vite dev server middleware: the core modules of the components served so far. */
    middleware(req, res, next) {
      const path = (req.url ?? '').split('?')[0];
      const at = path.indexOf(DEV_PREFIX);
      const bytes = at >= 0 ? served.get(path.slice(at + DEV_PREFIX.length)) : undefined;
      if (!bytes) return next();
      res.setHeader('Content-Type', 'application/wasm');
      res.setHeader('Cache-Control', 'no-cache');
      res.end(bytes);
    },
  };
}
