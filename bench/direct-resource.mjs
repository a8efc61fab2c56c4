// The "direct" baseline for components/resource.wat: its two core modules instantiated
// by hand. `resource.new` is a JS array push; the JS `Counter` object keeps the rep
// itself, so `get()` is one direct core call with the rep (the borrow of a resource the
// callee implements is just the rep). Same API shape as the glue: `{ api: { Counter } }`.
import { coreModules } from './direct.mjs';

export async function instantiate(componentBytes) {
  const [sMod, mMod] = coreModules(componentBytes);
  const s = (await WebAssembly.instantiate(await WebAssembly.compile(sMod), {})).exports;
  const handles = [0]; // handle 0 is never valid
  const m = (
    await WebAssembly.instantiate(await WebAssembly.compile(mMod), {
      '': { mem: s.mem, new: (rep) => handles.push(rep) - 1 },
    })
  ).exports;
  const { ctor, get } = m,
    { dtor } = s;

  class Counter {
    #rep;
    constructor(v) {
      if (typeof v !== 'number' || !(v >= 0 && v <= 0xffffffff) || v % 1 !== 0) throw new RangeError('expected a u32');
      const h = ctor(v);
      this.#rep = handles[h];
      handles.length = h; // the own handle moves out to JS: pop it
    }
    get() {
      if (this.#rep === undefined) throw new TypeError('counter already dropped');
      return get(this.#rep) >>> 0;
    }
    [Symbol.dispose]() {
      if (this.#rep === undefined) return;
      const rep = this.#rep;
      this.#rep = undefined;
      dtor(rep);
    }
  }
  return { api: { Counter } };
}
