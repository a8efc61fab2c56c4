"""Component text (WAT) for one value type T. Exports (all lifted with the
same canon options: memory, realloc, string-encoding=ENC):

  rt-mem:  func(x: T, pad: tuple<u8 x16>) -> T
           params always spill (> 16 flat) so the guest gets a pointer to the
           params tuple, whose first field is x laid out like T. If T flattens
           to more than one value the guest returns that same pointer as the
           result pointer; otherwise it loads the one flat value from it.
           -> host lowering to memory (store), lifting from memory (load).
  via-imp: func(x: T) -> T
           the guest passes its params unchanged to the imported `h: func(x: T)
           -> T` (the host's identity function) and returns its result.
           -> host flat lowering (export params, <= 16 flat), host flat lifting
           (import params: joined variant slots, bitcasts), host store into
           the guest's return area (import result), load (export result).
  raw:     func(bytes: list<u8>, delta: s32) -> T
           the guest copies the bytes to BASE and returns BASE+delta as the
           result pointer (or, for one flat value, the value loaded there).
           -> lifting of arbitrary memory images, including invalid ones.
  rt-flat: func(x: T) -> T                     (only if T flattens to <= 16)
           the guest gets x as flat values and stores them in a return area
           laid out like T with code generated here (store_flat), or returns
           the one flat value.
           -> host flat lowering (joined variant slots, bitcasts), checked
           against an independent guest-side store; lifting from memory.
  rt-multi: func(f1: T1, f2: T2, ...) -> T     (only for a record/tuple T)
           the fields as separate params (their flat values, or a spilled
           params tuple, are laid out exactly like T); guest as rt-flat or
           rt-mem.
  raw-imp: func(bytes: list<u8>) -> T          (only if T flattens to <= 16)
           the guest copies the bytes to BASE, loads the flat values of T from
           8-byte slots there and calls `h` with them.
           -> host flat lifting of arbitrary (possibly invalid) core values.

The import may be lowered with another string encoding than the exports are
lifted with (`imp_enc`); run.py does not use that: the results then depend
on each host's own realloc calls (see its README).

With `log`, the guest's realloc records its calls (old pointer, old size,
alignment, new size) and `realloc-log: func() -> list<u32>` returns them, so
the order and arguments of the hosts' allocations are compared too (only for
types without strings: the spec's string transcoding depends on the host's
own string encoding, UTF-8 in wasmtime, UTF-16 in JS).

The guest's realloc is a bump allocator; with `realloc_mode` its first call
misbehaves (see REALLOC_MODES), so the hosts' checks of realloc results are
compared too.
"""
from encode import BASE
from wit_types import (align_to, alignment, cases_of, disc_size, field_offsets, field_types, flags_size, flatten,
                       kind, payload_align, scalar_leaf, size)

NAMED = ("record", "variant", "enum", "flags")


def qs(s):
    return '"' + s + '"'


class TypeNames:
    def __init__(self):
        self.defs = []  # WAT lines
        self.ids = {}  # json key -> $tN

    def ref(self, t):
        k = kind(t)
        if isinstance(t, str):
            return t
        if k == "list":
            return f"(list {self.ref(t[1])})"
        if k == "tuple":
            return "(tuple " + " ".join(self.ref(x) for x in t[1]) + ")"
        if k == "option":
            return f"(option {self.ref(t[1])})"
        if k == "result":
            parts = ["result"]
            if t[1] is not None:
                parts.append(self.ref(t[1]))
            if t[2] is not None:
                parts.append(f"(error {self.ref(t[2])})")
            return "(" + " ".join(parts) + ")"
        key = repr(t)
        if key in self.ids:
            return self.ids[key]
        if k == "record":
            body = "(record " + " ".join(f"(field {qs(n)} {self.ref(x)})" for n, x in t[1]) + ")"
        elif k == "variant":
            body = "(variant " + " ".join(
                f"(case {qs(n)} {self.ref(x)})" if x is not None else f"(case {qs(n)})" for n, x in t[1]) + ")"
        elif k == "enum":
            body = "(enum " + " ".join(qs(n) for n in t[1]) + ")"
        elif k == "flags":
            body = "(flags " + " ".join(qs(n) for n in t[1]) + ")"
        else:
            raise ValueError(t)
        i = len(self.ids)
        self.defs.append(f"  (type $d{i} {body})")
        # Named types used by exported/imported functions must be imported or
        # exported; an `eq`-bounded import needs nothing from the host.
        self.defs.append(f"  (import \"t{i}\" (type $t{i} (eq $d{i})))")
        self.ids[key] = f"$t{i}"
        return f"$t{i}"


def load_instr(ft, width):
    if ft == "i32":
        return {1: "i32.load8_u", 2: "i32.load16_u", 4: "i32.load"}[width]
    return f"{ft}.load"


def _get(slot, want):
    idx, have = slot
    g = f"(local.get {idx})"
    if have == want:
        return g
    if want == "i32" and have == "i64":
        return f"(i32.wrap_i64 {g})"
    if want == "f32" and have == "i32":
        return f"(f32.reinterpret_i32 {g})"
    if want == "f32" and have == "i64":
        return f"(f32.reinterpret_i32 (i32.wrap_i64 {g}))"
    if want == "f64" and have == "i64":
        return f"(f64.reinterpret_i64 {g})"
    raise ValueError((have, want))


def store_flat(t, off, slots, out, labels):
    """WAT that stores T, given as flat values in the locals `slots`
    [(index, core type as declared)], at $r + off, laid out like T in memory
    (the guest side of lowering: written independently of either host)."""
    k = kind(t)
    st = lambda instr, want, o=off, s=0: out.append(f"({instr} offset={o} (local.get $r) {_get(slots[s], want)})")
    if k in ("bool", "u8", "s8"):
        st("i32.store8", "i32")
    elif k in ("u16", "s16"):
        st("i32.store16", "i32")
    elif k in ("u32", "s32", "char"):
        st("i32.store", "i32")
    elif k in ("u64", "s64"):
        st("i64.store", "i64")
    elif k in ("f32", "f64"):
        st(f"{k}.store", k)
    elif k in ("string", "list"):
        st("i32.store", "i32", off, 0)
        st("i32.store", "i32", off + 4, 1)
    elif k == "flags":
        fs = flags_size(len(t[1]))
        for w in range(max(1, fs // 4)):
            st({1: "i32.store8", 2: "i32.store16"}.get(fs, "i32.store"), "i32", off + 4 * w, w)
    elif k == "enum":
        st({1: "i32.store8", 2: "i32.store16", 4: "i32.store"}[disc_size(len(t[1]))], "i32")
    elif k in ("record", "tuple"):
        i = 0
        for ft, fo in zip(field_types(t), field_offsets(t)):
            n = len(flatten(ft))
            store_flat(ft, off + fo, slots[i:i + n], out, labels)
            i += n
    elif k in ("variant", "option", "result"):
        cs = cases_of(t)
        ds = disc_size(len(cs))
        st({1: "i32.store8", 2: "i32.store16", 4: "i32.store"}[ds], "i32")
        po = off + align_to(ds, payload_align(t))
        base = labels[0]
        labels[0] += len(cs) + 1
        names = [f"$l{base + i}" for i in range(len(cs))]
        done = f"$l{base + len(cs)}"
        out.append(f"(block {done}")
        for nm in reversed(names):
            out.append(f"(block {nm}")
        out.append(f"(br_table {' '.join(names)} {names[-1]} {_get(slots[0], 'i32')})")
        for (cn, pt), nm in zip(cs, names):
            out.append(f") ;; {nm}: case {cn}")
            if pt is not None:
                store_flat(pt, po, slots[1:1 + len(flatten(pt))], out, labels)
            out.append(f"(br {done})")
        out.append(")")
    else:
        raise ValueError(t)


REALLOC_MODES = {
    # what the guest's realloc does on its first call
    None: "",
    # an address that is not a multiple of the requested alignment (> 1)
    "misalign": """      (if (i32.and (i32.eqz (global.get $calls)) (i32.gt_u (local.get $align) (i32.const 1)))
        (then (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (global.set $heap (i32.add (local.get $p) (local.get $new_size)))))""",
    # an address past the end of memory
    "oob": """      (if (i32.eqz (global.get $calls)) (then (local.set $p (i32.const -8))))""",
    # every call: grow memory and allocate at the start of the new pages, so
    # every allocation detaches the old ArrayBuffer (stale views in the glue)
    "grow": """      (local.set $p (i32.mul (memory.size) (i32.const 65536)))
      (if (i32.eq (memory.grow (i32.add (i32.shr_u (local.get $new_size) (i32.const 16)) (i32.const 1))) (i32.const -1))
        (then unreachable))
      (if (local.get $old) (then (memory.copy (local.get $p) (local.get $old)
        (select (local.get $old_size) (local.get $new_size) (i32.lt_u (local.get $old_size) (local.get $new_size))))))""",
    # the last new_size bytes of memory: in bounds, ends exactly at the end
    "end": """      (if (i32.eqz (global.get $calls))
        (then (local.set $p (i32.and (i32.sub (i32.mul (memory.size) (i32.const 65536)) (local.get $new_size))
                                     (i32.sub (i32.const 0) (local.get $align))))))""",
}


LOG = 0x1F000  # realloc log: count, then (old, old_size, align, new_size) per call


def component_wat(t, enc, realloc_mode=None, imp_enc=None, log=False):
    tn = TypeNames()
    tref = tn.ref(t)
    ft = flatten(t)
    n = len(ft)
    single = n == 1
    res_core = ft[0] if single else "i32"
    params_core = ft if n <= 16 else ["i32"]
    h_params = params_core + ([] if single else ["i32"])
    h_result = f"(result {ft[0]})" if single else ""
    sz, al = size(t), alignment(t)
    opts = (f"(memory (core memory $mi \"mem\")) (realloc (core func $mi \"realloc\")) "
            f"string-encoding={enc}")
    pad = "(tuple " + " ".join(["u8"] * 16) + ")"
    imp_opts = opts.replace(f"string-encoding={enc}", f"string-encoding={imp_enc or enc}")

    def call_h(get_params):
        if single:
            return f"{get_params} (call $h)"
        return (f"(local.set $r (call $realloc (i32.const 0) (i32.const 0) (i32.const {al}) (i32.const {sz}))) "
                f"{get_params} (local.get $r) (call $h) (local.get $r)")

    via_get = " ".join(f"(local.get {i})" for i in range(len(params_core)))
    raw_imp_get = " ".join(f"({x}.load (i32.const {BASE + 8 * i}))" for i, x in enumerate(ft))
    rt_mem_body = f"({load_instr(ft[0], scalar_leaf(t))} (local.get 0))" if single else "(local.get 0)"
    raw_body = (f"({ft[0]}.load (i32.add (i32.const {BASE}) (local.get 2)))" if single
                else f"(i32.add (i32.const {BASE}) (local.get 2))")
    lines = [
        "(component",
        "  (core module $M",
        "    (memory (export \"mem\") 4)",
        "    (global $heap (mut i32) (i32.const 256))",
        "    (global $calls (mut i32) (i32.const 0))",
        "    ;; bump allocator: never frees, copies the old contents on growth",
        "    (func (export \"realloc\") (param $old i32) (param $old_size i32) (param $align i32) (param $new_size i32) (result i32)",
        "      (local $p i32)",
        "      (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))",
        "                             (i32.sub (i32.const 0) (local.get $align))))",
        "      (global.set $heap (i32.add (local.get $p) (local.get $new_size)))",
        "      (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))",
        "        (then (if (i32.eq (memory.grow (i32.add (i32.shr_u (i32.sub (global.get $heap)",
        "                    (i32.mul (memory.size) (i32.const 65536))) (i32.const 16)) (i32.const 1))) (i32.const -1))",
        "          (then unreachable))))",
        "      (if (local.get $old) (then (memory.copy (local.get $p) (local.get $old)",
        "        (select (local.get $old_size) (local.get $new_size) (i32.lt_u (local.get $old_size) (local.get $new_size))))))",
        REALLOC_MODES[realloc_mode],
        "      (global.set $calls (i32.add (global.get $calls) (i32.const 1)))",
        (f"""      (if (i32.lt_u (global.get $calls) (i32.const 200)) (then
        (i32.store (i32.const {LOG}) (global.get $calls))
        (i32.store offset={LOG - 12} (i32.shl (global.get $calls) (i32.const 4)) (local.get $old))
        (i32.store offset={LOG - 8} (i32.shl (global.get $calls) (i32.const 4)) (local.get $old_size))
        (i32.store offset={LOG - 4} (i32.shl (global.get $calls) (i32.const 4)) (local.get $align))
        (i32.store offset={LOG} (i32.shl (global.get $calls) (i32.const 4)) (local.get $new_size))))""" if log else ""),
        "      (local.get $p)))",
        "  (core instance $mi (instantiate $M))",
    ]
    lines += tn.defs
    lines += [
        f"  (import \"h\" (func $h (param \"x\" {tref}) (result {tref})))",
        f"  (core func $h-low (canon lower (func $h) {imp_opts}))",
        "  (core module $N",
        "    (import \"m\" \"mem\" (memory 1))",
        "    (import \"m\" \"realloc\" (func $realloc (param i32 i32 i32 i32) (result i32)))",
        f"    (import \"m\" \"h\" (func $h (param {' '.join(h_params)}) {h_result}))",
        f"    (func (export \"rt-mem\") (param i32) (result {res_core}) {rt_mem_body})",
        f"    (func (export \"via-imp\") (param {' '.join(params_core)}) (result {res_core}) (local $r i32)",
        f"      {call_h(via_get)})",
        f"    (func (export \"raw\") (param i32 i32 i32) (result {res_core})",
        f"      (memory.copy (i32.const {BASE}) (local.get 0) (local.get 1)) {raw_body})",
    ]
    if n <= 16:
        body = []
        if single:
            body.append("(local.get 0)")
        else:
            body.append(f"(local.set $r (call $realloc (i32.const 0) (i32.const 0) (i32.const {al}) (i32.const {sz})))")
            store_flat(t, 0, list(enumerate(ft)), body, [0])
            body.append("(local.get $r)")
        lines += [f"    (func (export \"rt-flat\") (param {' '.join(ft)}) (result {res_core}) (local $r i32)"]
        lines += ["      " + b for b in body]
        lines[-1] += ")"
        lines += [
            f"    (func (export \"raw-imp\") (param i32 i32) (result {res_core}) (local $r i32)",
            f"      (memory.copy (i32.const {BASE}) (local.get 0) (local.get 1))",
            f"      {call_h(raw_imp_get)})",
        ]
    if kind(t) in ("record", "tuple"):
        # rt-multi: T's fields as separate params; the core function is
        # rt-flat's (<= 16 flat) or rt-mem's without the pad (> 16).
        lines += [f"    (func (export \"rt-multi\") (param {' '.join(params_core)}) (result {res_core}) (local $r i32)"]
        if n <= 16:
            lines += ["      " + b for b in body]
        else:
            lines += ["      " + rt_mem_body]
        lines[-1] += ")"
    if log:
        lines += [
            "    (func (export \"realloc-log\") (result i32)",
            f"      (i32.store (i32.const {LOG - 8}) (i32.const {LOG + 4}))",
            f"      (i32.store (i32.const {LOG - 4}) (i32.shl (i32.load (i32.const {LOG})) (i32.const 2)))",
            f"      (i32.const {LOG - 8}))",
        ]
    lines += [
        "  )",
        "  (core instance $ni (instantiate $N (with \"m\" (instance",
        "    (export \"mem\" (memory $mi \"mem\")) (export \"realloc\" (func $mi \"realloc\")) (export \"h\" (func $h-low))))))",
        f"  (func (export \"rt-mem\") (param \"x\" {tref}) (param \"pad\" {pad}) (result {tref})",
        f"    (canon lift (core func $ni \"rt-mem\") {opts}))",
        f"  (func (export \"via-imp\") (param \"x\" {tref}) (result {tref})",
        f"    (canon lift (core func $ni \"via-imp\") {opts}))",
        f"  (func (export \"raw\") (param \"bytes\" (list u8)) (param \"delta\" s32) (result {tref})",
        f"    (canon lift (core func $ni \"raw\") {opts}))",
    ]
    if kind(t) in ("record", "tuple"):
        fields = t[1] if kind(t) == "record" else [[f"p{i}", x] for i, x in enumerate(t[1])]
        ps = " ".join(f"(param {qs(nm)} {tn.ref(x)})" for nm, x in fields)
        lines += [
            f"  (func (export \"rt-multi\") {ps} (result {tref})",
            f"    (canon lift (core func $ni \"rt-multi\") {opts}))",
        ]
    if log:
        lines += [
            "  (func (export \"realloc-log\") (result (list u32))",
            "    (canon lift (core func $ni \"realloc-log\") (memory (core memory $mi \"mem\"))))",
        ]
    if n <= 16:
        lines += [
            f"  (func (export \"rt-flat\") (param \"x\" {tref}) (result {tref})",
            f"    (canon lift (core func $ni \"rt-flat\") {opts}))",
            f"  (func (export \"raw-imp\") (param \"bytes\" (list u8)) (result {tref})",
            f"    (canon lift (core func $ni \"raw-imp\") {opts}))",
        ]
    lines.append(")")
    return "\n".join(lines) + "\n"


def composed_wat(t, enc, realloc_mode=None, imp_enc=None, log=False):
    """component_wat's component as sub-component $C of a composition whose
    import `h` is implemented by a relay sub-component $R: $C's calls of `h`
    cross a component boundary (memory to memory: weft's fused adapters where
    covered) before $R's core code forwards them to the host's `h` (utf8, its
    own memory and bump allocator). Same imports and exports as component_wat."""
    tn = TypeNames()
    tref = tn.ref(t)
    ft = flatten(t)
    single = len(ft) == 1
    params_core = ft if len(ft) <= 16 else ["i32"]
    h_params = params_core + ([] if single else ["i32"])
    h_result = f"(result {ft[0]})" if single else ""
    res_core = ft[0] if single else "i32"
    args = " ".join(f"(local.get {i})" for i in range(len(params_core)))
    if single:
        fwd = f"(call $h {args})"
    else:
        fwd = (f"(local.set $r (call $realloc (i32.const 0) (i32.const 0) (i32.const {alignment(t)}) "
               f"(i32.const {size(t)}))) (call $h {args} (local.get $r)) (local.get $r)")
    inner = component_wat(t, enc, realloc_mode, imp_enc, log).rstrip("\n").split("\n")
    assert inner[0] == "(component" and inner[-1] == ")"
    exports = [l.split('"')[1] for l in inner if l.startswith('  (func (export "')]
    # the named types both sub-components import from the root
    types = [d.split('"')[1] for d in tn.defs if d.startswith('  (import "')]
    withs = " ".join(f'(with "{n}" (type ${n}))' for n in types)
    opts = '(memory (core memory $mi "mem")) (realloc (core func $mi "realloc")) string-encoding=utf8'
    relay = [
        "  (component $R",
        *("  " + d for d in tn.defs),
        f"    (import \"h\" (func $h (param \"x\" {tref}) (result {tref})))",
        "    (core module $M",
        "      (memory (export \"mem\") 1)",
        "      (global $heap (mut i32) (i32.const 64))",
        "      (func (export \"realloc\") (param $old i32) (param $old_size i32) (param $align i32) (param $new_size i32) (result i32)",
        "        (local $p i32)",
        "        (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))",
        "                               (i32.sub (i32.const 0) (local.get $align))))",
        "        (global.set $heap (i32.add (local.get $p) (local.get $new_size)))",
        "        (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))",
        "          (then (if (i32.eq (memory.grow (i32.add (i32.shr_u (i32.sub (global.get $heap)",
        "                      (i32.mul (memory.size) (i32.const 65536))) (i32.const 16)) (i32.const 1))) (i32.const -1))",
        "            (then unreachable))))",
        "        (if (local.get $old) (then (memory.copy (local.get $p) (local.get $old)",
        "          (select (local.get $old_size) (local.get $new_size) (i32.lt_u (local.get $old_size) (local.get $new_size))))))",
        "        (local.get $p)))",
        "    (core instance $mi (instantiate $M))",
        f"    (core func $hl (canon lower (func $h) {opts}))",
        "    (core module $F",
        "      (import \"\" \"realloc\" (func $realloc (param i32 i32 i32 i32) (result i32)))",
        f"      (import \"\" \"h\" (func $h (param {' '.join(h_params)}) {h_result}))",
        f"      (func (export \"fwd\") (param {' '.join(params_core)}) (result {res_core}) (local $r i32) {fwd}))",
        "    (core instance $fi (instantiate $F (with \"\" (instance",
        "      (export \"realloc\" (func $mi \"realloc\")) (export \"h\" (func $hl))))))",
        f"    (func (export \"h\") (param \"x\" {tref}) (result {tref}) (canon lift (core func $fi \"fwd\") {opts})))",
    ]
    lines = ["(component", *tn.defs, f"  (import \"h\" (func $h (param \"x\" {tref}) (result {tref})))", *relay,
             "  (component $C", *("  " + l for l in inner[1:-1]), "  )",
             f"  (instance $r (instantiate $R {withs} (with \"h\" (func $h))))",
             f"  (instance $c (instantiate $C {withs} (with \"h\" (func $r \"h\"))))",
             *(f"  (export \"{e}\" (func $c \"{e}\"))" for e in exports), ")"]
    return "\n".join(lines) + "\n"
