// weftjs/rolldown: `import weft from 'weftjs/rolldown'`, then `weft(options)` in the rolldown config (see plugin.js).
import { unplugin } from './plugin.js';

export default unplugin.rolldown;
