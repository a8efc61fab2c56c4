// weftjs/vite: `import weft from 'weftjs/vite'`, then `weft(options)` in the vite config (see plugin.js).
import { unplugin } from './plugin.js';

export default unplugin.vite;
