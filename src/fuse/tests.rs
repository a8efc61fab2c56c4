//! Every generated adapter must validate (with multi-memory and exceptions),
//! and uncovered cases must fall back.

use super::body::{build, Side, Spec};
use super::*;
use crate::types::FuncType;

fn def(name: &str) -> CoreDef {
    CoreDef::Export {
        instance: 0,
        name: name.into(),
    }
}

fn spec(params: Vec<ValType>, result: Option<ValType>) -> Spec {
    let side = |inst| Side {
        realloc: Some(Import::Realloc {
            inst,
            def: def("realloc"),
        }),
        memory: Some(def("memory")),
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
            inst: 1,
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
        | wasmparser::WasmFeatures::LEGACY_EXCEPTIONS;
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
        (vec![List(Box::new(point.clone()))], Some(List(Box::new(point.clone())))),
        (vec![point.clone()], Some(point.clone())),
        (vec![List(Box::new(String)); 9], None),
        (
            vec![Flags((0..40).map(|i| format!("f{i}")).collect())],
            Some(Option(Box::new(String))),
        ),
        (vec![], Some(Result(Some(Box::new(String)), Some(Box::new(U8))))),
        (vec![FixedList(Box::new(U8), 3), FixedList(Box::new(Char), 2)], None),
        // flat variants: joined slots (i32/f32 -> i32, anything with 64 bits -> i64)
        (vec![Option(Box::new(U8)), Result(Some(Box::new(F32)), Some(Box::new(String)))], None),
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
    let imports: Vec<(&'static str, Option<(Vec<W>, Vec<W>)>)> = vec![("m", None)];
    bytes.extend(assemble(&imports, vec![((vec![W::I32; 2], vec![]), f)]));
    validate(&bytes);
}
