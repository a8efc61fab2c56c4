// Adds the WASI 0.3 interfaces to the 0.2 import object built by
// ../wasi/imports.js. Import object keys carry no `@version`, and the glue
// looks up an interface's 0.2 and 0.3 imports under the same key, so both
// versions' functions live in one object per interface: a program importing
// both (a P3 program whose std still goes through the 0.2 adapter) sees the
// same arguments, environment, stdio, clocks and seed. The function names of
// the two versions differ wherever their meaning does, except for interfaces
// whose 0.3 resources reuse 0.2 names with other shapes (filesystem, http types, ip-name-lookup, timezone): those
// have keys of their own, `<interface>@0.3`, which the glue asks for
// (src/wasi_host.rs `version_map`; see README.md).
import { cli3Imports } from './cli.js';
import { clocks3Imports } from './clocks.js';
import { filesystem3Imports } from './filesystem.js';
import { http3Imports } from './http.js';
import { random3Imports } from './random.js';
import { sockets3Imports } from './sockets.js';

/** parts: the 0.2 host's normalized parts (imports.js `buildImports`), plus
 *  `http3`: the wasi:http 0.3 transport (http-node.js / http-fetch.js; default: denied),
 *  `sockets3`: wasi:sockets 0.3 entries (sockets-node.js; default: not-supported). */
export function withWasi3(imports02, parts) {
  const out = { ...imports02 };
  for (const add of [
    cli3Imports(parts),
    clocks3Imports(parts),
    random3Imports(imports02),
    filesystem3Imports(parts.preopens),
    http3Imports(parts.http3),
    parts.sockets3 ?? sockets3Imports(),
  ]) {
    for (const [key, iface] of Object.entries(add)) out[key] = { ...out[key], ...iface };
  }
  return out;
}
