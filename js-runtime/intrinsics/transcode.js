import { trap } from './trap.js';
import { memView } from './memory.js';
// Strings passed between two components keep their source encoding, so the
// destination's realloc sees exactly the calls the Canonical ABI prescribes
// for each (source, destination) encoding pair (`store_string_into_range`).
// Encodings: 0 = utf8, 1 = utf16, 2 = latin1+utf16.
const TRANSCODE_TAG = 0x80000000;
const TRANSCODE_MAX = 0x7fffffff;
const transcodeEncoder = new TextEncoder();
export let transcodedLen = 0;

/** A string lifted from a component, with its source encoding and (tagged) code units. */
export function taggedString(s, enc, units) {
  return { s, enc, units: units >>> 0 };
}

function storeCheck(m, ptr, size, align) {
  memView(m);
  if ((ptr & (align - 1)) !== 0) trap(`string: pointer ${ptr} is not aligned to ${align}`);
  if (ptr + size > m.u8.byteLength) trap('string: realloc returned an out-of-bounds range');
}

function storeAlloc(m, realloc, old, oldSize, align, size) {
  if (size > TRANSCODE_MAX) trap('string: too long');
  const ptr = realloc(old, oldSize, align, size) >>> 0;
  storeCheck(m, ptr, size, align);
  return ptr;
}

function storeUtf16(m, ptr, s) {
  const dv = m.dv;
  for (let i = 0; i < s.length; i++) dv.setUint16(ptr + 2 * i, s.charCodeAt(i), true);
}

function fitsLatin1(s) {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 256) return false;
  return true;
}

/** Stores tagged string `t` into memory `m` in encoding `dst`; returns the pointer, length in `transcodedLen`. */
export function storeString(t, m, realloc, dst) {
  const s = t.s;
  let simple = t.enc;
  let units = t.units;
  if (simple === 2) {
    if (units & TRANSCODE_TAG) {
      simple = 1;
      units = (units ^ TRANSCODE_TAG) >>> 0;
    } else simple = 3; // 3 = latin1
  }
  if (dst === 0) {
    if (simple === 0) return storeCopy(m, realloc, s, units, 1, 1, 0);
    return storeToUtf8(m, realloc, s, units, simple === 1 ? units * 3 : units * 2);
  }
  if (dst === 1) {
    if (simple === 0) {
      const worst = 2 * units;
      let ptr = storeAlloc(m, realloc, 0, 0, 2, worst);
      storeUtf16(m, ptr, s);
      const len = 2 * s.length;
      if (len < worst) ptr = storeAlloc(m, realloc, ptr, worst, 2, len);
      transcodedLen = s.length;
      return ptr;
    }
    return storeCopy(m, realloc, s, units, 2, 2, 1);
  }
  if (t.enc !== 2) return storeToLatin1OrUtf16(m, realloc, s, units);
  if (simple === 3) return storeCopy(m, realloc, s, units, 1, 2, 3);
  // Tagged UTF-16 source: copy as UTF-16, then deflate if it fits latin1.
  const bytes = 2 * units;
  let ptr = storeAlloc(m, realloc, 0, 0, 2, bytes);
  storeUtf16(m, ptr, s);
  if (!fitsLatin1(s)) {
    transcodedLen = (s.length | TRANSCODE_TAG) >>> 0;
    return ptr;
  }
  const u8 = m.u8;
  for (let i = 0; i < s.length; i++) u8[ptr + i] = u8[ptr + 2 * i];
  ptr = storeAlloc(m, realloc, ptr, bytes, 1, s.length);
  transcodedLen = s.length;
  return ptr;
}

function storeCopy(m, realloc, s, units, unitSize, align, enc) {
  const ptr = storeAlloc(m, realloc, 0, 0, align, unitSize * units);
  if (enc === 0 && units === s.length) {
    // All ASCII (as many bytes as code units): a plain loop beats encodeInto's call overhead.
    const u8 = m.u8;
    for (let i = 0; i < units; i++) u8[ptr + i] = s.charCodeAt(i);
  } else if (enc === 0) transcodeEncoder.encodeInto(s, m.u8.subarray(ptr, ptr + units));
  else if (enc === 1) storeUtf16(m, ptr, s);
  else for (let i = 0; i < s.length; i++) m.u8[ptr + i] = s.charCodeAt(i);
  transcodedLen = units;
  return ptr;
}

function storeToUtf8(m, realloc, s, units, worst) {
  let ptr = storeAlloc(m, realloc, 0, 0, 1, units);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      ptr = storeAlloc(m, realloc, ptr, units, 1, worst);
      const { written } = transcodeEncoder.encodeInto(s.slice(i), m.u8.subarray(ptr + i, ptr + worst));
      const len = i + written;
      if (worst > len) ptr = storeAlloc(m, realloc, ptr, worst, 1, len);
      transcodedLen = len;
      return ptr;
    }
    m.u8[ptr + i] = c;
  }
  transcodedLen = s.length;
  return ptr;
}

function storeToLatin1OrUtf16(m, realloc, s, units) {
  let ptr = storeAlloc(m, realloc, 0, 0, 2, units);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 256) {
      const worst = 2 * units;
      ptr = storeAlloc(m, realloc, ptr, units, 2, worst);
      const u8 = m.u8;
      for (let j = n - 1; j >= 0; j--) {
        u8[ptr + 2 * j] = u8[ptr + j];
        u8[ptr + 2 * j + 1] = 0;
      }
      const dv = m.dv;
      for (let j = i; j < s.length; j++) dv.setUint16(ptr + 2 * j, s.charCodeAt(j), true);
      const len = 2 * s.length;
      if (worst > len) ptr = storeAlloc(m, realloc, ptr, worst, 2, len);
      transcodedLen = (s.length | TRANSCODE_TAG) >>> 0;
      return ptr;
    }
    m.u8[ptr + n++] = c;
  }
  if (n < units) ptr = storeAlloc(m, realloc, ptr, units, 2, n);
  transcodedLen = n;
  return ptr;
}
