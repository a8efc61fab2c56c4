// weft's edge runtime: a `wasi:http/proxy` component as a Fetch API handler on
// Cloudflare Workers (workerd), Deno, Bun and Node (`weft transpile --target
// workers|deno|bun|node` writes an entry module that uses this). Relative
// imports only (this directory and ../wasi/); no `node:` import.
export { toFetchHandler, trailersOf, incomingHandlerOf } from './fetch-handler.js';
export { createEdgeWasi } from './wasi.js';
export { memoryDirectory, memoryFile, memorySymlink } from '../wasi/filesystem-memory.js';
