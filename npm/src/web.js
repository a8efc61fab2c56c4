// weftjs in browsers and other hosts with `fetch`: the wasm build is fetched
// and compiled by top-level await when this module loads, so every call is
// synchronous afterwards, as in Node. Imports are relative only: a page can
// load this file straight from node_modules.
import init from '../wasm/weft.js';
import * as wasm from '../wasm/weft.js';
import { bind } from './core.js';

await init({ module_or_path: new URL('../wasm/weft_bg.wasm', import.meta.url) });

export { WeftError } from './core.js';
export const { transpile, types, wit } = bind(wasm);
