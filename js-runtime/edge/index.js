// weft's edge runtime: a `wasi:http/proxy` component as a Fetch API handler on
// Cloudflare Workers (workerd), Deno, Bun and Node (`weft transpile --target
// workers|deno|bun|node` writes an entry module that uses this). Relative
// imports only (this directory, ../wasi/ and ../wasi3/); no `node:` import.
export { toFetchHandler, trailersOf, incomingHandlerOf } from './fetch-handler.js';
export { handlerOf3 } from './fetch-handler3.js';
export { createEdgeWasi } from './wasi.js';
export { memoryDirectory, memoryFile, memorySymlink } from '../wasi/filesystem-memory.js';
