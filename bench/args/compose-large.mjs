// `weft bench --args` for components/compose.wat (bench/all.mjs's `compose-large` rows):
// the cross-component relay with a ~1 KiB string mixing 1- to 4-byte UTF-8 sequences and a
// list of 16 records, the inputs of bench/run.mjs's rows of the same name.
const unit = 'héllo wörld — ünïcødé ✓ 🚀 ';
const utf8k = unit.repeat(Math.ceil(1024 / new TextEncoder().encode(unit).length));
const points = Array.from({ length: 16 }, (_, i) => ({ x: i * 1.5, y: -i, id: i * 1000 }));

export default {
  relay: () => [utf8k],
  'relay-points': () => [points],
};
