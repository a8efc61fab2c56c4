//! What a call from the host pays to enter a component instance, read off the
//! glue: an export whose core function reaches no core import (no JS can run
//! inside it) only checks the flags, and in an async component takes no
//! thread; one that reaches an import keeps the whole protocol.
//! The behaviour behind both shapes: tests/node/entry.test.js and
//! tests/node/async-trap.test.js.

use weft::{transpile, Instantiation, TranspileOptions};

fn glue(wat: &str) -> String {
    let bytes = wat::parse_str(wat).expect("valid component text");
    let opts = TranspileOptions {
        instantiation: Instantiation::Async,
        typescript: false,
        ..TranspileOptions::default()
    };
    let out = transpile(&bytes, &opts).expect("transpiles");
    String::from_utf8(out.files[0].contents.clone()).unwrap()
}

/// The body of `function <name>(` in `js`, up to the next top-level function.
fn function<'a>(js: &'a str, name: &str) -> &'a str {
    let start = js
        .find(&format!("function {name}("))
        .unwrap_or_else(|| panic!("no {name} in\n{js}"));
    let rest = &js[start..];
    let end = rest[1..]
        .find("\n  function ")
        .map_or(rest.len(), |e| e + 1);
    &rest[..end]
}

#[test]
fn only_the_export_that_reaches_the_host_clears_its_flag() {
    let js = glue(
        r#"(component
            (import "cb" (func $cb (param "x" s32) (result s32)))
            (core func $cb_low (canon lower (func $cb)))
            (core module $m
              (import "host" "cb" (func $cb (param i32) (result i32)))
              (func $twice (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
              (func $via (param i32) (result i32) (call $cb (local.get 0)))
              (func (export "pure") (param i32) (result i32) (call $twice (local.get 0)))
              (func (export "host") (param i32) (result i32) (call $via (local.get 0))))
            (core instance $i (instantiate $m (with "host" (instance (export "cb" (func $cb_low))))))
            (func (export "pure") (param "x" s32) (result s32) (canon lift (core func $i "pure")))
            (func (export "host") (param "x" s32) (result s32) (canon lift (core func $i "host"))))"#,
    );
    let (pure, host) = (function(&js, "lift0"), function(&js, "lift1"));
    assert!(
        pure.contains("'pure: param x'") && !pure.contains("me0 = "),
        "{pure}"
    );
    assert!(
        host.contains("'host: param x'") && host.contains("me0 = false;"),
        "{host}"
    );
}

#[test]
fn in_an_async_component_only_the_export_that_calls_a_builtin_takes_a_thread() {
    let js = glue(
        r#"(component
            (core func $get (canon context.get i32 0))
            (core module $m
              (import "" "get" (func $get (result i32)))
              (func (export "pure") (result i32) (i32.const 7))
              (func (export "ctx") (result i32) (call $get)))
            (core instance $i (instantiate $m (with "" (instance (export "get" (func $get))))))
            (func (export "pure") (result u32) (canon lift (core func $i "pure")))
            (func (export "ctx") (result u32) (canon lift (core func $i "ctx"))))"#,
    );
    let (pure, ctx) = (function(&js, "lift0"), function(&js, "lift1"));
    assert!(
        !pure.contains("enterSync") && pure.contains("store.fail(e)"),
        "{pure}"
    );
    assert!(
        ctx.contains("const thread = enterSync(") && ctx.contains("leaveSync(thread)"),
        "{ctx}"
    );
}
