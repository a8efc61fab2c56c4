//! The async ABI costs nothing when unused: a component without async
//! features gets glue with none of the async runtime, and one that uses it
//! gets only what it needs (JSPI code only where a stack may block).

use weft::{transpile, Instantiation, TranspileOptions};

fn transpiled(wat: &str) -> weft::Transpiled {
    let bytes = wat::parse_str(wat).expect("valid component text");
    let opts = TranspileOptions {
        instantiation: Instantiation::Async,
        typescript: false,
        ..TranspileOptions::default()
    };
    transpile(&bytes, &opts).expect("transpiles")
}

fn glue(wat: &str) -> String {
    String::from_utf8(transpiled(wat).files[0].contents.clone()).unwrap()
}

const BLOCKING: &str = r#"(component
    (core module $mem (memory (export "mem") 1))
    (core instance $mi (instantiate $mem))
    (core func $wait (canon waitable-set.wait (memory (core memory $mi "mem"))))
    (core func $new (canon waitable-set.new))
    (core module $m
      (import "" "wait" (func $wait (param i32 i32) (result i32)))
      (import "" "new" (func $new (result i32)))
      (func (export "f") (result i32) (call $wait (call $new) (i32.const 0))))
    (core instance $i (instantiate $m (with "" (instance (export "wait" (func $wait)) (export "new" (func $new))))))
    (func (export "run") async (result u32) (canon lift (core func $i "f"))))"#;

const ASYNC_RUNTIME: &[&str] = &[
    "class Store",
    "AsyncInstance",
    "callFromHost",
    "enterSync",
    "promisingEntry",
    "suspendingImport",
    "WebAssembly.Suspending",
    "WebAssembly.promising",
];

#[test]
fn a_sync_component_carries_no_async_code() {
    let js = glue(
        r#"(component
            (core module $m (func (export "f") (param i32) (result i32) local.get 0))
            (core instance $i (instantiate $m))
            (func (export "id") (param "x" u32) (result u32) (canon lift (core func $i "f"))))"#,
    );
    for name in ASYNC_RUNTIME {
        assert!(!js.contains(name), "sync glue mentions `{name}`");
    }
}

#[test]
fn a_callback_async_component_needs_no_jspi() {
    let js = glue(
        r#"(component
            (core module $m
              (import "" "task.return" (func $ret (param i32)))
              (func (export "f") (param i32) (result i32) (call $ret (local.get 0)) (i32.const 0))
              (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
            (core func $ret (canon task.return (result u32)))
            (core instance $i (instantiate $m (with "" (instance (export "task.return" (func $ret))))))
            (func (export "id") async (param "x" u32) (result u32)
              (canon lift (core func $i "f") async (callback (core func $i "cb")))))"#,
    );
    assert!(js.contains("class Store") && js.contains("function startFromHost"));
    for name in [
        "function suspendingImport",
        "function promisingEntry",
        "store.jspi =",
    ] {
        assert!(!js.contains(name), "callback-only glue contains `{name}`");
    }
}

#[test]
fn a_blocking_wait_brings_in_jspi_only_for_its_instance() {
    let js = glue(BLOCKING);
    assert!(js.contains("store.jspi = HAS_JSPI"));
    assert!(js.contains("suspendingImport(store, bi0, 'ii', 'i')"));
    assert!(js.contains("promisingEntry(store, cf0, '', 'i')"));
}

#[test]
fn transpile_notes_when_a_component_may_need_jspi() {
    let w = transpiled(BLOCKING).warnings;
    assert!(
        w.iter()
            .any(|w| w.contains("1 core instance(s) may block") && w.contains("JSPI")),
        "{w:?}"
    );
    let plain = transpiled(
        r#"(component
            (core module $m (func (export "f") (param i32) (result i32) local.get 0))
            (core instance $i (instantiate $m))
            (func (export "id") (param "x" u32) (result u32) (canon lift (core func $i "f"))))"#,
    );
    assert!(plain.warnings.is_empty(), "{:?}", plain.warnings);
}
