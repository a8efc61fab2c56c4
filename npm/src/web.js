// weftjs in browsers and other hosts with `fetch`: the wasm build is fetched
// and compiled by top-level await when this module loads, so every call is
// synchronous afterwards, as in Node. Imports are relative only: a page can
// load this file straight from node_modules.
import init from '../wasm/weft.js';
import * as wasm from '../wasm/weft.js';
import { WeftError, bind } from './core.js';

await init({ module_or_path: new URL('../wasm/weft_bg.wasm', import.meta.url) });

export { WeftError } from './core.js';
/** `optimize` and `js` run binaryen's command-line tools: Node only. */
function noTools(options) {
  throw new WeftError(
    `option \`${options.optimize ? 'optimize' : 'js'}\` runs binaryen's command-line tools, which only the Node build of weftjs can do`,
  );
}

export const { transpile, types, guestTypes, wit } = bind(wasm, noTools);
