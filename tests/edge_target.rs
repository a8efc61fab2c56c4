//! `weft transpile --target workers|deno|bun|node`: the entry module, the edge
//! runtime and the platform configuration are written, the entry and the
//! workerd config name exactly the files that exist; a component that is not a
//! `wasi:http/proxy` gets one error line and no output. (The entries running
//! on the real runtimes: tests/edge/runtimes.test.js.)

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture() -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/build/wasi-http-server.wasm");
    assert!(p.exists(), "run `bash fixtures/build.sh` first");
    p
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("weft-edge-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn transpile(target: &str, input: &Path, out: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .args([
            "transpile",
            "--quiet",
            "--no-typescript",
            "--target",
            target,
            "-o",
        ])
        .arg(out)
        .arg(input)
        .output()
        .unwrap()
}

/// Files under `dir` (relative paths) ending in `ext`.
fn files(dir: &Path, ext: &str) -> Vec<String> {
    let mut out = Vec::new();
    for sub in ["", "edge", "wasi"] {
        let Ok(rd) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(ext) {
                out.push(if sub.is_empty() {
                    name
                } else {
                    format!("{sub}/{name}")
                });
            }
        }
    }
    out.sort();
    out
}

#[test]
fn workers_target_imports_every_core_module_and_lists_every_module() {
    let out = tmp("workers");
    let r = transpile("workers", &fixture(), &out);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let worker = std::fs::read_to_string(out.join("worker.js")).unwrap();
    let capnp = std::fs::read_to_string(out.join("workerd.capnp")).unwrap();
    let wasm = files(&out, ".wasm");
    assert!(!wasm.is_empty());
    for w in &wasm {
        assert!(
            worker.contains(&format!("from './{w}';")),
            "{w} not imported:\n{worker}"
        );
        assert!(
            capnp.contains(&format!("(name = \"{w}\", wasm = embed \"{w}\")")),
            "{w}"
        );
    }
    assert_eq!(worker.matches(".wasm';").count(), wasm.len());
    for js in files(&out, ".js") {
        assert!(
            capnp.contains(&format!("(name = \"{js}\", esModule = embed \"{js}\")")),
            "{js} not in workerd.capnp"
        );
    }
    assert!(worker.contains("export default { fetch"));
    assert!(std::fs::read_to_string(out.join("wrangler.toml"))
        .unwrap()
        .contains("main = \"worker.js\""));
    // JSPI glue: the handler returns a Promise.
    let glue = std::fs::read_to_string(out.join("wasi-http-server.js")).unwrap();
    assert!(
        glue.contains("jspiExport("),
        "the handler export is entered through JSPI"
    );
    assert!(glue.contains("getCoreModule"), "async instantiation");
    // Nothing in the written runtime needs Node.
    for js in files(&out, ".js") {
        let src = std::fs::read_to_string(out.join(&js)).unwrap();
        assert!(!src.contains("from 'node:"), "{js} imports a node: module");
    }
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn each_target_writes_its_entry() {
    for (target, entry, marker) in [
        ("deno", "deno-server.js", "Deno.serve("),
        ("bun", "bun-server.js", "Bun.serve("),
        ("node", "node-server.mjs", "http.createServer("),
    ] {
        let out = tmp(target);
        let r = transpile(target, &fixture(), &out);
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
        let src = std::fs::read_to_string(out.join(entry)).unwrap();
        assert!(src.contains(marker), "{entry}");
        for w in files(&out, ".wasm") {
            assert!(src.contains(&format!("'{w}'")), "{entry} does not load {w}");
        }
        assert!(out.join("edge/index.js").exists() && out.join("wasi/io.js").exists());
        assert!(!out.join("wrangler.toml").exists());
        std::fs::remove_dir_all(&out).unwrap();
    }
}

#[test]
fn a_component_that_serves_nothing_is_refused() {
    let out = tmp("refused");
    let input =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/glue/strings-lists/input.wat");
    let r = transpile("deno", &input, &out);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: ")
            && stderr
                .contains("--target deno: the component exports no wasi:http/incoming-handler"),
        "{stderr}"
    );
    assert!(!out.exists(), "no partial output");
}

/// A WASI 0.3 `wasi:http/handler@0.3.x` component is served too: its glue
/// needs no JSPI (the Node entry does not demand it, the Workers entry hides
/// JSPI from the glue first), and the 0.3 host files the handler reaches are
/// written, none of them importing a `node:` module.
#[test]
fn a_wasi_0_3_handler_is_served_without_jspi() {
    let input =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/build/wasi3-http-server.wasm");
    assert!(input.exists(), "run `bash fixtures/build.sh` first");
    for (target, entry) in [("workers", "worker.js"), ("node", "node-server.mjs")] {
        let out = tmp(&format!("wasi3-{target}"));
        let r = transpile(target, &input, &out);
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
        let src = std::fs::read_to_string(out.join(entry)).unwrap();
        assert!(src.contains("wasi: { jspi: false }"), "{entry}:\n{src}");
        assert!(!src.contains("experimental-wasm-jspi"), "{entry}:\n{src}");
        if target == "workers" {
            let glue = src.find("from './wasi3-http-server.js'").unwrap();
            assert!(
                src.find("import './edge/no-jspi.js'").unwrap() < glue,
                "{src}"
            );
        }
        let glue = std::fs::read_to_string(out.join("wasi3-http-server.js")).unwrap();
        assert!(
            !glue.contains("jspiExport("),
            "no JSPI entry into the handler"
        );
        for f in [
            "wasi3/http-handler.js",
            "wasi3/http-fetch.js",
            "edge/fetch-handler3.js",
        ] {
            let js = std::fs::read_to_string(out.join(f)).unwrap();
            assert!(!js.contains("from 'node:"), "{f} imports a node: module");
        }
        std::fs::remove_dir_all(&out).unwrap();
    }
}
