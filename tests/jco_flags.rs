//! jco's flags on weft's command line (src/cli/jco_flags.rs): misused ones
//! and a missing wasm-opt fail with one error line and no output;
//! `--feature`/`--all-features` pick WIT's unstable items; `types
//! --tla-compat` declares `$init`.

use std::path::PathBuf;
use std::process::{Command, Output};

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("weft-jco-flags-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn weft(args: &[&str], out_dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(args)
        .arg("-o")
        .arg(out_dir)
        .output()
        .unwrap()
}

const INPUT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/golden/glue/scalars/input.wat"
);

#[test]
fn misused_flags_and_missing_tools_fail_cleanly() {
    let dir = tmp("fail");
    let out_dir = dir.join("out");
    for (flags, expect) in [
        (&["--js", "-I"][..], "--js needs plain ESM glue"),
        (&["--js", "-m"], "--js needs plain ESM glue"),
        (&["--stub"], "input.wat"),
        (
            &["-O", "--wasm-opt-bin", "/nonexistent/wasm-opt"],
            "wasm-opt",
        ),
    ] {
        let mut args = vec!["transpile", INPUT];
        args.extend_from_slice(flags);
        let out = weft(&args, &out_dir);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{flags:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{flags:?}: {stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains(expect),
            "{stderr}"
        );
        assert!(!out_dir.exists(), "{flags:?}: no partial output");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn types_tla_compat_declares_init_as_transpile_does() {
    let dir = tmp("tla");
    let (types, glue) = (dir.join("types"), dir.join("glue"));
    let input = INPUT.replace("scalars", "strings-lists");
    let out = weft(&["types", &input, "--tla-compat"], &types);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = weft(&["transpile", &input, "-q", "--tla-compat"], &glue);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dts = std::fs::read_to_string(types.join("input.d.ts")).unwrap();
    assert!(dts.contains("export const $init: Promise<void>;"), "{dts}");
    assert_eq!(
        dts,
        std::fs::read_to_string(glue.join("input.d.ts")).unwrap()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn documented_no_op_flags_are_accepted() {
    let dir = tmp("noop");
    let out_dir = dir.join("out");
    let args = [
        "transpile",
        INPUT,
        "-q",
        "--valid-lifting-optimization",
        "--import-bindings",
        "hybrid",
        "--no-nodejs-compat",
        "--multi-memory",
        "--bindgen-enable-wasm-exnref",
        "--async-wasi-imports",
        "--async-wasi-exports",
        "--strict",
    ];
    let out = weft(&args, &out_dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out_dir.join("input.js").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn feature_flags_pick_unstable_wit_items() {
    let dir = tmp("features");
    let wit = dir.join("world.wit");
    std::fs::write(
        &wit,
        "package t:f;\nworld w {\n  export stable: func();\n  @unstable(feature = shiny)\n  export shiny: func();\n}\n",
    )
    .unwrap();
    let dts = |flags: &[&str], name: &str| {
        let out_dir = dir.join(name);
        let mut args = vec!["types", wit.to_str().unwrap(), "-n", "w", "--name", "w"];
        args.extend_from_slice(flags);
        let out = weft(&args, &out_dir);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read_to_string(out_dir.join("w.d.ts")).unwrap()
    };
    assert!(!dts(&[], "none").contains("shiny"));
    assert!(dts(&["--feature", "shiny"], "one").contains("export function shiny"));
    assert!(dts(&["--all-features"], "all").contains("export function shiny"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn variants_inline_cases_writes_one_union_type() {
    let dir = tmp("inline");
    let wit = dir.join("world.wit");
    std::fs::write(
        &wit,
        "package t:v;\nworld w {\n  variant v { a(u32), b }\n  export f: func(x: v);\n}\n",
    )
    .unwrap();
    let out_dir = dir.join("out");
    let args = [
        "types",
        wit.to_str().unwrap(),
        "--name",
        "w",
        "--variants-inline-cases",
    ];
    let out = weft(&args, &out_dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dts = std::fs::read_to_string(out_dir.join("w.d.ts")).unwrap();
    let want = "export type V =\n  | {\n    tag: 'a',\n    val: number,\n  }\n  | {\n    tag: 'b',\n  };\n";
    assert!(dts.contains(want), "{dts}");
    assert!(!dts.contains("interface VA"), "{dts}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn guest_types_declares_ambient_modules_and_takes_jcos_flags() {
    let dir = tmp("guest");
    let wit = dir.join("world.wit");
    std::fs::write(
        &wit,
        "package t:g@1.0.0;\ninterface host { log: func(s: string); }\nworld w {\n  import host;\n  export run: func();\n  @unstable(feature = shiny)\n  export shiny: func();\n}\n",
    )
    .unwrap();
    let out_dir = dir.join("out");
    let args = [
        "guest-types",
        wit.to_str().unwrap(),
        "-n",
        "w",
        "--feature",
        "shiny",
        "-q",
    ];
    let out = weft(&args, &out_dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let root = std::fs::read_to_string(out_dir.join("world.d.ts")).unwrap();
    assert!(root.starts_with(
        "/// <reference path=\"./interfaces/t-g-host.d.ts\" />\ndeclare module 't:g/w@1.0.0' {\n"
    ), "{root}");
    assert!(root.contains("  export function shiny(): void;"), "{root}");
    assert!(root.contains("from 't:g/host@1.0.0'"), "{root}");
    let host = std::fs::read_to_string(out_dir.join("interfaces/t-g-host.d.ts")).unwrap();
    assert_eq!(
        host,
        "declare module 't:g/host@1.0.0' {\n  export function log(s: string): void;\n}\n"
    );
    // Bad input: one error line, nothing written.
    let bad_dir = dir.join("bad");
    let out = weft(&["guest-types", "/nonexistent/world.wit"], &bad_dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.starts_with("error: ") && stderr.lines().count() == 1,
        "{stderr}"
    );
    assert!(!bad_dir.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn stub_transpiles_a_wit_world_whose_exports_trap() {
    let dir = tmp("stub");
    let wit = dir.join("app.wit");
    std::fs::write(
        &wit,
        "package t:s;\ninterface log { say: func(s: string); }\nworld app {\n  import log;\n  export add: func(a: u32, b: u32) -> u32;\n}\n",
    )
    .unwrap();
    let wit = wit.to_str().unwrap();
    let out_dir = dir.join("out");
    let map = ["--map", "t:s/log=../log.js"];
    let out = weft(
        &[&["transpile", wit, "--stub", "-q"][..], &map].concat(),
        &out_dir,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The .d.ts is the world's, as `weft types` writes it from the WIT
    // (but for the `// world` line: a component's world is `root:component/root`).
    let types_dir = dir.join("types");
    assert!(weft(&["types", wit], &types_dir).status.success());
    let dts = |d: &std::path::Path| {
        let text = std::fs::read_to_string(d.join("app.d.ts")).unwrap();
        text.split_once('\n').unwrap().1.to_string()
    };
    assert_eq!(dts(&out_dir), dts(&types_dir));
    // The glue loads with the world's imports; the export traps.
    std::fs::write(dir.join("log.js"), "export function say() {}\n").unwrap();
    let script =
        "import('./out/app.js').then((m) => { try { m.add(1, 2); console.log('returned'); } \
                  catch (e) { console.log(e.constructor.name, e.message); } })";
    let run = Command::new("node")
        .args(["-e", script])
        .current_dir(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        stdout.trim(),
        "RuntimeError unreachable",
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn types_from_wit_take_the_value_style_flags() {
    let dir = tmp("style");
    let wit = dir.join("t.wit");
    std::fs::write(
        &wit,
        "package t:x;\ninterface i {\n  enum e { a1-b, x-y-z }\n  flags f { read, set-uid }\n  \
         variant v { a(u8), b }\n  g: func(x: e, y: f) -> v;\n}\nworld w { export i; }\n",
    )
    .unwrap();
    let out_dir = dir.join("out");
    let wit = wit.to_str().unwrap();
    let args = [
        "types",
        wit,
        "--use-namespace-objects",
        "--enum-values-screaming-snake-case",
    ];
    let out = weft(&args, &out_dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dts = std::fs::read_to_string(out_dir.join("interfaces/t-x-i.d.ts")).unwrap();
    for want in [
        "export type E = 'A1_B' | 'X_Y_Z';",
        "export const E: {\n  readonly A1B: 'A1_B',\n  readonly XYZ: 'X_Y_Z',\n};",
        "export type F = bigint;",
        "export const F: {\n  readonly Read: bigint,\n  readonly SetUid: bigint,\n};",
        "  readonly A: (val: number) => Extract<V, { tag: 'a' }>,\n  readonly B: () => Extract<V, { tag: 'b' }>,",
    ] {
        assert!(dts.contains(want), "{want}\nnot in\n{dts}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
