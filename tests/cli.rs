//! The command line: bad input gets one clear error line, exit code 1 and no
//! output directory; good input writes the glue, core modules and types.

use std::path::PathBuf;
use std::process::Command;

fn weft() -> Command {
    Command::new(env!("CARGO_BIN_EXE_weft"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("weft-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn fails_cleanly(input_name: &str, contents: &[u8], expect: &str) {
    let dir = tmp(input_name);
    let input = dir.join(input_name);
    std::fs::write(&input, contents).unwrap();
    let out_dir = dir.join("out");
    let out = weft()
        .arg("transpile")
        .arg(&input)
        .arg("-o")
        .arg(&out_dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{input_name}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one error line: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains(expect),
        "{input_name}: expected `{expect}` in: {stderr}"
    );
    assert!(!out_dir.exists(), "no partial output for {input_name}");
}

#[test]
fn core_module_is_rejected() {
    let core = wat::parse_str("(module (func (export \"f\")))").unwrap();
    fails_cleanly(
        "core.wasm",
        &core,
        "core WebAssembly module, not a component",
    );
}

#[test]
fn garbage_and_truncated_input_are_rejected() {
    fails_cleanly(
        "garbage.wasm",
        &[0x13, 0x37, 0xff, 0x00, 0x42],
        "not a WebAssembly binary",
    );
    let comp = wat::parse_str("(component (core module (func (export \"f\"))))").unwrap();
    fails_cleanly("trunc.wasm", &comp[..comp.len() - 5], "byte offset");
    fails_cleanly("bad.wat", b"(component (func $nope))", "bad.wat");
}

#[test]
fn unsupported_features_name_what_and_where() {
    fails_cleanly(
        "res.wat",
        b"(component (import \"c\" (component)))",
        "unsupported: ",
    );
}

#[test]
fn transpile_writes_glue_and_core_modules() {
    let dir = tmp("ok");
    let input =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/glue/strings-lists/input.wat");
    let out_dir = dir.join("out");
    let out = weft()
        .args(["transpile", "--quiet", "--name", "demo", "-o"])
        .arg(&out_dir)
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "--quiet prints nothing");
    assert!(out_dir.join("demo.js").exists());
    assert!(out_dir.join("demo.core.wasm").exists());
    let inline = dir.join("inline");
    let out = weft()
        .args([
            "transpile",
            "-q",
            "--base64-cutoff",
            "100000",
            "--name",
            "demo",
            "-o",
        ])
        .arg(&inline)
        .arg(&input)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        !inline.join("demo.core.wasm").exists(),
        "small modules are inlined"
    );
    let js = std::fs::read_to_string(inline.join("demo.js")).unwrap();
    assert!(js.contains("base64Bytes("));
}

#[test]
fn wit_prints_the_world_and_the_packages_it_uses() {
    let input =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/glue/resources/input.wat");
    let out = weft().arg("wit").arg(&input).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let wit = String::from_utf8(out.stdout).unwrap();
    assert!(wit.contains("world root {"), "{wit}");
    assert!(wit.contains("package test:res {"), "{wit}");
    assert!(
        wit.contains("sum: static func(a: borrow<counter>, b: borrow<counter>) -> u32;"),
        "{wit}"
    );
}
