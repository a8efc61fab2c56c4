// ESM implementation of `test:values/host` for the plain-ESM test of
// values.test.js (wired with `--map test:values/host=<this file>`). Every
// import forwards to the host object installed with setHost().
let host;
export function setHost(h) {
  host = h;
}
const call = (name, args) => {
  if (!host) throw new Error(`no host installed for ${name}`);
  return host[name](...args);
};

export const ping = (...args) => call('ping', args);
export const log = (...args) => call('log', args);
export const echoBool = (...args) => call('echoBool', args);
export const echoS8 = (...args) => call('echoS8', args);
export const echoU8 = (...args) => call('echoU8', args);
export const echoS16 = (...args) => call('echoS16', args);
export const echoU16 = (...args) => call('echoU16', args);
export const echoS32 = (...args) => call('echoS32', args);
export const echoU32 = (...args) => call('echoU32', args);
export const echoS64 = (...args) => call('echoS64', args);
export const echoU64 = (...args) => call('echoU64', args);
export const echoF32 = (...args) => call('echoF32', args);
export const echoF64 = (...args) => call('echoF64', args);
export const echoChar = (...args) => call('echoChar', args);
export const echoString = (...args) => call('echoString', args);
export const echoListU8 = (...args) => call('echoListU8', args);
export const echoListU64 = (...args) => call('echoListU64', args);
export const echoListF32 = (...args) => call('echoListF32', args);
export const echoListString = (...args) => call('echoListString', args);
export const echoListPoint = (...args) => call('echoListPoint', args);
export const echoPoint = (...args) => call('echoPoint', args);
export const echoLine = (...args) => call('echoLine', args);
export const echoBag = (...args) => call('echoBag', args);
export const echoTuple = (...args) => call('echoTuple', args);
export const echoShape = (...args) => call('echoShape', args);
export const echoSmallNum = (...args) => call('echoSmallNum', args);
export const echoColor = (...args) => call('echoColor', args);
export const echoPerms = (...args) => call('echoPerms', args);
export const echoFlags32 = (...args) => call('echoFlags32', args);
export const echoOptionU32 = (...args) => call('echoOptionU32', args);
export const echoOptionOption = (...args) => call('echoOptionOption', args);
export const echoResult = (...args) => call('echoResult', args);
export const echoResultNoOk = (...args) => call('echoResultNoOk', args);
export const echoResultNoErr = (...args) => call('echoResultNoErr', args);
export const echoResultEmpty = (...args) => call('echoResultEmpty', args);
export const echoResultResult = (...args) => call('echoResultResult', args);
export const manyParams = (...args) => call('manyParams', args);
export const multiReturn = (...args) => call('multiReturn', args);
export const genBytes = (...args) => call('genBytes', args);
