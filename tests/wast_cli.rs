//! End-to-end tests of `weft wast`'s reporting, skips and expectations files.
//! They use only files whose outcome is decided without Node (parse errors,
//! `assert_malformed` rejected by the wast encoder, skips), so they run
//! whatever state the transpiler is in.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("weft-wast-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    // Passes: the encoder rejects the duplicate identifier.
    std::fs::write(
        dir.join("sub/pass.wast"),
        "(assert_malformed (component quote \"(core module $m) (core module $m)\") \"dup\")\n",
    )
    .unwrap();
    // Fails: a parse error on line 2.
    std::fs::write(dir.join("sub/broken.wast"), ";; x\n(component (func\n").unwrap();
    std::fs::write(dir.join("skipped.wast"), "(this is not run)\n").unwrap();
    std::fs::write(dir.join("not-a-test.txt"), "").unwrap();
    std::fs::write(dir.join("skips.txt"), "# why\nskipped.wast\tbecause\n").unwrap();
    dir
}

fn weft(dir: &Path, args: &[&str]) -> (i32, String) {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_weft"))
        .arg("wast")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn reports_one_line_per_file_and_a_summary() {
    let dir = scratch("report");
    let (code, out) = weft(&dir, &["--skips", "skips.txt", "."]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "SKIP skipped.wast: because",
            "FAIL sub/broken.wast: 3:1: parse error: expected `(`",
            "PASS sub/pass.wast",
            "1 passed, 1 failed, 1 skipped",
        ],
        "{out}"
    );
    assert_eq!(code, 1);
    let (code, out) = weft(&dir, &["--filter", "pass", "."]);
    assert_eq!(out, "PASS sub/pass.wast\n1 passed, 0 failed, 0 skipped\n");
    assert_eq!(code, 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn expectations_guard_regressions_and_new_passes() {
    let dir = scratch("expect");
    let args = ["--skips", "skips.txt", "--expect", "expected.txt", "."];

    // --bless writes the statuses (skipped files left out).
    let mut bless = args.to_vec();
    bless.push("--bless");
    let (code, _) = weft(&dir, &bless);
    assert_eq!(code, 0);
    let written = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
    assert!(
        written.ends_with("sub/broken.wast\tfail\nsub/pass.wast\tpass\n"),
        "{written}"
    );

    // Failures that are expected make a successful run.
    let (code, out) = weft(&dir, &args);
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with("1 passed, 1 failed, 1 skipped\n"));

    // A file that now passes must be recorded.
    std::fs::write(
        dir.join("expected.txt"),
        "sub/broken.wast\tfail\nsub/pass.wast\tfail\n",
    )
    .unwrap();
    let (code, out) = weft(&dir, &args);
    assert_eq!(code, 1);
    assert!(
        out.contains("newly passing: update expected.txt: sub/pass.wast"),
        "{out}"
    );

    // A regression fails the run.
    std::fs::write(
        dir.join("expected.txt"),
        "sub/broken.wast\tpass\nsub/pass.wast\tpass\n",
    )
    .unwrap();
    let (code, out) = weft(&dir, &args);
    assert_eq!(code, 1);
    assert!(
        out.contains("unexpected: sub/broken.wast: expected pass, got fail"),
        "{out}"
    );
    assert!(
        out.ends_with("1 passed, 1 failed, 1 skipped\n"),
        "summary stays last: {out}"
    );

    // Entries match by path suffix, so a single file given by path works.
    std::fs::write(dir.join("expected.txt"), "broken.wast\tfail\n").unwrap();
    let (code, out) = weft(&dir, &["--expect", "expected.txt", "sub/broken.wast"]);
    assert_eq!(code, 0, "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_lists_and_paths_are_errors() {
    let dir = scratch("errors");
    std::fs::write(dir.join("bad-skips.txt"), "skipped.wast\n").unwrap();
    let (code, _) = weft(&dir, &["--skips", "bad-skips.txt", "."]);
    assert_eq!(code, 2);
    let (code, _) = weft(&dir, &["missing.wast"]);
    assert_eq!(code, 2);
    // Running nothing is an error, not a green run.
    let (code, _) = weft(&dir, &["--filter", "no-such-test", "."]);
    assert_eq!(code, 2);
    let _ = std::fs::remove_dir_all(&dir);
}
