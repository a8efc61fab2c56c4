// Every function, resource and method of the WASI 0.2 WIT (the newest 0.2.x
// bundled with jco, a dev dependency) exists in the import object, under the
// names the glue uses (camelCase functions, UpperCamel classes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWasi } from './index.js';
import { createWasi as createBrowserWasi } from './browser.js';

const builtin = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../node_modules/@bytecodealliance/jco/lib/wit/builtin',
);
const version = existsSync(builtin)
  ? readdirSync(builtin)
      .filter((v) => v.startsWith('0.2.'))
      .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
      .pop()
  : undefined;
const NOT_PROVIDED = new Set(['wasi:cli/run', 'wasi:http/incoming-handler']); // exports, not imports

const camel = (s) => s.toLowerCase().replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
const upper = (s) => camel(s).replace(/^./, (c) => c.toUpperCase());
function block(src, open) {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    if (src[i] === '{') depth++;
    else if (src[i] === '}' && --depth === 0) return [src.slice(open + 1, i), i];
  }
  throw new Error('unbalanced WIT');
}

/** [{ spec, resources: [{ name, methods: [{name, isStatic}], ctor }], funcs: [] }] */
function parseWit(dir) {
  const out = [];
  for (const pkgDir of readdirSync(dir)) {
    const src = readFileSync(join(dir, pkgDir, 'package.wit'), 'utf8').replace(/\/\/.*$/gm, '');
    const pkg = src.match(/package (wasi:[a-z-]+)@/)[1];
    for (const m of src.matchAll(/\binterface ([a-z-]+) \{/g)) {
      let [body] = block(src, m.index + m[0].length - 1);
      const resources = [];
      for (const r of [...body.matchAll(/\bresource ([a-z-]+)\s*(\{|;)/g)].reverse()) {
        const res = { name: r[1], methods: [], ctor: false };
        if (r[2] === '{') {
          const [rb, end] = block(body, r.index + r[0].length - 1);
          for (const f of rb.matchAll(/^\s*([a-z][a-z0-9-]*): (static )?func/gm))
            res.methods.push({ name: f[1], isStatic: !!f[2] });
          res.ctor = /\bconstructor\(/.test(rb);
          body = body.slice(0, r.index) + body.slice(end + 1);
        }
        resources.push(res);
      }
      const funcs = [...body.matchAll(/^\s*([a-z][a-z0-9-]*): func/gm)].map((f) => f[1]);
      out.push({ spec: `${pkg}/${m[1]}`, resources, funcs });
    }
  }
  return out;
}

for (const [entry, create] of [
  ['index.js', createWasi],
  ['browser.js', createBrowserWasi],
]) {
  test(`${entry}: every wasi ${version} function, resource and method is implemented`, {
    skip: !version && 'jco (dev dependency) not installed',
  }, () => {
    const wasi = create({ stdout: null, stderr: null });
    const missing = [];
    const ifaces = parseWit(join(builtin, version));
    assert.ok(ifaces.length > 25);
    for (const { spec, resources, funcs } of ifaces) {
      if (NOT_PROVIDED.has(spec)) {
        assert.equal(wasi[spec], undefined, `${spec} is documented as not provided`);
        continue;
      }
      const obj = wasi[spec];
      if (!obj) {
        missing.push(spec);
        continue;
      }
      for (const f of funcs) if (typeof obj[camel(f)] !== 'function') missing.push(`${spec}#${f}`);
      for (const r of resources) {
        const cls = obj[upper(r.name)];
        if (typeof cls !== 'function') {
          missing.push(`${spec}#${r.name}`);
          continue;
        }
        for (const m of r.methods) {
          const ok = m.isStatic
            ? typeof cls[camel(m.name)] === 'function'
            : typeof cls.prototype[camel(m.name)] === 'function';
          if (!ok) missing.push(`${spec}#${r.name}.${m.name}`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });
}

test('import object keys carry no patch version (0.3 interfaces that clash with 0.2 names: @0.3)', () => {
  for (const k of Object.keys(createWasi({ stdout: null }))) assert.match(k, /^wasi:[a-z-]+\/[a-z-]+(@0\.3)?$/);
});

test('esm.js exports every interface createWasi provides, forwarding to the configured instance', async () => {
  const esm = await import('./esm.js');
  const keys = Object.keys(createWasi({ stdout: null })).map((k) => k.replace(/^wasi:/, ''));
  assert.deepEqual(
    keys.filter((k) => !(k in esm)),
    [],
  );
  esm.configure({ args: ['a', 'b'], stdout: null });
  assert.deepEqual(esm['cli/environment'].getArguments(), ['a', 'b']);
  esm.configure({ args: ['c'], stdout: null });
  assert.deepEqual(esm['cli/environment'].getArguments(), ['c']);
  assert.equal(esm['io/streams'].InputStream, createWasi({ stdout: null })['wasi:io/streams'].InputStream);
});
