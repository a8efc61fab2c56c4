//! The command line: bad input gets one clear error line, exit code 1 and no
//! output directory; good input writes the glue, core modules and types.

use std::path::{Path, PathBuf};
use std::process::Command;

fn weft() -> Command {
    Command::new(env!("CARGO_BIN_EXE_weft"))
}

/// A scratch directory, removed on drop.
struct Tmp(PathBuf);

impl std::ops::Deref for Tmp {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tmp(name: &str) -> Tmp {
    let d = std::env::temp_dir().join(format!("weft-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    Tmp(d)
}

fn fails_cleanly(input_name: &str, contents: &[u8], expect: &str) {
    fails_cleanly_with(input_name, contents, &[], expect)
}

fn fails_cleanly_with(input_name: &str, contents: &[u8], flags: &[&str], expect: &str) {
    let dir = tmp(input_name);
    let input = dir.join(input_name);
    std::fs::write(&input, contents).unwrap();
    let out_dir = dir.join("out");
    let out = weft()
        .arg("transpile")
        .arg(&input)
        .arg("-o")
        .arg(&out_dir)
        .args(flags)
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
    // Text-format errors name the file, line and column.
    fails_cleanly(
        "bad.wat",
        b"(component\n  (func $nope))",
        "bad.wat:2:14: expected `(`",
    );
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

#[test]
fn a_component_wit_parser_panics_on_gets_one_error_line() {
    // Valid, but wit-parser 0.263's decoder reaches an `unreachable!()` on an
    // instance that exports a function type as a type (src/panic_guard.rs).
    let comp = wat::parse_str(
        r#"(component (import "a:b/c" (instance (type $f (func)) (export "t" (type (eq $f))))))"#,
    )
    .unwrap();
    let dir = tmp("wit-panic");
    let input = dir.join("c.wasm");
    std::fs::write(&input, &comp).unwrap();
    let out = weft().arg("wit").arg(&input).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("wit-parser failed on it"), "{err}");
    // `transpile` still writes the glue, with untyped declarations and a warning.
    let out = weft()
        .args(["transpile", "-o"])
        .arg(dir.join("out"))
        .arg(&input)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains("warning: TypeScript declarations are untyped"),
        "{err}"
    );
    assert!(dir.join("out/c.js").exists());
}

#[test]
fn multi_line_parser_messages_become_one_line() {
    // A byte flip that makes an import name not kebab case: wasmparser says
    // so in two lines.
    let comp = wat::parse_str(r#"(component (import "abc" (func)))"#).unwrap();
    let at = comp.windows(3).position(|w| w == b"abc").unwrap();
    let mut flipped = comp.clone();
    flipped[at + 1] = b'B';
    fails_cleanly(
        "flip.wasm",
        &flipped,
        "import name `aBc` is not a valid extern name: `aBc` is not in kebab case",
    );
}

#[test]
fn output_names_stay_inside_the_output_directory() {
    let hello = b"(component (core module (func (export \"f\"))))";
    for name in ["../escape", "a/b", "a\\b", "..", ""] {
        fails_cleanly_with("name.wat", hello, &["--name", name], "--name `");
    }
    let dir = tmp("name-types");
    let out = weft()
        .args(["types", "--name", "../escape", "-o"])
        .arg(dir.join("out"))
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/hello/hello.wat"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!dir.join("escape.d.ts").exists() && !dir.join("out").exists());
}

#[test]
fn async_lists_need_jspi_mode_and_must_name_functions() {
    let hello =
        std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/hello/hello.wat"))
            .unwrap();
    fails_cleanly_with(
        "hello.wat",
        &hello,
        &["--async-imports", "greet"],
        "--async-imports has no effect without --async-mode jspi",
    );
    fails_cleanly_with(
        "hello.wat",
        &hello,
        &["--async-exports", "greet"],
        "--async-exports has no effect without --async-mode jspi",
    );
    fails_cleanly_with(
        "hello.wat",
        &hello,
        &["--async-mode", "jspi", "--async-exports", "gret"],
        "--async-exports `gret`: the component exports no such function (it exports: greet)",
    );
    fails_cleanly_with(
        "hello.wat",
        &hello,
        &["--async-mode", "jspi", "--async-imports", "my:pkg/host#log"],
        "--async-imports `my:pkg/host#log`: the component imports no such function",
    );
    let dir = tmp("async-ok");
    let out = weft()
        .args([
            "transpile",
            "-q",
            "--async-mode",
            "jspi",
            "--async-exports",
            "greet",
            "-o",
        ])
        .arg(dir.join("out"))
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/hello/hello.wat"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn help_describes_every_argument() {
    for (cmd, expect) in [
        ("transpile", "<INPUT> The component"),
        ("types", "<INPUT> A component"),
        ("types", "Output directory for the `.d.ts` files"),
        ("guest-types", "<INPUT> A `.wit` file"),
        ("wit", "<INPUT> The component"),
        ("run", "left unset when the host has none"),
    ] {
        let out = weft().args([cmd, "--help"]).output().unwrap();
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success());
        // clap aligns the descriptions: compare with runs of spaces as one
        let help: String = help
            .split(' ')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(help.contains(expect), "weft {cmd} --help: {help}");
    }
}
