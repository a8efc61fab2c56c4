// The JS module a component import becomes: the transpiler's glue (built
// with `instantiation: 'async'` and `noCoreLoader`: no default core-module
// loader, so no `import.meta.url` file lookup or `node:fs` import for
// bundlers to chase) followed by a few lines that bind it to the
// bundle: each import key the glue expects is imported as a module (so `map`
// values resolve relative to the .wasm file, like an import written in it),
// WASI keys come from weftjs/bundled's shared host, and core modules are
// compiled from emitted assets. By default the component is instantiated
// with top-level await and its exports (jco's names) become named exports;
// in instantiate mode the module exports `instantiate(imports)` instead.

/**
 * The one text edit of the glue: its `instantiate` export goes (the module
 * exports its own names). Found exactly once (plain or minified glue) or the
 * build stops with a clear error.
 */
const GLUE_EXPORT = /export\s*\{\s*\$instantiate\s+as\s+instantiate\s*\};?/;

/** The glue without its `instantiate` export. */
export function editGlue(glue) {
  const found = glue.match(new RegExp(GLUE_EXPORT.source, 'g'))?.length ?? 0;
  if (found !== 1)
    throw new Error(
      `the glue has ${found} copies of its \`instantiate\` export, expected one (weftjs's plugin and transpiler out of step?)`,
    );
  return glue.replace(GLUE_EXPORT, '');
}

/** `ns:pkg/iface` (optionally `@version`): a WIT name no `map` entry rewrote. */
const WIT_NAME = /^[a-z][a-z0-9-]*:[a-z][a-z0-9-]*\//;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

const str = JSON.stringify;

/** `'./host.js#log'` → `['./host.js', 'log']`; no `#` → `[spec, undefined]`. */
function splitKey(key) {
  const hash = key.indexOf('#');
  return hash < 0 ? [key, undefined] : [key.slice(0, hash), key.slice(hash + 1)];
}

/**
 * How each import key is provided: `{ wasi: true }`, `{ module, member }`,
 * or `{ missing: true }` (a WIT name nothing maps).
 */
export function importSources(keys) {
  return keys.map((key) => {
    if (key.startsWith('wasi:')) return { key, wasi: true };
    const [module, member] = splitKey(key);
    if (WIT_NAME.test(module)) return { key, missing: true };
    return { key, module, member };
  });
}

/**
 * The module's source. `glue`: the async-instantiation glue text; `keys`: its
 * import keys; `exportNames`: jco's export names; `coreUrls`: `[file, JS
 * expression of its URL]`; `instantiate`: export `instantiate(imports)`.
 */
export function componentModule({ glue, keys, exportNames, coreUrls, instantiate, runtime = 'weftjs/bundled' }) {
  const lines = [editGlue(glue), '// weftjs bundler plugin: imports, core modules, exports'];
  const sources = importSources(keys);
  const hasWasi = sources.some((s) => s.wasi);
  lines.push(
    `import { compileCore as $weftCompile${hasWasi ? ', wasiImport as $weftWasi' : ''} } from ${str(runtime)};`,
  );
  const modules = [...new Set(sources.filter((s) => s.module !== undefined).map((s) => s.module))];
  for (const [i, m] of modules.entries()) lines.push(`import * as $weftM${i} from ${str(m)};`);
  lines.push(`const $weftCore = { ${coreUrls.map(([file, url]) => `${str(file)}: ${url}`).join(', ')} };`);
  lines.push('const $weftGetCore = (file) => $weftCompile($weftCore[file]);');
  const entries = sources
    .filter((s) => !s.missing)
    .map((s) => {
      if (s.wasi) return `${str(s.key)}: $weftWasi(${str(s.key)})`;
      const ns = `$weftM${modules.indexOf(s.module)}`;
      return `${str(s.key)}: ${s.member === undefined ? ns : `${ns}[${str(s.member)}]`}`;
    });
  lines.push(`const $weftDefaults = () => ({ ${entries.join(', ')} });`);
  if (instantiate) {
    lines.push('export async function instantiate(imports = {}) {');
    lines.push('  return $instantiate($weftGetCore, { ...$weftDefaults(), ...imports });');
    lines.push('}');
    return `${lines.join('\n')}\n`;
  }
  lines.push('const $weftExports = await $instantiate($weftGetCore, $weftDefaults());');
  const names = exportNames.map((name, i) => [name, `$weftE${i}`]);
  for (const [name, local] of names) lines.push(`const ${local} = $weftExports[${str(name)}];`);
  const list = names.map(([name, local]) => `${local} as ${IDENTIFIER.test(name) ? name : str(name)}`);
  lines.push(`export { ${list.join(', ')} };`);
  return `${lines.join('\n')}\n`;
}

/** The WIT names no `map` entry covers (an error unless in instantiate mode). */
export function unmappedImports(keys) {
  return importSources(keys)
    .filter((s) => s.missing)
    .map((s) => s.key);
}
