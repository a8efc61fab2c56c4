// The "direct" baseline for components/compose.wat: the three core modules ($Inner's,
// $Outer's libc and main) instantiated by hand, with the best hand-written JS between
// them. Both sides use utf8, so the cross-component call copies bytes memory to memory
// (no decode/encode, and so no UTF-8 validation of the inner result, which the glue
// has to do when it lifts the string). `relayPoints` copies a list of plain records
// the same way. Same API shape as the glue: `{ api: { relay, relayPoints } }`.

/** The core modules of a component binary, nested components included, in order. */
export function allCoreModules(bytes, start = 8, end = bytes.length, out = []) {
  let i = start;
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
  while (i < end) {
    const id = bytes[i++],
      size = leb();
    if (id === 1) out.push(bytes.subarray(i, i + size));
    else if (id === 4) allCoreModules(bytes, i + 8, i + size, out); // nested component
    i += size;
  }
  return out;
}

const ENC = new TextEncoder();
const DEC = new TextDecoder();
const ENC_LOOP_MAX = 24,
  DEC_LOOP_MAX = 12; // as in direct.mjs

export async function instantiate(componentBytes) {
  const [innerMod, libcMod, mainMod] = allCoreModules(componentBytes);
  const compile = (b) => WebAssembly.compile(b);
  const inner = (await WebAssembly.instantiate(await compile(innerMod), {})).exports;
  const libc = (await WebAssembly.instantiate(await compile(libcMod), {})).exports;

  // Cached views of both memories, refreshed when a memory.grow detached the buffer.
  let iu8 = new Uint8Array(inner.mem.buffer),
    idv = new DataView(inner.mem.buffer);
  let ou8 = new Uint8Array(libc.mem.buffer),
    odv = new DataView(libc.mem.buffer);
  const views = () => {
    if (iu8.byteLength === 0) {
      iu8 = new Uint8Array(inner.mem.buffer);
      idv = new DataView(inner.mem.buffer);
    }
    if (ou8.byteLength === 0) {
      ou8 = new Uint8Array(libc.mem.buffer);
      odv = new DataView(libc.mem.buffer);
    }
  };
  const { realloc: iRealloc, echo: iEcho, reset: iReset } = inner;
  const { realloc: oRealloc, reset: oReset } = libc;

  // $Outer's lowered import `echo`: utf8 -> utf8, so the bytes are copied as they are.
  function echo(p, len, retp) {
    const ip = iRealloc(0, 0, 1, len);
    views();
    iu8.set(ou8.subarray(p, p + len), ip);
    const ret = iEcho(ip, len);
    views();
    const rp = idv.getUint32(ret, true),
      rl = idv.getUint32(ret + 4, true);
    const op = oRealloc(0, 0, 1, rl);
    views();
    ou8.set(iu8.subarray(rp, rp + rl), op);
    iReset(ret);
    odv.setUint32(retp, op, true);
    odv.setUint32(retp + 4, rl, true);
  }
  // $Outer's lowered import `echo-points`: list<point> (24-byte records of plain
  // numbers), copied as bytes both ways.
  const iEchoPoints = inner['echo-points'];
  function echoPoints(p, len, retp) {
    const bytes = len * 24,
      ip = iRealloc(0, 0, 8, bytes);
    views();
    iu8.set(ou8.subarray(p, p + bytes), ip);
    const ret = iEchoPoints(ip, len);
    views();
    const rp = idv.getUint32(ret, true),
      rl = idv.getUint32(ret + 4, true);
    const op = oRealloc(0, 0, 8, rl * 24);
    views();
    ou8.set(iu8.subarray(rp, rp + rl * 24), op);
    iReset(ret);
    odv.setUint32(retp, op, true);
    odv.setUint32(retp + 4, rl, true);
  }
  const main = (await WebAssembly.instantiate(await compile(mainMod), { '': { echo, 'echo-points': echoPoints } }))
    .exports;
  const oRelay = main.relay,
    oRelayPoints = main['relay-points'];

  let outLen = 0;
  function lowerString(s) {
    if (typeof s !== 'string') throw new TypeError('expected a string');
    const n = s.length;
    if (n <= ENC_LOOP_MAX) {
      const ptr = oRealloc(0, 0, 1, n);
      views();
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        ou8[ptr + i] = c;
      }
      if (i === n) {
        outLen = n;
        return ptr;
      }
    }
    const cap = n * 3,
      ptr = oRealloc(0, 0, 1, cap);
    views();
    outLen = ENC.encodeInto(s, ou8.subarray(ptr, ptr + cap)).written;
    return oRealloc(ptr, cap, 1, outLen);
  }
  function liftString(ptr, len) {
    if (len <= DEC_LOOP_MAX) {
      let s = '';
      for (let i = 0; i < len; i++) {
        const c = ou8[ptr + i];
        if (c >= 0x80) return DEC.decode(ou8.subarray(ptr, ptr + len));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return DEC.decode(ou8.subarray(ptr, ptr + len));
  }

  const api = {
    relayPoints(ps) {
      if (!Array.isArray(ps)) throw new TypeError('expected an array');
      const n = ps.length,
        p = oRealloc(0, 0, 8, n * 24);
      views();
      for (let i = 0, a = p; i < n; i++, a += 24) {
        const pt = ps[i];
        odv.setFloat64(a, +pt.x, true);
        odv.setFloat64(a + 8, +pt.y, true);
        odv.setUint32(a + 16, pt.id >>> 0, true);
      }
      const ret = oRelayPoints(p, n);
      views();
      const rp = odv.getUint32(ret, true),
        rl = odv.getUint32(ret + 4, true);
      const out = new Array(rl);
      for (let i = 0, a = rp; i < rl; i++, a += 24) {
        out[i] = { x: odv.getFloat64(a, true), y: odv.getFloat64(a + 8, true), id: odv.getUint32(a + 16, true) };
      }
      oReset(ret);
      return out;
    },
    relay(s) {
      const p = lowerString(s);
      const ret = oRelay(p, outLen);
      views();
      const r = liftString(odv.getUint32(ret, true), odv.getUint32(ret + 4, true));
      oReset(ret);
      return r;
    },
  };
  return { api };
}
