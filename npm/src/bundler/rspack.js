// weftjs/rspack: `import weft from 'weftjs/rspack'`, then `weft(options)` in the rspack config (see plugin.js).
import { unplugin } from './plugin.js';

export default unplugin.rspack;
