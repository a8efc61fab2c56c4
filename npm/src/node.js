// weftjs in Node: the wasm build is compiled synchronously when this module
// loads, so every call is synchronous (see index.d.ts).
import { readFileSync } from 'node:fs';
import { initSync } from '../wasm/weft.js';
import * as wasm from '../wasm/weft.js';
import { binaryenTools } from './binaryen.js';
import { bind } from './core.js';

initSync({ module: readFileSync(new URL('../wasm/weft_bg.wasm', import.meta.url)) });

export { WeftError } from './core.js';
export const { transpile, types, guestTypes, wit } = bind(wasm, binaryenTools);
