//! Every generated adapter must validate (with multi-memory and exceptions),
//! and uncovered cases must fall back.

use super::body::{build, Side, Spec};
use super::*;
use crate::plan::{CoreInstanceIdx, Idx, StringEncoding};
use crate::types::FuncType;

fn def(name: &str) -> CoreDef {
    CoreDef::Export {
        instance: CoreInstanceIdx::new(0),
        name: name.into(),
    }
}

fn spec(params: Vec<ValType>, result: Option<ValType>) -> Spec {
    let side = |inst: usize| Side {
        realloc: Some(Import::Realloc {
            inst: ComponentInstanceIdx::new(inst),
            def: def("realloc"),
        }),
        memory: Some(def("memory")),
        encoding: StringEncoding::Utf8,
    };
    Spec {
        ty: FuncType {
            params: params
                .into_iter()
                .enumerate()
                .map(|(i, t)| (format!("p{i}"), t))
                .collect(),
            result,
            is_async: false,
        },
        caller: side(0),
        callee: side(1),
        post_return: Some(Import::PostReturn {
            inst: ComponentInstanceIdx::new(1),
            def: def("post"),
            nargs: 1,
        }),
        guard_exceptions: true,
        flags: Some(InlineFlags {
            may_leave: 1,
            entering: vec![2],
        }),
        handles: Default::default(),
        callee_core: def("f"),
    }
}

fn validate(bytes: &[u8]) {
    let features = wasmparser::WasmFeatures::default()
        | wasmparser::WasmFeatures::MULTI_MEMORY
        | wasmparser::WasmFeatures::LEGACY_EXCEPTIONS
        | wasmparser::WasmFeatures::SIMD;
    wasmparser::Validator::new_with_features(features)
        .validate_all(bytes)
        .unwrap_or_else(|e| panic!("invalid adapter: {e}"));
}

fn record(ts: &[ValType]) -> ValType {
    ValType::Record(
        ts.iter()
            .enumerate()
            .map(|(i, t)| (format!("f{i}"), t.clone()))
            .collect(),
    )
}

#[test]
fn adapters_validate() {
    use ValType::*;
    let point = record(&[F64, F64, String]);
    let cases: Vec<(Vec<ValType>, std::option::Option<ValType>)> = vec![
        (vec![String], Some(String)),
        (vec![S32], Some(Enum(vec!["a".into(), "b".into()]))),
        (vec![Bool, U8, S8, U16, S16, Char, F32, U64], Some(Bool)),
        (vec![List(Box::new(U8))], Some(U32)),
        (
            vec![List(Box::new(point.clone()))],
            Some(List(Box::new(point.clone()))),
        ),
        (vec![point.clone()], Some(point.clone())),
        (vec![List(Box::new(String)); 9], None),
        (
            vec![Flags((0..40).map(|i| format!("f{i}")).collect())],
            Some(Option(Box::new(String))),
        ),
        (
            vec![],
            Some(Result(Some(Box::new(String)), Some(Box::new(U8)))),
        ),
        (
            vec![FixedList(Box::new(U8), 3), FixedList(Box::new(Char), 2)],
            None,
        ),
        // flat variants: joined slots (i32/f32 -> i32, anything with 64 bits -> i64)
        (
            vec![
                Option(Box::new(U8)),
                Result(Some(Box::new(F32)), Some(Box::new(String))),
            ],
            None,
        ),
        (
            vec![Variant(vec![
                ("a".into(), Some(F32)),
                ("b".into(), Some(F64)),
                ("c".into(), None),
                ("d".into(), Some(Tuple(vec![Bool, U64]))),
            ])],
            Some(Variant(vec![("x".into(), None), ("y".into(), None)])),
        ),
    ];
    for (params, result) in cases {
        let (bytes, imports) = build(&spec(params.clone(), result.clone()))
            .unwrap_or_else(|| panic!("not covered: {params:?} -> {result:?}"));
        validate(&bytes);
        assert!(imports.iter().any(|(n, _)| *n == "callee"));
    }
}

#[test]
fn uncovered_types_fall_back() {
    use ValType::*;
    assert!(covered(&Own(0)));
    assert!(covered(&List(Box::new(Borrow(0)))));
    assert!(!covered(&Map(Box::new(String), Box::new(U8))));
    assert!(!covered(&Option(Box::new(Stream(None)))));
    assert!(covered(&List(Box::new(String))));
}

/// Resource 0 implemented by the callee (instance 1), resource 1 by instance 2.
fn handle_spec(params: Vec<ValType>, result: std::option::Option<ValType>) -> Spec {
    let mut plan = Plan::default();
    for imp in [1, 2] {
        plan.resources.push(crate::plan::ResourceType {
            impl_instance: Some(ComponentInstanceIdx::new(imp)),
            dtor: None,
            host: None,
            name: "r".into(),
        });
    }
    let mut s = spec(params, result);
    let (caller, callee) = (ComponentInstanceIdx::new(0), ComponentInstanceIdx::new(1));
    s.handles = handles::Handles::new(&plan, &s.ty, caller, callee);
    s
}

/// The names of an adapter's handle helper imports, in order.
fn handle_imports(imports: &Imports) -> Vec<&str> {
    (imports.iter())
        .filter(|(_, i)| matches!(i, Import::Handle { .. }))
        .map(|(n, _)| n.as_str())
        .collect()
}

#[test]
fn handle_adapters_validate_with_one_helper_per_operation_and_resource() {
    use ValType::*;
    let params = vec![
        Own(0),
        Borrow(0),
        List(Box::new(Borrow(1))),
        Option(Box::new(Own(1))),
        record(&[Own(0), String, Borrow(1)]),
    ];
    let result = Some(Tuple(vec![Own(1), List(Box::new(Own(0)))]));
    let (bytes, imports) = build(&handle_spec(params, result)).expect("covered");
    validate(&bytes);
    // Owns of both types move too: the borrows are lent, so that moving them traps.
    let want = [
        "own_in0",
        "own_in1",
        "own_out0",
        "own_out1",
        "lend_rep0",
        "lend_borrow1",
        "end",
        "abort",
    ];
    assert_eq!(handle_imports(&imports), want);
    // Borrows only: nothing can see a lend; borrow handles are checked at the end.
    let (bytes, imports) = build(&handle_spec(vec![Borrow(0), Own(1)], None)).unwrap();
    validate(&bytes);
    assert_eq!(handle_imports(&imports), ["own_in1", "rep0"]);
    // Owns only: nothing is lent, so no end or abort.
    let (bytes, imports) = build(&handle_spec(vec![Own(1)], Some(Own(0)))).unwrap();
    validate(&bytes);
    assert_eq!(handle_imports(&imports), ["own_in1", "own_out0"]);
    // Spilled params (17 flat values) and a spilled result carrying handles.
    let mut wide = vec![Borrow(1)];
    wide.extend(std::iter::repeat_n(U64, 16));
    let result = Some(Option(Box::new(Tuple(vec![Own(0), Own(0)]))));
    let (bytes, imports) = build(&handle_spec(wide, result)).unwrap();
    validate(&bytes);
    assert_eq!(
        handle_imports(&imports),
        ["own_out0", "borrow1", "end", "abort"]
    );
}

#[test]
fn utf8_validator_validates() {
    let f = utf8::validator(0);
    let mut bytes = Vec::new();
    let imports: Vec<ImportSig> = vec![("m".into(), None)];
    bytes.extend(assemble(&imports, vec![((vec![W::I32; 2], vec![]), f)]));
    validate(&bytes);
}

/// The validators against `TextDecoder` (fatal) in Node: every string of a
/// seeded random mix of ASCII, valid and invalid sequences, at every offset
/// within 16-byte blocks and with every tail length.
#[test]
fn utf8_validators_agree_with_text_decoder() {
    let imports: Vec<ImportSig> = vec![("m".into(), None)];
    let sig = || (vec![W::I32; 2], vec![]);
    let bytes = assemble(
        &imports,
        vec![
            (sig(), utf8::simd_validator(0, 1)),
            (sig(), utf8::validator(0)),
        ],
    );
    validate(&bytes);
    let dir = std::env::temp_dir().join(format!("weft-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("v.wasm"), &bytes).unwrap();
    let script = r#"
const fs = require('fs');
const mem = new WebAssembly.Memory({ initial: 1 });
const inst = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(process.argv[2])), { '': { m: mem } });
const u8 = new Uint8Array(mem.buffer);
const dec = new TextDecoder('utf-8', { fatal: true });
const pieces = ['a', 'é', '€', '😀', 'xyzw1234', '\u07ff', '\u0800', '\uffff', '\u{10000}', '\u{10ffff}']
  .map((s) => [...Buffer.from(s)]);
const bad = [[0x80], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf0, 0x80, 0x80, 0x80],
  [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xff], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xc3]];
let seed = 7;
const rnd = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff; return (seed >>> 8) % n; };
let checked = 0, mismatches = 0, invalid = 0, long = 0;
for (let c = 0; c < 4000; c++) {
  const out = [];
  const n = rnd(40);
  for (let i = 0; i < n; i++) out.push(...pieces[rnd(pieces.length)]);
  if (rnd(2)) out.splice(rnd(out.length + 1), 0, ...bad[rnd(bad.length)]);
  if (rnd(4) === 0) out.length = rnd(out.length + 1);
  const off = rnd(8) === 0 ? rnd(3) : 64 + rnd(17); // also right at address 0
  u8.set(out, off);
  let want = true; try { dec.decode(u8.subarray(off, off + out.length)); } catch { want = false; }
  let got = true; try { inst.exports.adapter(off, out.length); } catch { got = false; }
  checked++; if (!want) invalid++; if (out.length >= 32) long++;
  if (got !== want) { mismatches++; if (mismatches < 5) console.error('mismatch', JSON.stringify(out), 'want', want); }
}
console.log(JSON.stringify({ checked, mismatches, invalid, long }));
"#;
    std::fs::write(dir.join("t.js"), script).unwrap();
    let out = std::process::Command::new("node")
        .arg(dir.join("t.js"))
        .arg(dir.join("v.wasm"))
        .output()
        .expect("node");
    std::fs::remove_dir_all(&dir).unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("\"mismatches\":0"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Enough invalid and multi-block strings that both paths are exercised.
    let v: Vec<u64> = stdout
        .trim()
        .trim_matches(|c| c == '{' || c == '}')
        .split(',')
        .map(|kv| kv.split(':').nth(1).unwrap().parse().unwrap())
        .collect();
    assert_eq!(v[0], 4000);
    assert!(v[2] > 1000 && v[3] > 1000, "{stdout}");
}

/// Every encoding pair's string function against the JS adapter's lift and
/// store (`js-runtime/intrinsics/{utf8,utf16,latin1,transcode}.js`, which
/// compose.test.js checks against the spec) in Node, one memory serving as
/// source and destination: a seeded random mix of ASCII, latin1, BMP and
/// astral strings (runs long enough for the SIMD paths), empty strings, bad
/// utf8, unpaired surrogates, misaligned and out-of-bounds pointers, lengths
/// above the limit, and reallocs returning misaligned or out-of-bounds
/// pointers. Both must trap on the same inputs, and otherwise make the same
/// realloc calls, return the same (pointer, tagged length) and write the same
/// bytes.
#[test]
fn transcoders_agree_with_the_js_adapter() {
    use crate::plan::StringEncoding as E;
    let encs = [(E::Utf8, "0"), (E::Utf16, "1"), (E::Latin1Utf16, "2")];
    let dir = std::env::temp_dir().join(format!("weft-transcode-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let imports: Vec<ImportSig> = vec![
        ("realloc".to_string(), Some((vec![W::I32; 4], vec![W::I32]))),
        ("m".to_string(), None),
    ];
    for (src, s) in encs {
        for (dst, d) in encs {
            let strings = transcode::Strings {
                src_mem: 0,
                dst_mem: 0,
                src,
                dst,
                realloc: 0,
                validate_utf8: 3,
            };
            let bytes = assemble(
                &imports,
                vec![
                    (
                        (vec![W::I32; 2], vec![W::I32; 2]),
                        transcode::store(&strings),
                    ),
                    ((vec![W::I32; 2], vec![]), utf8::validator(0)),
                    ((vec![W::I32; 2], vec![]), utf8::simd_validator(0, 2)),
                ],
            );
            validate(&bytes);
            std::fs::write(dir.join(format!("t{s}{d}.wasm")), &bytes).unwrap();
        }
    }
    let runtime = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("js-runtime/intrinsics");
    let script = TRANSCODE_CHECK.replace("RUNTIME", &runtime.display().to_string());
    std::fs::write(dir.join("t.mjs"), script).unwrap();
    let out = std::process::Command::new("node")
        .arg(dir.join("t.mjs"))
        .arg(&dir)
        .output()
        .expect("node");
    std::fs::remove_dir_all(&dir).unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    // `thin`: pairs without enough valid, trapping or long (>= 32 bytes) inputs.
    assert!(
        out.status.success() && stdout.contains("\"mismatches\":0,\"thin\":[]"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const TRANSCODE_CHECK: &str = r#"
import { readFileSync } from 'node:fs';
import { memoryState } from 'RUNTIME/memory.js';
import { utf8Decode } from 'RUNTIME/utf8.js';
import { utf16Decode } from 'RUNTIME/utf16.js';
import { latin1Decode } from 'RUNTIME/latin1.js';
import * as tc from 'RUNTIME/transcode.js';
const dir = process.argv[2];
const TAG = 0x80000000;
const mem = new WebAssembly.Memory({ initial: 4 });
const m = memoryState();
m.mem = mem;
let seed = 11;
const rnd = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff; return (seed >>> 8) % n; };
// realloc: a logging bump allocator from 64 KiB (growing copies the old bytes);
// call `bad.at` returns a misaligned (bad.kind 1) or out-of-bounds (2) pointer.
let top, log, bad, calls;
function realloc(old, osize, align, nsize) {
  log.push([old, osize, align, nsize]);
  calls++;
  let p;
  if (old !== 0 && nsize <= osize) p = old;
  else {
    p = (top + align - 1) & -align;
    top = p + nsize;
    const u8 = new Uint8Array(mem.buffer);
    if (old !== 0) u8.copyWithin(p, old, old + osize);
  }
  if (calls === bad.at) p = bad.kind === 1 ? p + 1 : mem.buffer.byteLength - 1;
  return p;
}
const pieces = ['a', 'xyz', 'Hello, world! 0123456789', 'é', 'ÿ', 'ü', '☃', '語', '€', '🎉', '𝄞', 'a'.repeat(40), 'é'.repeat(20), '語'.repeat(20)];
function randomString() {
  let s = '';
  const n = rnd(8);
  for (let i = 0; i < n; i++) s += pieces[rnd(pieces.length)];
  return s;
}
const isLatin1 = (s) => [...s].every((c) => c.codePointAt(0) < 256);
// The source bytes and (tagged) length of `s` in encoding `enc`, maybe broken.
function encode(s, enc) {
  let bytes, len;
  if (enc === 0) {
    bytes = [...Buffer.from(s)];
    if (rnd(10) === 0) bytes.splice(rnd(bytes.length + 1), 0, ...[[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xe2, 0x82]][rnd(4)]);
    len = bytes.length;
  } else {
    const latin1 = enc === 2 && isLatin1(s) && rnd(3) !== 0;
    let units = [...s].flatMap((c) => { const u = []; for (let i = 0; i < c.length; i++) u.push(c.charCodeAt(i)); return u; });
    if (latin1) {
      bytes = units;
      len = units.length;
    } else {
      if (rnd(10) === 0) units.splice(rnd(units.length + 1), 0, [0xd800, 0xdc00, 0xdbff][rnd(3)]);
      bytes = units.flatMap((u) => [u & 0xff, u >> 8]);
      len = enc === 2 ? (units.length | TAG) >>> 0 : units.length;
    }
  }
  return { bytes, len };
}
const lift = (enc, ptr, len) => {
  const s = enc === 0 ? utf8Decode(m, ptr, len) : enc === 1 ? utf16Decode(m, ptr, len) : latin1Decode(m, ptr, len);
  return tc.taggedString(s, enc, len);
};
function byteLen(enc, len) {
  if (enc === 0) return len;
  if (enc === 1 || len & TAG) return 2 * ((len & ~TAG) >>> 0);
  return len;
}
const pairs = {};
let mismatches = 0;
for (const src of [0, 1, 2]) {
  for (const dst of [0, 1, 2]) {
    const key = `${src}${dst}`;
    const inst = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(`${dir}/t${key}.wasm`)), { '': { realloc, m: mem } });
    const counts = (pairs[key] = [0, 0, 0]);
    for (let c = 0; c < 1500; c++) {
      const s = randomString();
      const { bytes, len: len0 } = encode(s, src);
      let ptr = 64 + 2 * rnd(8);
      let len = len0;
      const r = rnd(40);
      if (r === 0) ptr += 1; // misaligned (utf16, latin1+utf16)
      if (r === 1) ptr = mem.buffer.byteLength - bytes.length + 1; // out of bounds
      if (r === 2) len = src === 0 ? 2 ** 28 : src === 1 ? 2 ** 27 : len0 & TAG ? (2 ** 27 | TAG) >>> 0 : 2 ** 28;
      if (r === 3) len = src === 0 ? 2 ** 28 - 1 : src === 1 ? 2 ** 27 - 1 : len0 & TAG ? (2 ** 27 - 1 | TAG) >>> 0 : 2 ** 28 - 1;
      const badAt = rnd(10) === 0 ? { at: 1 + rnd(3), kind: 1 + rnd(2) } : { at: 0 };
      const run = (f) => {
        const u8 = new Uint8Array(mem.buffer);
        u8.fill(0);
        if (ptr + bytes.length <= u8.length) u8.set(bytes, ptr);
        top = 65536;
        log = [];
        calls = 0;
        bad = badAt;
        try {
          const [p, l] = f();
          const out = [...new Uint8Array(mem.buffer, p >>> 0, byteLen(dst, l >>> 0))];
          return { p: p >>> 0, l: l >>> 0, out, log };
        } catch (e) {
          if (!(e instanceof WebAssembly.RuntimeError)) throw e;
          return { trap: true, log };
        }
      };
      const got = run(() => inst.exports.adapter(ptr, len));
      const want = run(() => {
        const p = tc.storeString(lift(src, ptr, len), m, realloc, dst);
        return [p, tc.transcodedLen];
      });
      const same = JSON.stringify(got) === JSON.stringify(want);
      if (!same && mismatches++ < 5) console.error(key, JSON.stringify(s), ptr, len, '\n got', JSON.stringify(got).slice(0, 400), '\nwant', JSON.stringify(want).slice(0, 400));
      counts[want.trap ? 1 : 0]++;
      if (bytes.length >= 32 && !want.trap) counts[2]++;
    }
  }
}
const thin = Object.keys(pairs).filter((k) => !(pairs[k][0] > 300 && pairs[k][1] > 100 && pairs[k][2] > 100));
console.log(JSON.stringify({ mismatches, thin, pairs }));
"#;
