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
fn handles_fall_back() {
    use ValType::*;
    assert!(!covered(&Own(0)));
    assert!(!covered(&List(Box::new(Borrow(0)))));
    assert!(!covered(&Map(Box::new(String), Box::new(U8))));
    assert!(covered(&List(Box::new(String))));
}

#[test]
fn utf8_validator_validates() {
    let f = utf8::validator(0);
    let mut bytes = Vec::new();
    let imports: Vec<ImportSig> = vec![("m", None)];
    bytes.extend(assemble(&imports, vec![((vec![W::I32; 2], vec![]), f)]));
    validate(&bytes);
}

/// The validators against `TextDecoder` (fatal) in Node: every string of a
/// seeded random mix of ASCII, valid and invalid sequences, at every offset
/// within 16-byte blocks and with every tail length.
#[test]
fn utf8_validators_agree_with_text_decoder() {
    let imports: Vec<ImportSig> = vec![("m", None)];
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
