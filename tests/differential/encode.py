"""Raw Canonical ABI encodings of values, written by the test itself (not by a
host): a memory image (`store`) and flat core values (`lower_flat`), both
optionally corrupted by a `Mut` so the hosts' lifting can be compared on
invalid input (bad discriminants, surrogate chars, bools other than 0/1, flags
with extra bits, out-of-bounds or misaligned pointers, invalid UTF-8/UTF-16).

Used by the `raw` and `raw-imp` paths: the bytes are passed to the guest as a
list<u8>, which the guest copies to the fixed address BASE and lifts from
there (raw) or loads as flat values and passes to the host import (raw-imp).
"""
import struct

from wit_types import (INT_RANGE, align_to, alignment, cases_of, disc_size, field_offsets, field_types,
                       flags_size, flatten, join, kind, payload_align, size)

BASE = 0x20000  # where the guest copies the image
MEM_SIZE = 0x40000  # the guest memory's initial size (4 pages); BASE + image stays below


class Mut:
    """Decides, per encoded node, whether to corrupt it; logs what it did."""

    def __init__(self, rng, rate):
        self.rng = rng
        self.rate = rate
        self.log = []

    def hit(self, what):
        if self.rate > 0 and self.rng.random() < self.rate:
            self.log.append(what)
            return True
        return False


class Image:
    """The bytes placed at BASE: the value (or flat slots) first, then a heap."""

    def __init__(self, reserve):
        self.buf = bytearray(reserve)

    def alloc(self, n, align):
        off = align_to(len(self.buf), max(align, 1))
        self.buf.extend(b"\0" * (off - len(self.buf) + n))
        return BASE + off

    def write(self, addr, data):
        off = addr - BASE
        self.buf[off:off + len(data)] = data


def int_bits(v, bits):
    return v & ((1 << bits) - 1)


def f32_bits(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def f64_bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


BAD_CHARS = [0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0x110000, 0xFFFFFFFF, 0x80000000]
BAD_UTF8 = [b"\x80", b"\xc0\x80", b"\xe4\xb8", b"\xed\xa0\x80", b"\xff", b"\xf4\x90\x80\x80", b"\xf0\x9f\x98"]


def encode_string(s, enc, img, mut):
    """Stores the string's code units; returns (ptr, len) as the guest would see them."""
    if enc == "utf8":
        data = s.encode("utf-8")
        if mut.hit("invalid utf-8"):
            i = mut.rng.randint(0, len(data))
            data = data[:i] + mut.rng.choice(BAD_UTF8) + data[i:]
        ptr = img.alloc(len(data), 1)
        n = len(data)
        align = 1
    else:
        if enc == "latin1+utf16" and all(ord(c) < 256 for c in s):
            data = s.encode("latin-1")
            n = len(data)
            if mut.hit("latin1 read as utf16 (tag bit set)"):
                n |= 1 << 31
                data = data + b"\0" * len(data)
        else:
            data = s.encode("utf-16-le")
            if mut.hit("lone surrogate in utf16"):
                i = mut.rng.randint(0, len(data) // 2) * 2
                data = data[:i] + mut.rng.choice([b"\x00\xd8", b"\x00\xdc", b"\xff\xdb"]) + data[i:]
            n = len(data) // 2
            if enc == "latin1+utf16":
                n |= 1 << 31
        ptr = img.alloc(len(data), 2)
        align = 2
    img.write(ptr, data)
    return bad_ptr_len(ptr, n, align, mut, "string")


def bad_ptr_len(ptr, n, align, mut, what):
    if mut.hit(f"{what} pointer"):
        choices = [0xFFFFFFF0, MEM_SIZE, MEM_SIZE - 1, 0x7FFFFFFF]
        if align > 1:
            choices += [ptr + 1, ptr + align // 2]
        ptr = mut.rng.choice(choices) & 0xFFFFFFFF
    if mut.hit(f"{what} length"):
        n = mut.rng.choice([(n & 0x7FFFFFFF) + 1, 0x7FFFFFFF, 0x80000000 | n, 0xFFFFFFFF, 0x10000000, 0x20000 // 4])
    return ptr, n


def encode_list(t, v, enc, img, mut):
    el = t[1]
    es, ea = size(el), alignment(el)
    ptr = img.alloc(es * len(v), ea)
    for i, x in enumerate(v):
        store(el, x, ptr + i * es, enc, img, mut)
    return bad_ptr_len(ptr, len(v), ea, mut, "list")


def bad_disc(n, width, mut):
    hi = (1 << (8 * width)) - 1 if width < 4 else 0xFFFFFFFF
    if n > hi:
        return None
    return mut.rng.choice([n, min(n + 1, hi), hi, mut.rng.randint(n, hi)])


def store(t, v, addr, enc, img, mut):
    k = kind(t)
    w = lambda fmt, x: img.write(addr, struct.pack(fmt, x))
    if k == "bool":
        b = 1 if v else 0
        if mut.hit("bool byte"):
            b = mut.rng.randint(2, 255)
        w("<B", b)
    elif k in INT_RANGE:
        bits = {"u8": 8, "s8": 8, "u16": 16, "s16": 16, "u32": 32, "s32": 32, "u64": 64, "s64": 64}[k]
        w({8: "<B", 16: "<H", 32: "<I", 64: "<Q"}[bits], int_bits(v, bits))
    elif k == "f32":
        b = f32_bits(v)
        if mut.hit("f32 NaN payload"):
            b = mut.rng.choice([0x7FC00001, 0xFFC00000, 0x7F800001, 0xFFFFFFFF])
        w("<I", b)
    elif k == "f64":
        b = f64_bits(v)
        if mut.hit("f64 NaN payload"):
            b = mut.rng.choice([0x7FF8000000000001, 0xFFF8000000000000, 0x7FF0000000000001])
        w("<Q", b)
    elif k == "char":
        c = ord(v)
        if mut.hit("invalid char"):
            c = mut.rng.choice(BAD_CHARS)
        w("<I", c)
    elif k == "string":
        p, n = encode_string(v, enc, img, mut)
        img.write(addr, struct.pack("<II", p, n))
    elif k == "list":
        p, n = encode_list(t, v, enc, img, mut)
        img.write(addr, struct.pack("<II", p, n))
    elif k == "record":
        for (n, ft), off in zip(t[1], field_offsets(t)):
            store(ft, v[n], addr + off, enc, img, mut)
    elif k == "tuple":
        for ft, off, x in zip(t[1], field_offsets(t), v):
            store(ft, x, addr + off, enc, img, mut)
    elif k in ("variant", "option", "result", "enum"):
        cs = cases_of(t)
        ds = disc_size(len(cs))
        tag = v if k == "enum" else v["tag"]
        i = [n for n, _ in cs].index(tag)
        d = i
        if mut.hit("discriminant"):
            d = bad_disc(len(cs), ds, mut)
            if d is None:
                d = i
        img.write(addr, struct.pack({1: "<B", 2: "<H", 4: "<I"}[ds], d))
        pt = cs[i][1]
        if pt is not None:
            store(pt, v["val"], addr + align_to(ds, payload_align(t)), enc, img, mut)
    elif k == "flags":
        n = len(t[1])
        bits = sum(1 << t[1].index(x) for x in v)
        fs = flags_size(n)
        if mut.hit("flags extra bits") and n < 8 * fs:
            bits |= mut.rng.randint(1, (1 << (8 * fs - n)) - 1) << n
        img.write(addr, bits.to_bytes(fs, "little"))
    else:
        raise ValueError(t)


def lower_flat(t, v, enc, img, mut):
    """Flat core values [(core type, bits)] (floats as their bit patterns)."""
    k = kind(t)
    if k == "bool":
        b = 1 if v else 0
        if mut.hit("bool i32"):
            b = mut.rng.choice([2, 0xFF, 0x100, 0xFFFFFFFF])
        return [("i32", b)]
    if k in ("u8", "s8", "u16", "s16", "u32", "s32"):
        b = int_bits(v, 32)
        if mut.hit("int high bits") and k not in ("u32", "s32"):
            b = mut.rng.randint(0, 0xFFFFFFFF)
        return [("i32", b)]
    if k in ("u64", "s64"):
        return [("i64", int_bits(v, 64))]
    if k == "f32":
        b = f32_bits(v)
        if mut.hit("f32 NaN payload"):
            b = mut.rng.choice([0x7FC00001, 0xFFC00000, 0x7F800001])
        return [("f32", b)]
    if k == "f64":
        b = f64_bits(v)
        if mut.hit("f64 NaN payload"):
            b = mut.rng.choice([0x7FF8000000000001, 0xFFF8000000000000])
        return [("f64", b)]
    if k == "char":
        c = ord(v)
        if mut.hit("invalid char"):
            c = mut.rng.choice(BAD_CHARS)
        return [("i32", c)]
    if k == "string":
        p, n = encode_string(v, enc, img, mut)
        return [("i32", p), ("i32", n)]
    if k == "list":
        p, n = encode_list(t, v, enc, img, mut)
        return [("i32", p), ("i32", n)]
    if k in ("record", "tuple"):
        vals = [v[n] for n, _ in t[1]] if k == "record" else v
        return [x for ft, fv in zip(field_types(t), vals) for x in lower_flat(ft, fv, enc, img, mut)]
    if k == "flags":
        n = len(t[1])
        bits = sum(1 << t[1].index(x) for x in v)
        if mut.hit("flags extra bits") and n < 32:
            bits |= mut.rng.randint(1, (1 << (32 - n)) - 1) << n
        words = max(1, (n + 31) // 32)
        return [("i32", (bits >> (32 * i)) & 0xFFFFFFFF) for i in range(words)]
    if k in ("variant", "option", "result", "enum"):
        cs = cases_of(t)
        tag = v if k == "enum" else v["tag"]
        i = [n for n, _ in cs].index(tag)
        d = i
        if mut.hit("discriminant"):
            d = mut.rng.choice([len(cs), len(cs) + 1, 0xFFFFFFFF, 0x100 + i])
        if k == "enum":
            return [("i32", d)]
        flat = flatten(t)
        out = [("i32", d)]
        pt = cs[i][1]
        payload = lower_flat(pt, v["val"], enc, img, mut) if pt is not None else []
        for want, (have, b) in zip(flat[1:], payload):
            if have == want:
                out.append((want, b))
            elif want == "i64":  # i32/f32 bits zero-extended
                if have in ("i32", "f32") and mut.hit("garbage in the upper half of a joined i64"):
                    b |= mut.rng.randint(1, 0xFFFFFFFF) << 32
                out.append(("i64", b))
            else:  # f32 in an i32 slot
                assert (have, want) == ("f32", "i32"), (have, want)
                out.append(("i32", b))
        for want in flat[1 + len(payload):]:
            out.append((want, 0))
        return out
    raise ValueError(t)


def raw_image(t, v, enc, mut):
    """Image for the `raw` path: the value's memory layout at BASE (or, for
    a type with one flat value, that flat value's bits)."""
    ft = flatten(t)
    if len(ft) == 1:
        img = Image(8)
        ((ty, b),) = lower_flat(t, v, enc, img, mut)
        img.write(BASE, struct.pack("<Q" if ty in ("i64", "f64") else "<I", b))
        return bytes(img.buf)
    img = Image(size(t))
    store(t, v, BASE, enc, img, mut)
    return bytes(img.buf)


def raw_imp_image(t, v, enc, mut):
    """Image for the `raw-imp` path: flat values in 8-byte slots at BASE."""
    ft = flatten(t)
    img = Image(8 * len(ft))
    vals = lower_flat(t, v, enc, img, mut)
    assert [x for x, _ in vals] == ft, (vals, ft)
    for i, (ty, b) in enumerate(vals):
        img.write(BASE + 8 * i, struct.pack("<Q" if ty in ("i64", "f64") else "<I", b))
    return bytes(img.buf)
