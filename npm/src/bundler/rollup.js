// weftjs/rollup: `import weft from 'weftjs/rollup'`, then `weft(options)` in the rollup config (see plugin.js).
import { unplugin } from './plugin.js';

export default unplugin.rollup;
