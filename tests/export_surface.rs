//! The glue and the `.d.ts` take which export gets a short ESM name from one
//! decision (`weft::export_surface`): a function owns its name even when an
//! interface of the same short name comes first.

use weft::TranspileOptions;

const WAT: &str = r#"(component
  (core module $m (func (export "f") (result i32) i32.const 7))
  (core instance $i (instantiate $m))
  (func $f (result u32) (canon lift (core func $i "f")))
  (instance $inst (export "go" (func $f)))
  (export "a:b/run" (instance $inst))
  (export "run" (func $f)))"#;

#[test]
fn a_function_owns_its_short_name_in_glue_and_types() {
    let bytes = wat::parse_str(WAT).unwrap();
    let opts = TranspileOptions {
        name: "c".into(),
        ..TranspileOptions::default()
    };
    let out = weft::transpile(&bytes, &opts).unwrap();
    // The interface keeps only its full name; `run` is exported once.
    assert_eq!(out.exports, ["'a:b/run'", "run"]);
    let file = |p: &str| {
        let f = out.files.iter().find(|f| f.path == p).unwrap();
        String::from_utf8(f.contents.clone()).unwrap()
    };
    assert!(file("c.js").contains("export { e0 as 'a:b/run', e1 as run };"));
    let dts = file("c.d.ts");
    assert!(dts.contains("`run` is taken, so it is only exported under its full name"));
    assert!(dts.contains("export function run(): number;"));
}
