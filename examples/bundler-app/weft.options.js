// The weftjs plugin's options, the same for every bundler example: the
// component's `example:app/host` import is ./src/host.js (a `map` value is
// relative to the .wasm file that imports it), and weft minifies the glue
// (it knows the glue: about half the size bundler minifiers reach on it).
export default { map: { 'example:app/host': './host.js' }, minify: true };
