"""The reference host: wasmtime (the `wasmtime` PyPI package) running a
component synchronously, with canonical values converted to and from
wasmtime-py's Python representation.

wasmtime-py's representation (50.x), type-directed:
  bool -> bool; integers -> int; floats -> float; char/string/enum -> str;
  list<u8> -> bytes; other lists -> list; tuple -> tuple; record -> Record
  (attributes named like the WIT fields); flags -> set of names;
  variant/option/result -> "untagged" (the payload itself, None for a case
  without payload) when the cases' Python classes are disjoint, otherwise
  Variant(tag, payload). `_tagged()` on the type decides; we ask it.
"""
import wasmtime
from wasmtime import component as C

from wit_types import cases_of, kind


class Unsupported(Exception):
    """A value wasmtime-py cannot express (a limitation of its value API)."""


def _classes(wt):
    s = set()
    wt.add_classes(s)
    return s


def wt_cases(wt):
    return wt._cases()


def to_py(t, v, wt):
    k = kind(t)
    if k in ("bool", "char", "string", "enum"):
        return v
    if k in ("f32", "f64"):
        return float(v)
    if k in ("u8", "s8", "u16", "s16", "u32", "s32", "u64", "s64"):
        return int(v)
    if k == "list":
        if t[1] == "u8":
            return bytes(v)
        return [to_py(t[1], x, wt.element) for x in v]
    if k == "record":
        r = C.Record()
        for (n, ft), (wn, wft) in zip(t[1], wt.fields):
            assert n == wn, (n, wn)
            setattr(r, n, to_py(ft, v[n], wft))
        return r
    if k == "tuple":
        return tuple(to_py(ft, x, wft) for ft, x, wft in zip(t[1], v, wt.elements))
    if k == "flags":
        return set(v)
    if k in ("variant", "option", "result"):
        wcs = wt_cases(wt)
        cs = cases_of(t)
        i = [n for n, _ in cs].index(v["tag"])
        pt, wpt = cs[i][1], wcs[i][1]
        payload = to_py(pt, v["val"], wpt) if pt is not None else None
        if wt._tagged():
            return C.Variant(v["tag"], payload)
        # Untagged: wasmtime-py picks the first case whose classes match by
        # isinstance, so e.g. a bool payload after an int case is misread.
        for j, (wn, wct) in enumerate(wcs):
            if wct is None:
                hit = payload is None
            else:
                hit = isinstance(payload, tuple(_classes(wct)))
            if hit:
                if j != i:
                    raise Unsupported(f"wasmtime-py cannot pass a value of an untagged {k} (a case whose "
                                      f"payload also matches an earlier case by isinstance, e.g. bool after u32)")
                break
        return payload
    raise ValueError(t)


def from_py(t, p, wt):
    k = kind(t)
    if k == "bool":
        assert isinstance(p, bool), p
        return p
    if k in ("u8", "s8", "u16", "s16", "u32", "s32", "u64", "s64"):
        assert isinstance(p, int) and not isinstance(p, bool), p
        return p
    if k in ("f32", "f64"):
        assert isinstance(p, float), p
        return p
    if k in ("char", "string", "enum"):
        assert isinstance(p, str), p
        return p
    if k == "list":
        if isinstance(p, bytes):
            return list(p)
        return [from_py(t[1], x, wt.element) for x in p]
    if k == "record":
        return {n: from_py(ft, getattr(p, n), wft) for (n, ft), (_, wft) in zip(t[1], wt.fields)}
    if k == "tuple":
        return [from_py(ft, x, wft) for ft, x, wft in zip(t[1], p, wt.elements)]
    if k == "flags":
        return sorted(p)
    if k in ("variant", "option", "result"):
        wcs = wt_cases(wt)
        cs = cases_of(t)
        if wt._tagged():
            assert isinstance(p, C.Variant), p
            i = [n for n, _ in cs].index(p.tag)
            payload = p.payload
        else:
            i = None
            for j, (_, wct) in enumerate(wcs):
                if wct is None:
                    if p is None:
                        i = j
                        break
                elif type(p) in _classes(wct) or (p is None and object in _classes(wct)):
                    i = j
                    break
            assert i is not None, (t, p)
            payload = p
        n, pt = cs[i]
        if pt is None:
            return {"tag": n}
        return {"tag": n, "val": from_py(pt, payload, wcs[i][1])}
    raise ValueError(t)


class PyHost:
    def __init__(self):
        self.engine = wasmtime.Engine()

    def compile(self, wat):
        comp = C.Component(self.engine, wat)
        linker = C.Linker(self.engine)
        with linker.root() as root:
            root.add_func("h", lambda store, x: x)
        return comp, linker

    def call(self, compiled, fname, t, params, then=None):
        """params: [(type, canonical value)]. Returns ("ok", canonical) |
        ("trap", message) | ("unsupported", reason). A fresh instance per
        call (a trap poisons the instance); `then` = (fname, params): a
        second call on the same instance, whose result is returned as well."""
        comp, linker = compiled
        store = wasmtime.Store(self.engine)
        inst = linker.instantiate(store, comp)
        r = self._call(store, inst, fname, t, params)
        if then is None:
            return r
        return r, self._call(store, inst, then[0], then[2] or t, then[1])

    def _call(self, store, inst, fname, t, params):
        f = inst.get_func(store, fname)
        fty = f.type(store)
        try:
            args = [to_py(pt, pv, wpt) for (pt, pv), (_, wpt) in zip(params, fty.params)]
        except Unsupported as e:
            return ("unsupported", str(e))
        try:
            r = f(store, *args)
        except (wasmtime.WasmtimeError, wasmtime.Trap) as e:
            return ("trap", str(e).strip().splitlines()[0] if str(e).strip() else "trap")
        return ("ok", from_py(t, r, fty.result))


def _ambiguous(wt, seen=None):
    """Why wasmtime-py's identity host function would misread a value of
    type wt (an untagged variant-like where a later case's value also
    matches an earlier case by isinstance), or None."""
    if isinstance(wt, C.ListType):
        return _ambiguous(wt.element)
    if isinstance(wt, C.RecordType):
        return next((r for _, f in wt.fields if (r := _ambiguous(f))), None)
    if isinstance(wt, C.TupleType):
        return next((r for f in wt.elements if (r := _ambiguous(f))), None)
    if isinstance(wt, (C.VariantType, C.OptionType, C.ResultType)):
        cases = wt._cases()
        for _, ct in cases:
            if ct is not None and (r := _ambiguous(ct)):
                return r
        if wt._tagged():
            return None
        for j, (nj, cj) in enumerate(cases):
            mine = [type(None)] if cj is None else [c for c in _classes(cj) if c is not object] + \
                ([type(None)] if object in _classes(cj) else [])
            for ni, ci in cases[:j]:
                if ci is None:
                    continue
                if any(issubclass(m, tuple(_classes(ci))) for m in mine):
                    return ("wasmtime-py's host function cannot return an untagged variant/option/result "
                            "value whose case also matches an earlier case (via-imp/raw-imp skipped)")
    return None


def identity_ok(compiled, host):
    comp, linker = compiled
    store = wasmtime.Store(host.engine)
    inst = linker.instantiate(store, comp)
    wt = inst.get_func(store, "via-imp").type(store).result
    why = _ambiguous(wt)
    return (why is None, why)
