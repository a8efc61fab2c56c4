// Host side of `test:values/host` for the browser checks: every echo-* import
// returns its argument; `values.js` swaps replies in through `reply`. Also the
// module that `--map test:values/host=/page/values-host.js` points the plain
// ESM output at.
export const calls = [];
const replies = new Map();

/** Runs `fn` while import `name` answers with `impl`. */
export function reply(name, impl, fn) {
  replies.set(name, impl);
  try {
    return fn();
  } finally {
    replies.delete(name);
  }
}

const NAMES = [
  'ping',
  'log',
  'echoBool',
  'echoS8',
  'echoU8',
  'echoS16',
  'echoU16',
  'echoS32',
  'echoU32',
  'echoS64',
  'echoU64',
  'echoF32',
  'echoF64',
  'echoChar',
  'echoString',
  'echoListU8',
  'echoListU64',
  'echoListF32',
  'echoListString',
  'echoListPoint',
  'echoPoint',
  'echoLine',
  'echoBag',
  'echoTuple',
  'echoShape',
  'echoSmallNum',
  'echoColor',
  'echoPerms',
  'echoFlags32',
  'echoOptionU32',
  'echoOptionOption',
  'echoResult',
  'echoResultNoOk',
  'echoResultNoErr',
  'echoResultEmpty',
  'echoResultResult',
  'manyParams',
  'multiReturn',
  'genBytes',
];

const host = {};
for (const name of NAMES) {
  host[name] = (...args) => {
    calls.push([name, args]);
    const impl = replies.get(name);
    return impl ? impl(...args) : args[0];
  };
}
export const {
  ping,
  log,
  echoBool,
  echoS8,
  echoU8,
  echoS16,
  echoU16,
  echoS32,
  echoU32,
  echoS64,
  echoU64,
  echoF32,
  echoF64,
  echoChar,
  echoString,
  echoListU8,
  echoListU64,
  echoListF32,
  echoListString,
  echoListPoint,
  echoPoint,
  echoLine,
  echoBag,
  echoTuple,
  echoShape,
  echoSmallNum,
  echoColor,
  echoPerms,
  echoFlags32,
  echoOptionU32,
  echoOptionOption,
  echoResult,
  echoResultNoOk,
  echoResultNoErr,
  echoResultEmpty,
  echoResultResult,
  manyParams,
  multiReturn,
  genBytes,
} = host;
export default host;
