//! Where `.ci/run` finds the component-model reference suite
//! (`tests/conformance/locate.sh`, `run.sh`): a clone with no suite beside it
//! and no network skips exactly the suite steps with one line saying how to
//! provide it; `WEFT_CONFORMANCE_DIR` and `../shared` are used when present.
//! Each test copies the two scripts into a throwaway clone layout in a temp
//! directory (fetching off, so nothing can hang) and removes it afterwards.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `<tmp>/clone/tests/conformance/{locate,run}.sh`, removed on drop.
struct Layout {
    root: PathBuf,
}

impl Layout {
    fn new(name: &str) -> Layout {
        let root = std::env::temp_dir().join(format!("weft-locate-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let scripts = root.join("clone/tests/conformance");
        std::fs::create_dir_all(&scripts).unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
        for s in ["locate.sh", "run.sh"] {
            std::fs::copy(src.join(s), scripts.join(s)).unwrap();
        }
        Layout { root }
    }

    fn script(&self, script: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new("bash");
        cmd.arg(self.root.join("clone/tests/conformance").join(script))
            .args(args)
            .env_remove("WEFT_CONFORMANCE_DIR")
            .env("WEFT_CONFORMANCE_FETCH", "0")
            .env("XDG_CACHE_HOME", self.root.join("cache"))
            // A weft that fails loudly if the suite step runs at all.
            .env("WEFT", "false");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }
}

impl Drop for Layout {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn no_suite_skips_the_step_with_one_line() {
    let l = Layout::new("skip");
    for engine in ["node", "chromium"] {
        let out = l.script("run.sh", &[engine], &[]);
        let err = text(&out.stderr);
        assert!(out.status.success(), "{engine}: {err}");
        assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(
            err.starts_with("skip: component-model reference tests"),
            "{err}"
        );
        assert!(err.contains("WEFT_CONFORMANCE_DIR"), "says how: {err}");
    }
    let out = l.script("locate.sh", &[], &[]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        !l.root.join("cache/weft").exists(),
        "fetching off: no cache"
    );
}

#[test]
fn the_environment_variable_and_shared_copy_are_used() {
    let l = Layout::new("found");
    let shared = l.root.join("shared/conformance/component-model");
    std::fs::create_dir_all(&shared).unwrap();
    let out = l.script("locate.sh", &[], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "../shared/conformance/component-model"
    );

    let mine = l.root.join("mine");
    std::fs::create_dir_all(&mine).unwrap();
    let out = l.script(
        "locate.sh",
        &[],
        &[("WEFT_CONFORMANCE_DIR", mine.to_str().unwrap())],
    );
    assert_eq!(text(&out.stdout).trim(), mine.to_str().unwrap());

    // With a suite the step really runs (here a `weft` that fails).
    let out = l.script("run.sh", &["node"], &[]);
    assert!(!out.status.success());
}

#[test]
fn a_missing_conformance_dir_is_an_error() {
    let l = Layout::new("missing");
    let out = l.script(
        "run.sh",
        &["node"],
        &[("WEFT_CONFORMANCE_DIR", "/nonexistent/weft-suite")],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(
        err.trim(),
        "error: WEFT_CONFORMANCE_DIR=/nonexistent/weft-suite: no such directory"
    );
}

#[test]
fn ci_runs_the_suite_only_through_the_scripts() {
    let ci =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/run")).unwrap();
    assert!(ci.contains("bash tests/conformance/run.sh node"), "{ci}");
    assert!(
        ci.contains("bash tests/conformance/run.sh chromium"),
        "{ci}"
    );
    assert!(
        !ci.contains("../shared/conformance"),
        ".ci/run must not assume ../shared"
    );
}

#[test]
fn the_pinned_commit_is_fetched_once_into_the_cache() {
    let l = Layout::new("fetch");
    // A stand-in for WebAssembly/component-model: a local repository whose
    // second commit has test/ (the first does not: only the pinned one counts).
    let upstream = l.root.join("upstream");
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .arg("-C")
            .arg(&upstream)
            .args(["-c", "user.name=t", "-c", "user.email=t@t"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
        text(&out.stdout).trim().to_string()
    };
    std::fs::create_dir_all(upstream.join("test")).unwrap();
    std::fs::write(upstream.join("test/a.wast"), "(component)\n").unwrap();
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "suite"]);
    let pinned = git(&["rev-parse", "HEAD"]);
    std::fs::remove_dir_all(upstream.join("test")).unwrap();
    git(&["commit", "-qam", "later"]);
    let env = [
        ("WEFT_CONFORMANCE_FETCH", "1"),
        ("WEFT_CONFORMANCE_REPO", upstream.to_str().unwrap()),
        ("WEFT_CONFORMANCE_COMMIT", pinned.as_str()),
    ];
    let out = l.script("locate.sh", &[], &env);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let suite = PathBuf::from(text(&out.stdout).trim());
    let cache = l.root.join(format!("cache/weft/component-model-{pinned}"));
    assert_eq!(suite, cache.join("test"));
    assert!(suite.join("a.wast").exists(), "the pinned commit's test/");
    // Later runs use the cache, with no network (or repository) at all.
    std::fs::remove_dir_all(&upstream).unwrap();
    let out = l.script("locate.sh", &[], &env);
    assert_eq!(PathBuf::from(text(&out.stdout).trim()), suite);
    let leftovers = std::fs::read_dir(l.root.join("cache/weft"))
        .unwrap()
        .count();
    assert_eq!(leftovers, 1, "no half-fetched directories");
}
