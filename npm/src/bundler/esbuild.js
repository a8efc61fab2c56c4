// weftjs/esbuild: `import weft from 'weftjs/esbuild'`, then `weft(options)` in the esbuild config (see plugin.js).
import { unplugin } from './plugin.js';

export default unplugin.esbuild;
