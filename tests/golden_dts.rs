//! Golden tests for the `.d.ts` output: every `tests/golden/dts/<case>/input.wit`
//! is turned into a component (dummy core module + `ComponentEncoder`), run
//! through `weft::wit::component_dts`, and compared with `<case>/expected/`.
//!
//! A case may have an `options` file with `key = value` lines:
//! `instantiation = esm|async|sync`, `map = pattern=replacement` (repeatable),
//! `name = <base name>`, `tla-compat = true` and `source = wit` (generate
//! from the WIT file with `dts_from_wit_path` instead of from a component,
//! e.g. to keep doc comments, which components built this way do not carry).
//! Each case also has a hand-written `usage.ts` that
//! `tests/node/dts-typecheck.test.js` type-checks against `expected/`.
//!
//! Cases built from a component also check `component_wit` against
//! `expected/<name>.wit`.
//!
//! `BLESS=1 cargo test --test golden_dts` rewrites the expected files.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use weft::wit::{component_dts, component_wit, dts_from_wit_path, DtsOptions};
use weft::{Instantiation, TranspileOptions};
use wit_component::{embed_component_metadata, ComponentEncoder, StringEncoding};
use wit_parser::{ManglingAndAbi, Resolve};

struct Case {
    opts: DtsOptions,
    name: String,
    from_wit: bool,
}

fn read_options(dir: &Path) -> Case {
    let mut case = Case {
        opts: DtsOptions::default(),
        name: "component".to_string(),
        from_wit: false,
    };
    let Ok(text) = fs::read_to_string(dir.join("options")) else {
        return case;
    };
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (key, value) = line.split_once('=').expect("`key = value` line");
        let value = value.trim();
        match key.trim() {
            "instantiation" => {
                case.opts.instantiation = match value {
                    "esm" => Instantiation::Esm,
                    "async" => Instantiation::Async,
                    "sync" => Instantiation::Sync,
                    other => panic!("unknown instantiation `{other}`"),
                }
            }
            "map" => {
                let (pattern, replacement) =
                    value.split_once('=').expect("map = pattern=replacement");
                case.opts
                    .map
                    .push((pattern.to_string(), replacement.to_string()));
            }
            "name" => case.name = value.to_string(),
            "tla-compat" => case.opts.tla_compat = value == "true",
            "source" => case.from_wit = value == "wit",
            other => panic!("unknown option `{other}` in {}", dir.display()),
        }
    }
    case
}

/// Parses the case's WIT and selects its (single) world.
fn parse_wit(dir: &Path) -> (Resolve, wit_parser::WorldId) {
    let mut resolve = Resolve::default();
    let (pkg, _) = resolve
        .push_path(dir.join("input.wit"))
        .expect("parse input.wit");
    let world = resolve.select_world(&[pkg], None).expect("select world");
    (resolve, world)
}

/// A component implementing the world with a dummy core module.
fn build_component(resolve: &Resolve, world: wit_parser::WorldId) -> Vec<u8> {
    let mut module = wit_component::dummy_module(resolve, world, ManglingAndAbi::Standard32);
    embed_component_metadata(&mut module, resolve, world, StringEncoding::UTF8, false)
        .expect("embed metadata");
    ComponentEncoder::default()
        .module(&module)
        .expect("encoder accepts the dummy module")
        .validate(true)
        .encode()
        .expect("encode component")
}

fn read_expected(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "ts" || e == "wit") && !is_usage(&path)
            {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, fs::read_to_string(&path).unwrap());
            }
        }
    }
    out
}

/// `usage.ts` files (for the Node type-check test) live next to the expected
/// files but are written by hand, not generated.
fn is_usage(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "usage.ts")
}

#[test]
fn golden_dts() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/dts");
    let bless = std::env::var_os("BLESS").is_some();
    let only = std::env::var("GOLDEN_CASE").ok();
    let dump = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("golden-dts");
    fs::create_dir_all(&dump).unwrap();

    let mut cases: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(
        !cases.is_empty(),
        "no golden cases under {}",
        root.display()
    );

    let mut failures = Vec::new();
    for dir in cases {
        let case_name = dir.file_name().unwrap().to_string_lossy().to_string();
        if only.as_ref().is_some_and(|o| *o != case_name) {
            continue;
        }
        let case = read_options(&dir);
        let (resolve, world) = parse_wit(&dir);
        let mut wit = None;
        let files = if case.from_wit {
            let opts = TranspileOptions {
                name: case.name.clone(),
                instantiation: case.opts.instantiation,
                map: case.opts.map.clone(),
                tla_compat: case.opts.tla_compat,
                ..TranspileOptions::default()
            };
            dts_from_wit_path(&dir.join("input.wit"), None, &opts)
        } else {
            let component = build_component(&resolve, world);
            fs::write(dump.join(format!("{case_name}.wasm")), &component).unwrap();
            wit = Some(component_wit(&component));
            component_dts(&component, &case.name, &case.opts)
        };
        // `component_wit` of the same component is golden too.
        let wit = match wit.transpose() {
            Ok(wit) => wit,
            Err(e) => {
                failures.push(format!("{case_name}: component_wit error: {e}"));
                continue;
            }
        };
        let files = match files {
            Ok(files) => files,
            Err(e) => {
                failures.push(format!("{case_name}: error: {e}"));
                continue;
            }
        };
        let mut actual: BTreeMap<String, String> = files
            .into_iter()
            .map(|f| (f.path, String::from_utf8(f.contents).expect("utf-8 .d.ts")))
            .collect();
        if let Some(wit) = wit {
            actual.insert(format!("{}.wit", case.name), wit);
        }
        let expected_dir = dir.join("expected");
        if bless {
            for old in read_expected(&expected_dir).keys() {
                fs::remove_file(expected_dir.join(old)).unwrap();
            }
            for (path, text) in &actual {
                let path = expected_dir.join(path);
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(path, text).unwrap();
            }
            continue;
        }
        let expected = read_expected(&expected_dir);
        for (path, text) in &actual {
            match expected.get(path) {
                None => failures.push(format!("{case_name}: unexpected file {path}:\n{text}")),
                Some(want) if want != text => failures.push(format!(
                    "{case_name}: {path} differs\n{}",
                    line_diff(want, text)
                )),
                Some(_) => {}
            }
        }
        for path in expected.keys().filter(|p| !actual.contains_key(*p)) {
            failures.push(format!("{case_name}: missing file {path}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} golden mismatch(es) (BLESS=1 to accept):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// A minimal line diff: the first differing lines with some context.
fn line_diff(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let first = w
        .iter()
        .zip(&g)
        .position(|(a, b)| a != b)
        .unwrap_or(w.len().min(g.len()));
    let mut out = String::new();
    for line in w.iter().skip(first).take(8) {
        out.push_str(&format!("- {line}\n"));
    }
    for line in g.iter().skip(first).take(8) {
        out.push_str(&format!("+ {line}\n"));
    }
    format!("at line {}:\n{out}", first + 1)
}

#[test]
fn not_a_component_is_invalid() {
    for bytes in [&b"not wasm"[..], &b"\0asm\x01\0\0\0"[..]] {
        let err = component_dts(bytes, "x", &DtsOptions::default()).unwrap_err();
        assert_eq!(err.kind, weft::error::ErrorKind::Invalid, "{err}");
        let err = component_wit(bytes).unwrap_err();
        assert_eq!(err.kind, weft::error::ErrorKind::Invalid, "{err}");
    }
}

/// Writes the `.d.ts` files of any component, for comparing with jco by hand:
/// `WEFT_DTS_INPUT=app.wasm WEFT_DTS_OUT=out [WEFT_DTS_INSTANTIATION=async]
/// cargo test --test golden_dts -- --ignored dump_dts`. With a directory as
/// input, every `*.wasm` in it goes to `out/<stem>/` and failures are listed.
/// `component_wit` output is written next to the `.d.ts` as `<stem>.wit`.
#[test]
#[ignore]
fn dump_dts() {
    let input =
        PathBuf::from(std::env::var("WEFT_DTS_INPUT").expect("WEFT_DTS_INPUT=<.wasm or dir>"));
    let out = PathBuf::from(std::env::var("WEFT_DTS_OUT").expect("WEFT_DTS_OUT=<dir>"));
    let instantiation = match std::env::var("WEFT_DTS_INSTANTIATION").as_deref() {
        Ok("async") => Instantiation::Async,
        Ok("sync") => Instantiation::Sync,
        _ => Instantiation::Esm,
    };
    let opts = DtsOptions {
        instantiation,
        ..DtsOptions::default()
    };
    let inputs: Vec<(PathBuf, PathBuf)> = if input.is_dir() {
        let mut files: Vec<PathBuf> = fs::read_dir(&input)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|p| {
                let dir = out.join(p.file_stem().unwrap());
                (p, dir)
            })
            .collect()
    } else {
        vec![(input, out)]
    };
    let mut failures = Vec::new();
    for (path, dir) in inputs {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let bytes = fs::read(&path).unwrap();
        if let Ok(wit) = component_wit(&bytes) {
            fs::create_dir_all(&dir).unwrap();
            fs::write(dir.join(format!("{name}.wit")), wit).unwrap();
        }
        match component_dts(&bytes, &name, &opts) {
            Ok(files) => {
                for file in files {
                    let target = dir.join(&file.path);
                    fs::create_dir_all(target.parent().unwrap()).unwrap();
                    fs::write(target, file.contents).unwrap();
                }
            }
            Err(e) => failures.push(format!("{}: {e}", path.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn wit_path_errors() {
    let opts = TranspileOptions::default();
    let err = dts_from_wit_path(Path::new("/nonexistent/x.wit"), None, &opts).unwrap_err();
    assert_eq!(err.kind, weft::error::ErrorKind::Io, "{err}");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bad-wit");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("bad.wit"),
        "package a:b;\nworld w { export f: func() -> nope; }\n",
    )
    .unwrap();
    let err = dts_from_wit_path(&dir.join("bad.wit"), None, &opts).unwrap_err();
    assert_eq!(err.kind, weft::error::ErrorKind::Invalid, "{err}");
    assert!(err.message.contains("nope"), "{err}");
    let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/dts/docs/input.wit");
    let err = dts_from_wit_path(&docs, Some("no-such-world"), &opts).unwrap_err();
    assert_eq!(err.kind, weft::error::ErrorKind::Invalid, "{err}");
}
