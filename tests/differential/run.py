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

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))

from encode import BASE, MEM_SIZE, Mut, raw_image, raw_imp_image  # noqa: E402
from wat import component_wat  # noqa: E402
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


def gen_case(seed, k):
    """The type, string encoding and calls of case k of seed (k an int, or a
    name from FIXED)."""
    rng = random.Random(f"weft-differential:{seed}:{k}")
    values = None
    realloc_mode = None
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
        raws[-1]["then"] = {"fn": "rt-mem", "args": [(t, v), (["tuple", ["u8"] * 16], pad)]}
    if len(flat) <= 16:
        for i in range(3):
            v = W.random_value(rng, t)
            mut = Mut(rng, 0 if i == 0 else rng.choice([0.05, 0.15, 0.3]))
            img = raw_imp_image(t, v, enc, mut)
            if len(img) >= BASE - 4096:
                continue
            calls.append({"fn": "raw-imp", "args": [(["list", "u8"], list(img))],
                          "expect": v if not mut.log else None, "mutations": mut.log, "value": v})
    for c in calls:
        if c.get("expect") is not None:
            c["expect"] = W.normalize(t, c["expect"])
        if realloc_mode and realloc_mode != "grow":
            c["expect"] = None  # may trap
    return {"type": t, "enc": enc, "realloc": realloc_mode, "calls": calls}


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
    ids = [int(k) if k.isdigit() else k for k in args.case] if args.case else list(FIXED) + list(range(ncases))
    known = load_known(os.path.join(HERE, "known_failures.txt"))
    work = tempfile.mkdtemp(prefix="weft-differential-")
    t0 = time.time()

    cases = {}
    for k in ids:
        c = gen_case(args.seed, k)
        c["id"] = f"{args.seed}/{k}"
        c["dir"] = os.path.join(work, f"c{k}")
        os.makedirs(c["dir"])
        c["wat"] = component_wat(c["type"], c["enc"], c["realloc"])
        with open(os.path.join(c["dir"], "c.wat"), "w") as f:
            f.write(c["wat"])
        cases[k] = c

    # weft transpile, 2 at a time
    def transpile(k):
        c = cases[k]
        p = subprocess.run([args.weft, "transpile", os.path.join(c["dir"], "c.wat"), "-o", os.path.join(c["dir"], "out"),
                            "--name", "c", "--instantiation", "sync", "--no-typescript", "--quiet"],
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
        p = subprocess.run(["node", os.path.join(HERE, "runner.mjs"), job], capture_output=True, text=True)
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
                                 **({"then": {"fn": call["then"]["fn"],
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
                                   (then["fn"], then["args"]) if then else None)
                except Exception as e:
                    pr = ("error", f"harness (wasmtime side): {type(e).__name__}: {e}")
                    then = None
                if then and isinstance(pr[0], tuple):
                    pr, pr2 = pr
                    nr2 = node_result(t, node_results.get(f"{k}:{i}:then", {"error": "no result from runner.mjs"}))
                    same2 = (pr2[0] == nr2[0] == "trap") or (pr2[0] == nr2[0] == "ok" and W.canon_eq(t, pr2[1], nr2[1]))
                    if pr2[0] != "unsupported" and (not same2 or pr2[0] == "error"):
                        problems.append(f"  call {then['fn']} on the same instance, after call {call['fn']} "
                                        f"(wasmtime: {pr[0]})\n"
                                        f"    input:    {short(W.to_json(t, then['args'][0][1]))}\n"
                                        f"    wasmtime: {show_result(t, pr2)}\n    weft:     {show_result(t, nr2)}")
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
                if not same or pr[0] == "error" or bad_echo:
                    lines = [f"  call {call['fn']}"]
                    if call["fn"] in ("raw", "raw-imp"):
                        lines.append(f"    image of value: {short(W.to_json(t, call['value']))}")
                        lines.append(f"    mutations: {call['mutations'] or 'none'}; "
                                     f"args: {short([W.to_json(pt, pv) for pt, pv in call['args']], 300)}")
                    elif call["fn"] == "rt-multi":
                        lines.append(f"    input:    {short(W.to_json(t, call['value']))} (as separate params)")
                    else:
                        lines.append(f"    input:    {short(W.to_json(t, call['args'][0][1]))}")
                    lines.append(f"    wasmtime: {show_result(t, pr)}")
                    lines.append(f"    weft:     {show_result(t, nr)}")
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
