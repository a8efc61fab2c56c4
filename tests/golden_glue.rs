//! Golden tests for emitted JS: `tests/golden/glue/<case>/input.wat` is
//! transpiled (instantiate mode, async) and compared with `expected.js` next
//! to it. `BLESS=1 cargo test --test golden_glue` rewrites the expectations.

use std::path::Path;

use weft::{Instantiation, TranspileOptions};

#[test]
fn golden_glue() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/glue");
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    let mut cases = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        let input = dir.join("input.wat");
        if !input.exists() {
            continue;
        }
        cases += 1;
        let bytes = wat::parse_file(&input).unwrap_or_else(|e| panic!("{}: {e}", input.display()));
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let opts = TranspileOptions {
            name: name.clone(),
            instantiation: Instantiation::Async,
            ..TranspileOptions::default()
        };
        let out = weft::transpile(&bytes, &opts).unwrap_or_else(|e| panic!("{name}: {e}"));
        let js = String::from_utf8(out.files[0].contents.clone()).unwrap();
        let expected_path = dir.join("expected.js");
        if bless {
            std::fs::write(&expected_path, &js).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != js {
            failures.push(format!(
                "{name}: output differs from {} (BLESS=1 to update)",
                expected_path.display()
            ));
        }
    }
    assert!(cases >= 4, "expected golden cases under {}", root.display());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
