#!/usr/bin/env python3
"""Differential testing of weft against wasmtime.

    python3 tests/differential/run.py [--seed N] [--cases N] [--long] [--case K] [-v]

Each case is a random WIT value type T (seeded: case K of seed N is always the
same type and the same inputs), wrapped in a component (see wat.py) whose
exports round-trip T through guest memory, through a host import, and lift T
from raw (possibly invalid) memory images and flat values. The same component
and inputs run in wasmtime (Python, the reference) and in weft's output
(Node, runner.mjs); the observable results must be identical: the same value
(after normalizing both into one canonical form) or a trap in both.

Prints every mismatch (case id, type, call, input, both results), then
`N passed, N failed` (cases), exiting non-zero if any case failed that is not
listed in known_failures.txt.
"""
import argparse
import concurrent.futures
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))

from encode import BASE, MEM_SIZE, Mut, raw_image, raw_imp_image  # noqa: E402
from wat import component_wat, composed_wat  # noqa: E402
import wit_types as W  # noqa: E402

ENCODINGS = ["utf8", "utf16", "latin1+utf16"]


BIG = "a\u00e9" * 40000 + "\u4e2d" * 30000 + "\U0001F600" * 20000
FIXED = {
    # JS reserved words as record fields, flags, params: jco keeps them as
    # they are ({in: 1, class: 'x'}), only identifiers need escaping.
    "reserved-names": (["record", [["in", "u32"], ["class", "string"], ["new-x", "bool"],
                                   ["default", ["flags", ["in", "class", "delete", "a"]]],
                                   ["function", ["variant", [["case", "u8"], ["delete", None]]]]]], "utf8", None),
    # all-uppercase (acronym) words in names: jco gives httpOk, xmlHttpRequest, abc
    "acronym-names": (["record", [["HTTP-ok", "u8"], ["xml-HTTP-request", ["flags", ["ABC", "a-URL", "b"]]],
                                  ["c", ["variant", [["HTTP", "u8"], ["a-B-c", None]]]], ["d", ["enum", ["URL", "x-Y"]]]]],
                      "utf8", None),
    # strings and lists that make the guest's realloc grow memory
    "big-strings": (["list", "string"], "latin1+utf16", [[BIG, "x" * 150000]]),
    "big-strings-utf16": (["tuple", ["string", ["list", "u64"]]], "utf16", [[BIG, list(range(3000))]]),
    "big-strings-utf8": (["option", "string"], "utf8", [{"tag": "some", "val": BIG}]),
    "enum-300": (["enum", [f"e{i}" for i in range(300)]], "utf8", None),
    "variant-257": (["variant", [[f"c{i}", "u8" if i % 3 == 0 else ("f32" if i % 3 == 1 else None)]
                                for i in range(257)]], "utf8", None),
    "flags-32": (["flags", [f"f{i}" for i in range(32)]], "utf8", None),
    "nested-options": (["option", ["option", ["option", ["result", None, ["option", "u8"]]]]], "utf8", None),
    "flat-16": (["tuple", ["u8", "u64", "f32", "u8", "f64", "u16", "s8", "u32", "s64", "bool", "char",
                           "u8", "u16", "u8", "u32", "f32"]], "utf8", None),
    "flat-17": (["tuple", ["u8", "u64", "f32", "u8", "f64", "u16", "s8", "u32", "s64", "bool", "char",
                           "u8", "u16", "u8", "u32", "f32", "f64"]], "utf8", None),
    "floats-join": (["list", ["variant", [["a", "f32"], ["b", "f64"], ["c", "u32"], ["d", "s64"],
                                          ["e", ["tuple", ["f32", "f32"]]]]]], "utf8", None),
    "chars": (["list", "char"], "utf8", [[chr(c) for c in [0, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD,
                                                             0xFFFF, 0x10000, 0x10FFFF]]]),
    # realloc's first call returns an out-of-bounds pointer: the spec calls
    # realloc (and checks its result) for empty lists and strings too
    "empty-list-oob-realloc": (["list", "u8"], "utf8", [[]], "oob"),
    "empty-string-oob-realloc": (["tuple", ["string", "u32"]], "utf16", [["", 7]], "oob"),
    "empty-list-misaligned-realloc": (["list", "u32"], "utf8", [[]], "misalign"),
    # U+FEFF (byte order mark) at the start of a string must survive
    "bom-utf8": (["list", "string"], "utf8", [["\ufeff", "\ufeffabc", "a\ufeff", "\ufeff" * 3 + "x" * 40]]),
    "bom-utf16": (["list", "string"], "utf16", [["\ufeff", "\ufeffabc", "a\ufeff", "\ufeff" * 3 + "x" * 40]]),
    "bom-latin1-utf16": (["list", "string"], "latin1+utf16", [["\ufeff", "\ufeffabc", "a\ufeff"]]),
    "latin1-boundary": (["list", "string"], "latin1+utf16", [["\u00ff", "\u0100", "", "a\u00ff\u0100", "\U00010000"]]),
}


def _u32s(*xs):
    return b"".join(x.to_bytes(4, "little") for x in xs)


def _u64s(*xs):
    return b"".join(x.to_bytes(8, "little") for x in xs)


# Hand-written raw lifts at the Canonical ABI's edges: (type, encoding,
# function, image, delta, what the spec says: "ok" or "trap"). Spec (definitions.py): flags ignore bits above
# the flag count, bool is `!= 0`, narrow ints wrap, a joined i64 slot is
# wrapped for an i32/f32 case, list/string pointers are checked for alignment
# and bounds even at length 0, latin1 strings need 2-alignment.
FIXED_RAW = {
    "raw-flags-extra-bits-flat": (["flags", ["a", "b", "c"]], "utf8", "raw", _u32s(0xFF), 0, "ok"),
    "raw-flags-extra-bits-mem": (["tuple", [["flags", ["a", "b", "c"]], "u32"]], "utf8", "raw", _u32s(0xFF, 5), 0, "ok"),
    "raw-flags-17-extra-bits": (["tuple", [["flags", [f"f{i}" for i in range(17)]], "u8"]], "utf8", "raw",
                                _u32s(0xFFFFFFFF, 1), 0, "ok"),
    "raw-bool-2": ("bool", "utf8", "raw", _u32s(2), 0, "ok"),
    "raw-bool-byte-ff": (["tuple", ["bool", "bool"]], "utf8", "raw", b"\xff\x80", 0, "ok"),
    "raw-u8-wraps": ("u8", "utf8", "raw", _u32s(0x1FF), 0, "ok"),
    "raw-s8-wraps": ("s8", "utf8", "raw", _u32s(0xFFFFFF80), 0, "ok"),
    "raw-u16-wraps": ("u16", "utf8", "raw", _u32s(0xABCD8765), 0, "ok"),
    "raw-char-surrogate": ("char", "utf8", "raw", _u32s(0xDFFF), 0, "trap"),
    "raw-char-max": ("char", "utf8", "raw", _u32s(0x10FFFF), 0, "ok"),
    "raw-char-too-big": ("char", "utf8", "raw", _u32s(0x110000), 0, "trap"),
    "raw-enum-out-of-range": (["enum", ["a", "b"]], "utf8", "raw", _u32s(2), 0, "trap"),
    "raw-enum-300-disc-16bit": (["tuple", [["enum", [f"e{i}" for i in range(300)]], "u8"]], "utf8", "raw",
                                b"\x2b\x01\x07\x00", 0, "ok"),
    "raw-enum-300-out-of-range": (["tuple", [["enum", [f"e{i}" for i in range(300)]], "u8"]], "utf8", "raw",
                                  b"\x2c\x01\x07\x00", 0, "trap"),
    "raw-empty-list-misaligned": (["tuple", [["list", "u32"], "u8"]], "utf8", "raw", _u32s(BASE + 1, 0, 0), 0, "trap"),
    "raw-empty-list-past-end": (["tuple", [["list", "u32"], "u8"]], "utf8", "raw", _u32s(MEM_SIZE + 4, 0, 0), 0, "trap"),
    "raw-empty-list-at-end": (["tuple", [["list", "u32"], "u8"]], "utf8", "raw", _u32s(MEM_SIZE, 0, 0), 0, "ok"),
    "raw-list-ends-at-end": (["tuple", [["list", "u8"], "u8"]], "utf8", "raw", _u32s(MEM_SIZE - 3, 3, 0), 0, "ok"),
    "raw-list-one-past-end": (["tuple", [["list", "u8"], "u8"]], "utf8", "raw", _u32s(MEM_SIZE - 3, 4, 0), 0, "trap"),
    "raw-list-len-overflow": (["tuple", [["list", "u64"], "u8"]], "utf8", "raw", _u32s(BASE, 0x20000001, 0), 0, "trap"),
    "raw-latin1-odd-pointer": (["tuple", ["string", "u8"]], "latin1+utf16", "raw",
                               _u32s(BASE + 13, 1, 0) + b"a", 0, "trap"),
    "raw-utf16-tag-empty": (["tuple", ["string", "u8"]], "latin1+utf16", "raw", _u32s(BASE + 12, 0x80000000, 0), 0, "ok"),
    "raw-latin1-high-bytes": (["tuple", ["string", "u8"]], "latin1+utf16", "raw",
                              _u32s(BASE + 12, 4, 0) + b"\x80\x9f\xa0\xff", 0, "ok"),
    "raw-utf8-huge-len": (["tuple", ["string", "u8"]], "utf8", "raw", _u32s(BASE + 12, 1 << 28, 0), 0, "trap"),
    "raw-utf8-overlong": (["tuple", ["string", "u8"]], "utf8", "raw", _u32s(BASE + 12, 2, 0) + b"\xc0\xaf", 0, "trap"),
    "raw-utf8-nul": (["tuple", ["string", "u8"]], "utf8", "raw", _u32s(BASE + 12, 3, 0) + b"a\x00b", 0, "ok"),
    "raw-utf16-lone-low": (["tuple", ["string", "u8"]], "utf16", "raw", _u32s(BASE + 12, 2, 0) + b"a\x00\x00\xdc", 0, "trap"),
    "raw-utf16-pair": (["tuple", ["string", "u8"]], "utf16", "raw", _u32s(BASE + 12, 2, 0) + b"\x3d\xd8\x00\xde", 0, "ok"),
    "raw-retptr-misaligned": (["tuple", ["u64", "u8"]], "utf8", "raw", _u64s(1, 2), 4, "trap"),
    "raw-retptr-at-end": (["tuple", ["u32", "u32"]], "utf8", "raw", b"", MEM_SIZE - BASE - 8, "ok"),
    "raw-retptr-past-end": (["tuple", ["u32", "u32"]], "utf8", "raw", b"", MEM_SIZE - BASE - 4, "trap"),
    "raw-imp-i64-slot-wraps-u32": (["variant", [["a", "u32"], ["b", "u64"]]], "utf8", "raw-imp",
                                   _u64s(0, 0xDEADBEEF00000005), 0, "ok"),
    "raw-imp-i64-slot-wraps-f32": (["variant", [["a", "f32"], ["b", "u64"]]], "utf8", "raw-imp",
                                   _u64s(0, 0xDEADBEEF3F800000), 0, "ok"),
    "raw-imp-i64-slot-wraps-bool": (["variant", [["a", "bool"], ["b", "f64"]]], "utf8", "raw-imp",
                                    _u64s(0, 0x100000000), 0, "ok"),
    "raw-imp-disc-out-of-range": (["variant", [["a", "f32"], ["b", "u64"]]], "utf8", "raw-imp", _u64s(2, 0), 0, "trap"),
    "raw-imp-disc-negative": (["option", "u8"], "utf8", "raw-imp", _u64s(0xFFFFFFFF, 0), 0, "trap"),
    "raw-imp-char-in-i64": (["variant", [["a", "char"], ["b", "s64"]]], "utf8", "raw-imp",
                            _u64s(0, 0x1F600 | (0xD800 << 32)), 0, "ok"),
}


def gen_case(seed, k):
    """The type, string encoding and calls of case k of seed (k an int, or a
    name from FIXED)."""
    rng = random.Random(f"weft-differential:{seed}:{k}")
    values = None
    realloc_mode = None
    imp_enc = None
    if k in FIXED_RAW:
        t, enc, fn, img, delta, spec = FIXED_RAW[k]
        args = [(["list", "u8"], list(img))] + ([("s32", delta)] if fn == "raw" else [])
        return {"type": t, "enc": enc, "imp_enc": None, "realloc": None, "log": False,
                "calls": [{"fn": fn, "args": args, "expect": None, "mutations": ["hand-written image"],
                           "value": None, "spec": spec}]}
    if k in FIXED:
        t, enc, values, realloc_mode = (FIXED[k] + (None,))[:4]
    else:
        r = rng.random()
        if r < 0.25:
            t = W.random_join_type(rng)
        elif r < 0.35:
            t = W.random_type(rng, max_depth=1)
        else:
            t = W.random_type(rng, max_depth=rng.choice([2, 3, 4]))
        has_str = W.contains(t, lambda x: x == "string")
        enc = rng.choice(ENCODINGS) if has_str else "utf8"
        r = rng.random()
        realloc_mode = "grow" if r < 0.1 else rng.choice(["misalign", "oob", "end"]) if r < 0.2 else None
        # (The import is always lowered with the exports' string encoding:
        # reading a string in another encoding than it was written in reads
        # past its end or needs an alignment the writer did not give it, both
        # of which depend on each host's own realloc calls, which differ
        # legitimately between a UTF-8 host (wasmtime) and a UTF-16 one (JS).)
    flat = W.flatten(t)
    pad = [0] * 16
    calls = []
    for i in range(2):
        v = W.random_value(rng, t)
        if values:
            calls.append({"fn": "rt-mem", "args": [(t, values[0]), (["tuple", ["u8"] * 16], pad)], "expect": values[0]})
            calls.append({"fn": "via-imp", "args": [(t, values[0])], "expect": values[0]})
            if len(flat) <= 16:
                calls.append({"fn": "rt-flat", "args": [(t, values[0])], "expect": values[0]})
            values = None
        calls.append({"fn": "rt-mem", "args": [(t, v), (["tuple", ["u8"] * 16], pad)], "expect": v})
        v = W.random_value(rng, t)
        calls.append({"fn": "via-imp", "args": [(t, v)], "expect": v})
        if len(flat) <= 16:
            v = W.random_value(rng, t)
            calls.append({"fn": "rt-flat", "args": [(t, v)], "expect": v})
        if W.kind(t) in ("record", "tuple"):
            v = W.random_value(rng, t)
            fv = [v[n] for n, _ in t[1]] if W.kind(t) == "record" else v
            calls.append({"fn": "rt-multi", "args": list(zip(W.field_types(t), fv)), "expect": v, "value": v})
    for i in range(3):
        v = W.random_value(rng, t)
        mut = Mut(rng, 0 if i == 0 else rng.choice([0.05, 0.15, 0.3]))
        img = raw_image(t, v, enc, mut)
        delta = 0
        if i > 0 and len(flat) > 1 and rng.random() < 0.25:
            sz = W.size(t)
            delta = rng.choice([1, 2, 4, MEM_SIZE - BASE - sz + 1, MEM_SIZE - BASE, -BASE - 1, -BASE])
            mut.log.append(f"result pointer BASE{delta:+d}")
        if len(img) >= BASE - 4096:
            continue
        calls.append({"fn": "raw", "args": [(["list", "u8"], list(img)), ("s32", delta)],
                      "expect": v if not mut.log else None, "mutations": mut.log, "value": v})
    # after the last raw call (which traps if its image is invalid), call
    # rt-mem on the same instance: a trap must have poisoned it
    raws = [c for c in calls if c["fn"] == "raw"]
    if raws:
        v = W.random_value(rng, t)
        raws[-1]["then"] = {"fn": "rt-mem", "args": [(t, v), (["tuple", ["u8"] * 16], pad)], "type": None}
    if len(flat) <= 16:
        for i in range(3):
            v = W.random_value(rng, t)
            mut = Mut(rng, 0 if i == 0 else rng.choice([0.05, 0.15, 0.3]))
            img = raw_imp_image(t, v, imp_enc or enc, mut)
            if len(img) >= BASE - 4096:
                continue
            calls.append({"fn": "raw-imp", "args": [(["list", "u8"], list(img))],
                          "expect": v if not mut.log else None, "mutations": mut.log, "value": v})
    # without strings, the order and arguments of realloc calls are fixed by
    # the spec: compare the guest's log of them after one call of each kind
    log = not W.contains(t, lambda x: x == "string")
    if log:
        seen = set()
        for c in calls:
            if c["fn"] in ("rt-mem", "rt-flat", "rt-multi", "via-imp") and c["fn"] not in seen and "then" not in c:
                seen.add(c["fn"])
                c["then"] = {"fn": "realloc-log", "args": [], "type": ["list", "u32"]}
    for c in calls:
        # pass the JS arguments in their other accepted forms (runner.mjs)
        c["loose"] = c["fn"] in ("rt-mem", "rt-flat", "rt-multi", "via-imp") and rng.random() < 0.4
        if c.get("expect") is not None:
            c["expect"] = W.normalize(t, c["expect"])
        if realloc_mode and realloc_mode != "grow":
            c["expect"] = None  # may trap
        if imp_enc and c["fn"] in ("via-imp", "raw-imp"):
            c["expect"] = None  # the strings are read in another encoding
    return {"type": t, "enc": enc, "imp_enc": imp_enc, "realloc": realloc_mode, "log": log, "calls": calls}


def load_known(path):
    known = {}
    if os.path.exists(path):
        for line in open(path):
            line = line.split("#", 1)[0].strip()
            if line:
                cid, _, reason = line.partition(" ")
                known[cid] = reason.strip()
    return known


def short(x, n=600):
    s = json.dumps(x, ensure_ascii=True) if not isinstance(x, str) else x
    return s if len(s) <= n else s[:n] + f"... ({len(s)} chars)"


def show_result(t, r):
    if r[0] == "ok":
        return "value " + short(W.to_json(t, r[1]))
    return f"{r[0]}: {r[1]}"


def call_input(t, call):
    if call["fn"] in ("raw", "raw-imp"):
        return "image " + short([W.to_json(pt, pv) for pt, pv in call["args"]], 300)
    if call["fn"] == "rt-multi":
        return short(W.to_json(t, call["value"]))
    return short(W.to_json(t, call["args"][0][1]))


def node_result(t, j):
    if "ok" in j:
        try:
            return ("ok", W.from_json(t, j["ok"]))
        except Exception as e:  # a shape outside the canonical form
            return ("error", f"unreadable result {short(j['ok'])}: {e}")
    if "trap" in j:
        return ("trap", j["trap"])
    return ("error", j.get("error", repr(j)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=None, help="number of cases (default 300, --long 3000)")
    ap.add_argument("--long", action="store_true")
    ap.add_argument("--case", action="append", help="run only this case: a number or a fixed case's name (repeatable)")
    ap.add_argument("--weft", default=os.environ.get("WEFT_BIN", os.path.join(REPO, "target/debug/weft")))
    ap.add_argument("--keep", action="store_true", help="keep the work directory (components, weft output)")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--stats", action="store_true", help="print outcome counts per call kind")
    ap.add_argument("--instantiation", choices=["sync", "async"], default="sync", help="weft's --instantiation mode")
    ap.add_argument("--minify", action="store_true", help="transpile with weft --minify")
    ap.add_argument("--compose", action="store_true",
                    help="each case's component calls `h` through a relay sub-component (calls between components)")
    ap.add_argument("--adapters", choices=["fused", "js"], default="fused", help="weft's --adapters mode")
    ap.add_argument("--node", default="node", help="the Node binary that runs weft's output")
    args = ap.parse_args()

    try:
        from pyhost import PyHost, identity_ok
    except ImportError as e:
        print(f"cannot import wasmtime ({e}): pip install -r {os.path.join(HERE, 'requirements.txt')}")
        return 2
    if not os.path.exists(args.weft):
        print(f"no weft binary at {args.weft}: run `cargo build`")
        return 2

    ncases = args.cases if args.cases is not None else (3000 if args.long else 300)
    ids = ([int(k) if k.isdigit() else k for k in args.case] if args.case
           else list(FIXED) + list(FIXED_RAW) + list(range(ncases)))
    known = load_known(os.path.join(HERE, "known_failures.txt"))
    work = tempfile.mkdtemp(prefix="weft-differential-")
    t0 = time.time()

    cases = {}
    for k in ids:
        c = gen_case(args.seed, k)
        c["id"] = f"{args.seed}/{k}"
        c["dir"] = os.path.join(work, f"c{k}")
        os.makedirs(c["dir"])
        make_wat = composed_wat if args.compose else component_wat
        c["wat"] = make_wat(c["type"], c["enc"], c["realloc"], c["imp_enc"], c["log"])
        with open(os.path.join(c["dir"], "c.wat"), "w") as f:
            f.write(c["wat"])
        cases[k] = c

    # weft transpile, 2 at a time
    def transpile(k):
        c = cases[k]
        p = subprocess.run([args.weft, "transpile", os.path.join(c["dir"], "c.wat"), "-o", os.path.join(c["dir"], "out"),
                            "--name", "c", "--instantiation", args.instantiation, "--no-typescript", "--quiet",
                            "--adapters", args.adapters]
                           + (["--minify"] if args.minify else []),
                           capture_output=True, text=True)
        return k, p.returncode, (p.stdout + p.stderr).strip()

    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        for k, rc, out in ex.map(transpile, ids):
            cases[k]["weft_error"] = out if rc != 0 else None

    # Node: all calls of all transpiled cases, in batches
    node_results = {}
    batch = []

    def flush():
        if not batch:
            return
        job = os.path.join(work, f"job{len(node_results)}.json")
        with open(job, "w") as f:
            json.dump({"components": batch}, f)
        p = subprocess.run([args.node, os.path.join(HERE, "runner.mjs"), job], capture_output=True, text=True)
        if p.returncode != 0:
            for comp in batch:
                for call in comp["calls"]:
                    node_results[call["id"]] = {"error": f"runner.mjs failed: {p.stderr.strip()[-2000:]}"}
        else:
            node_results.update(json.loads(p.stdout))
        batch.clear()

    for k in ids:
        c = cases[k]
        if c["weft_error"]:
            continue
        batch.append({"dir": os.path.join(c["dir"], "out"), "name": "c", "type": c["type"],
                      "calls": [{"id": f"{k}:{i}", "fn": call["fn"], "args": [W.to_json(pt, pv) for pt, pv in call["args"]],
                                 "loose": call.get("loose", False),
                                 **({"then": {"fn": call["then"]["fn"], "type": call["then"]["type"],
                                              "args": [W.to_json(pt, pv) for pt, pv in call["then"]["args"]]}}
                                    if call.get("then") else {})}
                                for i, call in enumerate(c["calls"])]})
        if len(batch) >= 100:
            flush()
    flush()

    # wasmtime, compare
    host = PyHost()
    passed = failed = known_failed = 0
    ncalls = nskipped = 0
    skip_reasons = {}
    outcomes = {}
    for k in ids:
        c = cases[k]
        t = c["type"]
        problems = []
        try:
            compiled = host.compile(c["wat"])
            wt_err = None
        except Exception as e:
            compiled, wt_err = None, str(e)
        if wt_err or c["weft_error"]:
            if not (wt_err and c["weft_error"]):
                problems.append(f"  compile: wasmtime {'error: ' + wt_err if wt_err else 'ok'}; "
                                f"weft {'error: ' + c['weft_error'] if c['weft_error'] else 'ok'}")
        else:
            imp_ok, imp_why = identity_ok(compiled, host)
            for i, call in enumerate(c["calls"]):
                if call["fn"] in ("via-imp", "raw-imp") and not imp_ok:
                    nskipped += 1
                    skip_reasons[imp_why] = skip_reasons.get(imp_why, 0) + 1
                    continue
                then = call.get("then")
                try:
                    pr = host.call(compiled, call["fn"], t, call["args"],
                                   (then["fn"], then["args"], then["type"]) if then else None)
                except Exception as e:
                    pr = ("error", f"harness (wasmtime side): {type(e).__name__}: {e}")
                    then = None
                if then and isinstance(pr[0], tuple):
                    pr, pr2 = pr
                    t2 = then["type"] or t
                    nr2 = node_result(t2, node_results.get(f"{k}:{i}:then", {"error": "no result from runner.mjs"}))
                    same2 = (pr2[0] == nr2[0] == "trap") or (pr2[0] == nr2[0] == "ok" and W.canon_eq(t2, pr2[1], nr2[1]))
                    if pr[0] != "unsupported" and pr2[0] != "unsupported" and (not same2 or pr2[0] == "error"):
                        inp = (short(W.to_json(t, then["args"][0][1])) if then["args"] else "()")
                        problems.append(f"  call {then['fn']} on the same instance, after call {call['fn']} "
                                        f"(wasmtime: {pr[0]})\n"
                                        f"    first call's input: {call_input(t, call)}\n"
                                        f"    input:    {inp}\n"
                                        f"    wasmtime: {show_result(t2, pr2)}\n    weft:     {show_result(t2, nr2)}")
                    okey = f"{then['fn']} after {pr[0]}"
                    outcomes.setdefault(okey, {})
                    outcomes[okey][pr2[0]] = outcomes[okey].get(pr2[0], 0) + 1
                if pr[0] == "unsupported":
                    nskipped += 1
                    skip_reasons[pr[1]] = skip_reasons.get(pr[1], 0) + 1
                    continue
                ncalls += 1
                okey = f"{call['fn']} {'mutated' if call.get('mutations') else 'valid'}"
                outcomes.setdefault(okey, {})
                outcomes[okey][pr[0]] = outcomes[okey].get(pr[0], 0) + 1
                nr = node_result(t, node_results.get(f"{k}:{i}", {"error": "no result from runner.mjs"}))
                same = (pr[0] == nr[0] == "trap") or (pr[0] == nr[0] == "ok" and W.canon_eq(t, pr[1], nr[1]))
                bad_echo = (same and pr[0] == "ok" and call.get("expect") is not None
                            and not W.canon_eq(t, pr[1], call["expect"]))
                bad_spec = call.get("spec") is not None and (pr[0] != call["spec"] or nr[0] != call["spec"])
                if not same or pr[0] == "error" or bad_echo or bad_spec:
                    lines = [f"  call {call['fn']}"]
                    if call["fn"] in ("raw", "raw-imp"):
                        if call["value"] is not None:
                            lines.append(f"    image of value: {short(W.to_json(t, call['value']))}")
                        lines.append(f"    mutations: {call['mutations'] or 'none'}; "
                                     f"args: {short([W.to_json(pt, pv) for pt, pv in call['args']], 300)}")
                    if call.get("loose"):
                        lines.append("    (JS arguments in their loose forms: plain arrays, null, sparse flags, Number u64)")
                    if call["fn"] in ("raw", "raw-imp"):
                        pass
                    elif call["fn"] == "rt-multi":
                        lines.append(f"    input:    {short(W.to_json(t, call['value']))} (as separate params)")
                    else:
                        lines.append(f"    input:    {short(W.to_json(t, call['args'][0][1]))}")
                    lines.append(f"    wasmtime: {show_result(t, pr)}")
                    lines.append(f"    weft:     {show_result(t, nr)}")
                    if bad_spec:
                        lines.append(f"    (the Canonical ABI spec says: {call['spec']})")
                    if bad_echo:
                        lines.append("    (both hosts agree but differ from the input: harness or shared bug)")
                    problems.append("\n".join(lines))
                elif args.verbose:
                    print(f"ok {c['id']} {call['fn']}: {pr[0]}")
        kid = c["id"] if c["id"] in known else f"*/{k}"
        if problems:
            tag = "KNOWN FAILURE" if kid in known else "MISMATCH"
            print(f"{tag} case {c['id']} (reproduce: --seed {args.seed} --case {k})")
            if kid in known:
                print(f"  known: {known[kid]}")
            print(f"  type: {W.type_str(t)}   string-encoding={c['enc']}"
                  + (f" (import h: {c['imp_enc']})" if c["imp_enc"] else "")
                  + (f"   realloc: {c['realloc']} on its first call" if c["realloc"] else ""))
            for p in problems:
                print(p)
            if kid in known:
                known_failed += 1
            else:
                failed += 1
        else:
            passed += 1
            if kid in known:
                print(f"note: known failure {kid} passed now ({known[kid]})")

    if args.verbose or args.stats:
        for key, d in sorted(outcomes.items()):
            print(f"  {key}: " + ", ".join(f"{n} {o} (wasmtime)" for o, n in sorted(d.items())))
    for why, n in sorted(skip_reasons.items()):
        print(f"skipped {n} call(s): {why}")
    if args.keep:
        print(f"work directory: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(f"seed {args.seed}: {len(ids)} cases, {ncalls} calls compared, {nskipped} skipped, "
          f"{known_failed} known failure(s), {time.time() - t0:.1f}s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
