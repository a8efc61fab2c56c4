// weftjs/webpack: `import weft from 'weftjs/webpack'`, then `weft(options)` in the webpack config (see plugin.js).
import { unplugin } from './plugin.js';

export default unplugin.webpack;
