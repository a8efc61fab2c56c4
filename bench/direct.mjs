// The "direct" baseline: bench.wat's core module instantiated by hand, with the best
// hand-written JS lowering/lifting (no component runtime, no per-call allocation
// beyond the returned values). Exposes the same JS API shape as the generated glue:
// `{ api: { classify, echoString, sumBytes, makeBytes, transform } }`.

/** The core modules embedded in a component binary (component section id 1), in order. */
export function coreModules(bytes) {
  const out = [];
  let i = 8; // magic + version/layer
  const leb = () => {
    let v = 0,
      shift = 0,
      b;
    do {
      b = bytes[i++];
      v |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return v >>> 0;
  };
  while (i < bytes.length) {
    const id = bytes[i++],
      size = leb();
    if (id === 1) out.push(bytes.subarray(i, i + size));
    i += size;
  }
  return out;
}

const SIGN = ['neg', 'zero', 'pos'];
const ENC = new TextEncoder();
const DEC = new TextDecoder();
// Below these lengths a plain JS loop beats TextEncoder/TextDecoder (call overhead).
const ENC_LOOP_MAX = 24,
  DEC_LOOP_MAX = 12; // measured crossovers, node 20

export async function instantiate(componentBytes) {
  const [core] = coreModules(componentBytes);
  const { exports: ex } = await WebAssembly.instantiate(await WebAssembly.compile(core), {});
  const { mem, realloc, reset } = ex;
  const coreClassify = ex.classify,
    coreEcho = ex['echo-string'],
    coreSum = ex['sum-bytes'];
  const coreMake = ex['make-bytes'],
    coreTransform = ex.transform;

  // Cached views; a grown memory detaches the old buffer (byteLength 0) -> refresh.
  let u8 = new Uint8Array(mem.buffer),
    dv = new DataView(mem.buffer);
  const view = () => {
    if (u8.byteLength === 0) {
      u8 = new Uint8Array(mem.buffer);
      dv = new DataView(mem.buffer);
    }
  };

  // Lower a string as utf8. Short strings: exact-size allocation + ASCII loop. Otherwise
  // (or on the first non-ASCII unit) allocate the worst case (3 bytes per UTF-16 unit),
  // encodeInto once, and shrink to fit. Returns ptr; the byte length is left in `outLen`.
  let outLen = 0;
  function lowerString(s) {
    if (typeof s !== 'string') throw new TypeError('expected a string');
    const n = s.length;
    if (n <= ENC_LOOP_MAX) {
      const ptr = realloc(0, 0, 1, n);
      view();
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        u8[ptr + i] = c;
      }
      if (i === n) {
        outLen = n;
        return ptr;
      }
    }
    const cap = n * 3,
      ptr = realloc(0, 0, 1, cap);
    view();
    outLen = ENC.encodeInto(s, u8.subarray(ptr, ptr + cap)).written;
    return realloc(ptr, cap, 1, outLen);
  }

  function liftString(ptr, len) {
    if (len <= DEC_LOOP_MAX) {
      let s = '';
      for (let i = 0; i < len; i++) {
        const c = u8[ptr + i];
        if (c >= 0x80) return DEC.decode(u8.subarray(ptr, ptr + len));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return DEC.decode(u8.subarray(ptr, ptr + len));
  }

  const api = {
    classify(x) {
      const s = SIGN[coreClassify(x)];
      if (s === undefined) throw new TypeError('invalid enum discriminant');
      return s;
    },
    echoString(s) {
      const p = lowerString(s);
      const ret = coreEcho(p, outLen);
      view();
      const r = liftString(dv.getUint32(ret, true), dv.getUint32(ret + 4, true));
      reset(ret);
      return r;
    },
    sumBytes(data) {
      if (!(data instanceof Uint8Array)) throw new TypeError('expected a Uint8Array');
      const n = data.length,
        p = realloc(0, 0, 1, n);
      view();
      u8.set(data, p);
      return coreSum(p, n) >>> 0;
    },
    makeBytes(n) {
      const ret = coreMake(n);
      view();
      const p = dv.getUint32(ret, true),
        len = dv.getUint32(ret + 4, true);
      const r = u8.slice(p, p + len);
      reset(ret);
      return r;
    },
    transform(pt) {
      const lp = lowerString(pt.label);
      const ret = coreTransform(+pt.x, +pt.y, lp, outLen);
      view();
      const r = {
        x: dv.getFloat64(ret, true),
        y: dv.getFloat64(ret + 8, true),
        label: liftString(dv.getUint32(ret + 16, true), dv.getUint32(ret + 20, true)),
      };
      reset(ret);
      return r;
    },
  };
  return { api };
}
