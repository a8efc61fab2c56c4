// Assembles the WASI 0.2 import object from already-normalized parts. Shared
// by the Node entry (index.js) and the browser entry (browser.js); no `node:`
// imports here.
//
// Keys are import specifiers without `@version`, so one object serves guests
// built against any wasi 0.2.x.
import { cliImports } from './cli.js';
import { clocksImports } from './clocks.js';
import { filesystemImports } from './filesystem-common.js';
import { ioImports } from './io.js';
import { httpImports } from './http.js';
import { randomImports } from './random.js';
import { socketsImports } from './sockets.js';
import { withWasi3 } from '../wasi3/imports.js';

/**
 * parts: { args, env, cwd, stdin: source, stdout: sink, stderr: sink, terminal,
 *          timezone, preopens: [[descriptor, guestPath], ...], Descriptor,
 *          jspi?: blocking calls return Promises where they must wait (jspi.js),
 *          sockets?: wasi:sockets entries (default: all not-supported),
 *          http?: http.js transport (default: every request is denied) }
 */
export function buildImports(parts) {
  const imports02 = {
    ...ioImports(),
    ...cliImports(parts),
    ...clocksImports(parts),
    ...randomImports(),
    ...filesystemImports(parts.preopens, parts.Descriptor),
    ...(parts.sockets ?? socketsImports()),
    ...httpImports(parts.http ?? denied),
  };
  // the WASI 0.3 functions join the same interface objects (../wasi3/)
  return withWasi3(imports02, parts);
}

/** Without a network grant, wasi:http requests fail (never hang). */
function denied() {
  throw { tag: 'HTTP-request-denied' };
}

/** Checks a preopens option's shape and returns its entries. */
export function preopenEntries(preopens) {
  if (preopens == null) return [];
  if (typeof preopens !== 'object')
    throw new TypeError('createWasi: preopens must be an object { guestPath: hostPathOrTree }');
  const out = Object.entries(preopens);
  for (const [guest] of out) {
    if (typeof guest !== 'string' || guest === '')
      throw new TypeError('createWasi: a preopen needs a non-empty guest path');
  }
  return out;
}
