//! `weft bench` on the repository's bench components with as little timing as
//! possible (one round of 1 ms batches, no warm-up): the JSON's structure, the
//! ratios being positive numbers (never their values), the chart being
//! well-formed SVG, `--function`, `--args`, Chromium, and bad input. Nothing
//! here asserts a timing.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const QUICK: [&str; 6] = ["--rounds", "1", "--batch-ms", "1", "--warmup-ms", "0"];

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A scratch directory removed on drop (also weft's TMPDIR: the run's files must go).
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let d = std::env::temp_dir().join(format!("weft-cli-bench-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("tmp")).unwrap();
        Scratch(d)
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    /// Runs `weft bench` from the repository (node_modules); returns (status, stdout, stderr).
    fn bench(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_weft"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("TMPDIR", self.path("tmp"))
            .arg("bench")
            .args(args)
            .output()
            .unwrap();
        let leftovers: Vec<_> = std::fs::read_dir(self.path("tmp")).unwrap().collect();
        assert!(leftovers.is_empty(), "weft bench left files in its TMPDIR");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// `weft bench` with `extra`, the quick timing and `--json out.json`;
    /// asserts it succeeded and returns its stdout.
    fn bench_ok(&self, extra: &[&str]) -> String {
        let json = self.path("out.json");
        let mut a = args(extra);
        a.extend(["--json", json.to_str().unwrap()]);
        let (code, stdout, stderr) = self.bench(&a);
        assert_eq!(code, 0, "{stderr}");
        stdout
    }

    fn json(&self) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.path("out.json")).unwrap()).unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn functions(v: &Value) -> Vec<&Value> {
    v["functions"].as_array().unwrap().iter().collect()
}

fn names(v: &Value) -> Vec<&str> {
    functions(v)
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect()
}

/// A measured column: positive time per call, a noise figure, bytes per call.
fn assert_column(c: &Value, what: &str, cpu: bool) {
    assert!(
        c["ns"].as_f64().is_some_and(|x| x > 0.0),
        "{what}: ns in {c}"
    );
    assert!(
        c["noise"].as_f64().is_some_and(|x| x >= 0.0),
        "{what}: noise in {c}"
    );
    assert!(
        c["bytes"].as_f64().is_some_and(|x| x >= 0.0),
        "{what}: bytes in {c}"
    );
    assert_eq!(
        c["cpuNs"].as_f64().is_some_and(|x| x >= 0.0),
        cpu,
        "{what}: cpuNs in {c}"
    );
}

fn assert_measured(f: &Value, engine: &str, native: bool) {
    let name = f["name"].as_str().unwrap();
    let e = &f["engines"][engine];
    assert_eq!(e["errors"], serde_json::json!({}), "{name}");
    let cpu = engine == "node";
    assert_column(&e["weft"], name, cpu);
    if native {
        assert_column(&e["native"], name, cpu);
        let r = e["ratio"]["weftNative"].as_f64();
        assert!(
            r.is_some_and(|r| r > 0.0 && r.is_finite()),
            "{name}: ratio {r:?}"
        );
    } else {
        assert!(
            e["native"].is_null() && e["ratio"]["weftNative"].is_null(),
            "{name}"
        );
    }
}

/// A minimal XML well-formedness check: tags nest and close, attributes are quoted.
fn assert_well_formed_svg(text: &str) {
    assert!(
        text.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{text}"
    );
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        assert!(
            !rest[..open].contains('>'),
            "stray `>` before {}",
            &rest[open..]
        );
        let close = open + rest[open..].find('>').expect("unclosed tag");
        let tag = &rest[open + 1..close];
        rest = &rest[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop(), Some(name), "mismatched </{name}>");
            continue;
        }
        let self_closing = tag.ends_with('/');
        let body = tag.trim_end_matches('/');
        let name = body.split_whitespace().next().unwrap();
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric()),
            "tag name {name}"
        );
        let attrs = body[name.len()..].trim();
        assert_eq!(
            attrs.matches('"').count() % 2,
            0,
            "unbalanced quotes in <{tag}>"
        );
        for attr in attrs
            .split('"')
            .step_by(2)
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            assert!(
                attr.ends_with('=') && !attr.contains(' '),
                "attribute `{attr}` in <{tag}>"
            );
        }
        if !self_closing {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    assert!(rest.trim().is_empty());
}

fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    extra.iter().copied().chain(QUICK).collect()
}

#[test]
fn sync_component_json_table_and_chart_with_jco() {
    let s = Scratch::new("sync");
    let (json, chart) = (s.path("out.json"), s.path("out.svg"));
    let (code, stdout, stderr) = s.bench(&args(&[
        "bench/components/bench.wat",
        "--jco",
        "--json",
        json.to_str().unwrap(),
        "--chart",
        chart.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{stderr}");
    let v = s.json();
    assert_eq!(v["engines"][0]["engine"], "node");
    assert!(v["engines"][0]["version"]
        .as_str()
        .unwrap()
        .starts_with('v'));
    assert_eq!(
        names(&v),
        [
            "classify",
            "echo-string",
            "sum-bytes",
            "make-bytes",
            "transform"
        ]
        .map(|n| format!("bench:bench/api#{n}"))
    );
    for f in functions(&v) {
        assert_measured(f, "node", true);
        let jco = &f["engines"]["node"];
        assert_column(&jco["jco"], "jco", true);
        assert!(jco["ratio"]["jcoWeft"].as_f64().is_some_and(|r| r > 0.0));
        assert!(stdout.contains(f["name"].as_str().unwrap()), "{stdout}");
    }
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert_well_formed_svg(&svg);
    assert_eq!(svg.matches("<title>").count(), 5, "one bar per function");
}

#[test]
fn function_filter_and_resource_method() {
    let s = Scratch::new("filter");
    s.bench_ok(&[
        "bench/components/bench.wat",
        "--function",
        "echo-string",
        "--function",
        "api.transform",
    ]);
    assert_eq!(
        names(&s.json()),
        ["bench:bench/api#echo-string", "bench:bench/api#transform"]
    );
    // A method: the instance is made once with the constructor (generated
    // arguments), the native column calls the core export with its rep.
    s.bench_ok(&[
        "bench/components/resource.wat",
        "--function",
        "api.Counter.get",
    ]);
    let v = s.json();
    assert_eq!(names(&v), ["bench:res/api#[method]counter.get"]);
    assert_measured(functions(&v)[0], "node", true);
}

#[test]
fn async_exports_and_streams() {
    let fixture = repo("fixtures/build/async-bench.wasm");
    assert!(fixture.exists(), "run `bash fixtures/build.sh` first");
    let s = Scratch::new("async");
    let stdout = s.bench_ok(&[fixture.to_str().unwrap()]);
    let v = s.json();
    let f = |n: &str| {
        functions(&v)
            .into_iter()
            .find(|f| f["name"] == format!("test:async-bench/bench@0.1.0#{n}"))
            .unwrap()
            .clone()
    };
    // Async exports: the awaited call is timed; wit-bindgen's `nop` only
    // calls context.get/set and task.return, so it has a native column.
    assert_measured(&f("nop"), "node", true);
    assert!(f("nop")["nativeSkip"].is_null());
    assert_measured(&f("nop-sync"), "node", true);
    // `call-host` calls the async import `tick`: no stand-in, no native column.
    assert_measured(&f("call-host"), "node", false);
    let why = f("call-host")["engines"]["node"]["nativeSkip"].clone();
    assert!(
        why.as_str()
            .is_some_and(|s| s.contains("\"[async-lower]tick\"") && s.contains("no stand-in")),
        "{why}"
    );
    assert!(stdout.contains("no native column for test:async-bench/bench@0.1.0#call-host (node)"));
    for n in ["generate", "consume"] {
        assert!(f(n)["skip"].as_str().unwrap().contains("stream"), "{n}");
    }
    assert!(stdout.contains("skipped test:async-bench/bench@0.1.0#generate"));
}

/// The native floor of callback-form async exports (the core export called
/// on a second instance of its module with stand-ins for the built-ins): what
/// it measures, and each reason it gives for not measuring, none a failure.
#[test]
fn async_exports_native_floor() {
    let s = Scratch::new("async-native");
    let stdout = s.bench_ok(&["fixtures/components/bench-async.wat"]);
    let v = s.json();
    let f = |n: &str| {
        functions(&v)
            .into_iter()
            .find(|f| f["name"] == n)
            .unwrap()
            .clone()
    };
    // Flat results of several values, a string and spilled arguments, a context slot.
    for n in ["point", "greet", "wide", "ctx"] {
        assert_measured(&f(n), "node", true);
    }
    let skipped = |n: &str| {
        let e = &f(n)["engines"]["node"];
        assert_measured(&f(n), "node", false);
        e["nativeSkip"].as_str().unwrap_or_default().to_string()
    };
    assert!(skipped("yields").contains("does not return EXIT at once (callback code YIELD)"));
    let reaches = skipped("reaches");
    assert!(
        reaches.contains("\"ws-new\"") && reaches.contains("waitable-set-new"),
        "{reaches}"
    );
    assert!(skipped("shared").contains("imports a memory"));
    assert!(skipped("maybe").contains("not generated"));
    // Known from the plan: no driver run needed to say so.
    assert!(f("stackful")["nativeSkip"]
        .as_str()
        .unwrap()
        .contains("stackful async lift (no callback)"));
    assert!(f("foreign")["nativeSkip"]
        .as_str()
        .unwrap()
        .contains("the memory is not an export of the lifted function's core instance"));
    assert!(stdout.contains("no native column for yields (node): "));
}

/// wit-bindgen gives task.return of a string through wit-component's shim
/// table (its options name the guest's own memory): the floor looks through
/// it, and lifts the string while task.return runs (the guest frees it after).
#[test]
fn async_string_result_through_wit_components_shim() {
    let fixture = repo("fixtures/build/async-basics.wasm");
    assert!(fixture.exists(), "run `bash fixtures/build.sh` first");
    let s = Scratch::new("async-shim");
    s.bench_ok(&[fixture.to_str().unwrap(), "--function", "echo"]);
    assert_measured(functions(&s.json())[0], "node", true);
}

#[test]
fn async_nop_native_floor_in_node_and_chromium() {
    let s = Scratch::new("async-nop");
    s.bench_ok(&["bench/async-nop.wat", "--browser", "--function", "nop"]);
    let v = s.json();
    assert_eq!(names(&v), ["nop"]);
    let f = functions(&v)[0];
    assert_measured(f, "node", true);
    assert_measured(f, "chromium", true);
}

/// Every value type of the values fixture: the generated native call returns
/// exactly what weft's glue returns (a mismatch fails the run), so this checks
/// the generated lowering and lifting, not speed.
#[test]
fn native_floor_matches_the_glue_for_every_value_type() {
    let fixture = repo("fixtures/build/values.wasm");
    assert!(fixture.exists(), "run `bash fixtures/build.sh` first");
    let s = Scratch::new("values");
    s.bench_ok(&[fixture.to_str().unwrap()]);
    let v = s.json();
    let with_native = functions(&v)
        .into_iter()
        .filter(|f| f["engines"]["node"]["native"]["ns"].as_f64().is_some())
        .count();
    assert!(
        with_native >= 100,
        "{with_native} functions with a native column"
    );
}

#[test]
fn args_module_gives_arguments() {
    let fixture = repo("fixtures/build/values.wasm");
    assert!(fixture.exists(), "run `bash fixtures/build.sh` first");
    let s = Scratch::new("args");
    let json = s.path("out.json");
    let module = s.path("args.mjs");
    let run = |s: &Scratch, extra: &[&str]| {
        let mut a = vec![
            fixture.to_str().unwrap(),
            "--function",
            "parse-u32",
            "--json",
            json.to_str().unwrap(),
        ];
        a.extend(extra);
        s.bench(&args(&a))
    };
    // Generated arguments (a string that is no number): an `err`, so nothing to time.
    let (code, _, stderr) = run(&s, &[]);
    assert_eq!(code, 0, "{stderr}");
    let f = functions(&s.json())[0].clone();
    assert!(
        f["engines"]["node"]["skip"]
            .as_str()
            .unwrap()
            .contains("--args"),
        "{f}"
    );
    std::fs::write(&module, "export default { 'parse-u32': () => ['42'] };\n").unwrap();
    let (code, _, stderr) = run(&s, &["--args", module.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert_measured(functions(&s.json())[0], "node", true);
    // The module's `imports` replace the generated host functions.
    let fixture = repo("fixtures/build/async-bench.wasm");
    std::fs::write(
        &module,
        "export default {};\nexport const imports = { 'test:async-bench/host': { tick() { throw new Error('from the args module'); } } };\n",
    )
    .unwrap();
    s.bench_ok(&[
        fixture.to_str().unwrap(),
        "--function",
        "call-host",
        "--args",
        module.to_str().unwrap(),
    ]);
    let f = functions(&s.json())[0].clone();
    let skip = f["engines"]["node"]["skip"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(skip.contains("from the args module"), "{f}");
}

#[test]
fn browser_and_node_side_by_side() {
    let s = Scratch::new("browser");
    let stdout = s.bench_ok(&[
        "bench/components/compose.wat",
        "--browser",
        "--function",
        "relay",
    ]);
    let v = s.json();
    assert_eq!(v["engines"][1]["engine"], "chromium");
    let f = functions(&v)[0];
    assert_measured(f, "node", true);
    assert_measured(f, "chromium", true);
    assert!(stdout.contains("chromium") && stdout.contains("node"));
}

/// One `error:` line on stderr, a non-zero status, and no output files.
fn assert_error(s: &Scratch, extra: &[&str], wanted: &str) {
    let json = s.path("err.json");
    let mut a = extra.to_vec();
    a.extend(["--json", json.to_str().unwrap()]);
    let (code, stdout, stderr) = s.bench(&args(&a));
    assert_ne!(code, 0);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: ") && stderr.contains(wanted),
        "{stderr}"
    );
    assert!(stdout.is_empty(), "{stdout}");
    assert!(!json.exists());
}

#[test]
fn bad_input_is_one_error_line() {
    let s = Scratch::new("errors");
    let bench = "bench/components/bench.wat";
    assert_error(
        &s,
        &[bench, "--function", "nope"],
        "--function nope: the component exports no such function",
    );
    assert_error(&s, &["no/such.wasm"], "no/such.wasm");
    std::fs::write(s.path("bad.wasm"), b"\0asm\x0d\0\x01\0garbage").unwrap();
    let bad = s.path("bad.wasm");
    assert_error(&s, &[bad.to_str().unwrap()], "bad.wasm");
    assert_error(&s, &[bench, "--args", "no/such.mjs"], "--args no/such.mjs");
    assert_error(
        &s,
        &[bench, "--chart", "no/such/dir/c.svg"],
        "does not exist",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_weft"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("TMPDIR", s.path("tmp"))
        .env("JCO_BIN", s.path("no-jco"))
        .args(["bench", bench, "--jco"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.starts_with("error: --jco: jco not found") && stderr.lines().count() == 1,
        "{stderr}"
    );
    // Installed without node_modules: --browser has no Playwright (checked before Node runs).
    let component = repo(bench);
    let out = Command::new(env!("CARGO_BIN_EXE_weft"))
        .current_dir(s.path("tmp"))
        .env("TMPDIR", s.path("tmp"))
        .env_remove("WEFT_PLAYWRIGHT")
        .args(["bench", component.to_str().unwrap(), "--browser"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.starts_with("error: ")
            && stderr.contains("needs Playwright")
            && stderr.lines().count() == 1,
        "{stderr}"
    );
}

/// WASI programs: an import whose result cannot be generated (a resource
/// handle) skips the functions calling it; host classes the glue needs at
/// instantiation are an error naming `--args`.
#[test]
fn components_with_host_imports() {
    let s = Scratch::new("imports");
    let hello = repo("fixtures/build/wasi-hello.wasm");
    s.bench_ok(&[hello.to_str().unwrap()]);
    let f = functions(&s.json())[0].clone();
    let skip = f["engines"]["node"]["skip"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        skip.contains("no generated result for the import wasi:cli/stdout#get-stdout"),
        "{f}"
    );
    let server = repo("fixtures/build/wasi-http-server.wasm");
    assert_error(
        &s,
        &[server.to_str().unwrap()],
        "instantiating the component with generated host imports failed",
    );
}
