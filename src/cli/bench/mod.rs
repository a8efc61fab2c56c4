//! `weft bench`: the cost of weft's glue against a native call, per exported
//! function, in Node (and with `--browser` headless Chromium).
//!
//! The component is transpiled into a temporary directory (weft with
//! `--instantiation async`; jco's plain ESM with `--jco`), the bench spec
//! (`spec.rs`) is written next to the JS driver (`bench_driver.mjs`, run by
//! `bench_node.mjs` or `bench_browser.mjs`), the driver prints its results as
//! one JSON line per engine, and `report.rs` prints the table while
//! `chart.rs` draws the SVG. See docs/benchmarks.md.

mod chart;
mod native_async;
mod report;
mod spec;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::{json, Value};

use super::temp::TempDir;
use super::wast::driver::node_binary;
use super::wast::proc;

/// The JS the run needs next to the transpiled glue: the driver, its Node and
/// Chromium entries, and the static file server the browser entry uses.
const DRIVER_FILES: [(&str, &str); 4] = [
    ("bench_driver.mjs", include_str!("../bench_driver.mjs")),
    ("bench_node.mjs", include_str!("../bench_node.mjs")),
    ("bench_browser.mjs", include_str!("../bench_browser.mjs")),
    ("server.mjs", include_str!("../server.mjs")),
];

/// Measure weft's glue against a direct (native-floor) call of each exported function.
#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// The component (.wasm or .wat).
    component: PathBuf,
    /// Only these functions (`iface#name`, `name` or the JS path like
    /// `api.echoString`); repeatable.
    #[arg(long = "function", value_name = "NAME")]
    functions: Vec<String>,
    /// A JS module whose default export maps function names to argument
    /// factories (`{ 'echo-string': () => ['hi'] }`), and may export `imports`.
    #[arg(long = "args", value_name = "MODULE")]
    args_module: Option<PathBuf>,
    /// Also run in headless Chromium ($WEFT_CHROMIUM, else /usr/bin/chromium).
    #[arg(long)]
    browser: bool,
    /// Also measure jco's glue (node_modules/.bin/jco, or $JCO_BIN).
    #[arg(long)]
    jco: bool,
    /// Write the results as JSON to this file.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write an SVG bar chart (glue / native per function, log scale).
    #[arg(long, value_name = "FILE")]
    chart: Option<PathBuf>,
    /// Interleaved rounds per function (the median is reported).
    #[arg(long, default_value_t = 21)]
    rounds: u32,
    /// Target duration of one timed batch, in milliseconds.
    #[arg(long, default_value_t = 10)]
    batch_ms: u32,
    /// Warm-up per column before the rounds, in milliseconds.
    #[arg(long, default_value_t = 300)]
    warmup_ms: u32,
    /// Node to run with (default: $WEFT_NODE, else node_modules/.bin/node, else `node`).
    #[arg(long)]
    node: Option<PathBuf>,
}

pub fn main(
    args: BenchArgs,
    read: fn(&Path) -> Result<Vec<u8>, weft::Error>,
) -> Result<i32, weft::Error> {
    let bytes = read(&args.component)?;
    let at = |e: weft::Error| weft::Error {
        message: format!("{}: {}", args.component.display(), e.message),
        ..e
    };
    let ir = weft::parse::parse(&bytes).map_err(at)?;
    let plan = weft::flatten::flatten(&ir).map_err(at)?;
    let mut spec = spec::spec(&plan, NAME);
    select(&mut spec, &args.functions)?;
    let args_module = match &args.args_module {
        Some(p) => Some(
            std::fs::canonicalize(p)
                .map_err(|e| weft::Error::io(format!("--args {}: {e}", p.display())))?,
        ),
        None => None,
    };
    for out in [&args.json, &args.chart].into_iter().flatten() {
        check_writable(out)?;
    }
    let out = weft::transpile(&bytes, &transpile_options()).map_err(at)?;
    let dir = TempDir::new("weft-bench")?;
    prepare(&dir, &args, &bytes, &out, &spec, args_module.as_deref())?;
    let node = node_binary(args.node.as_deref());
    // Chromium first: a missing Playwright or browser fails before minutes of Node timing.
    let browser = match args.browser {
        true => Some(run_engine(&node, &dir.path, "bench_browser.mjs", false)?),
        false => None,
    };
    let mut engines = vec![run_engine(&node, &dir.path, "bench_node.mjs", true)?];
    engines.extend(browser);
    let results = report::merge(&args.component, &spec, &engines);
    output(&args, &results)
}

/// The base name of the transpiled glue in the run's directory.
const NAME: &str = "component";

/// weft's glue as the driver loads it: `instantiate(getCoreModule, imports,
/// instantiateCore)`, so the driver reaches every core instance.
fn transpile_options() -> weft::TranspileOptions {
    weft::TranspileOptions {
        name: NAME.into(),
        instantiation: weft::Instantiation::Async,
        typescript: false,
        ..weft::TranspileOptions::default()
    }
}

/// Writes the run's directory: weft's glue (`weft/`), jco's (`jco/`, with
/// `--jco`), the driver files and `config.json`.
fn prepare(
    dir: &TempDir,
    args: &BenchArgs,
    bytes: &[u8],
    out: &weft::Transpiled,
    spec: &Value,
    args_module: Option<&Path>,
) -> Result<(), weft::Error> {
    for f in &out.files {
        dir.write(&format!("weft/{}", f.path), &f.contents)?;
    }
    let (jco_dir, jco_error) = match args.jco {
        true => jco_transpile(dir, bytes, NAME)?,
        false => (None, None),
    };
    for (file, src) in DRIVER_FILES {
        dir.write(file, src.as_bytes())?;
    }
    // The page imports the --args module by URL: a copy inside the served directory.
    let args_copy = match args_module {
        Some(p) if args.browser => {
            let copy = dir.path.join("args.mjs");
            std::fs::copy(p, &copy)
                .map_err(|e| weft::Error::io(format!("--args {}: {e}", p.display())))?;
            Some(copy)
        }
        _ => None,
    };
    let config = json!({
        "name": NAME,
        "spec": spec,
        "weftDir": dir.path.join("weft"),
        "jcoDir": jco_dir,
        "jcoError": jco_error,
        "argsModule": args_module,
        "argsCopy": args_copy,
        "cfg": { "rounds": args.rounds.max(1), "batchMs": args.batch_ms.max(1), "warmupMs": args.warmup_ms },
    });
    dir.write("config.json", config.to_string().as_bytes())
}

/// Prints the table, writes `--json` and `--chart`; exit status 1 when a weft
/// or native measurement failed.
fn output(args: &BenchArgs, results: &Value) -> Result<i32, weft::Error> {
    print!("{}", report::table(results));
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(results).unwrap_or_default();
        write(path, text.as_bytes())?;
    }
    if let Some(path) = &args.chart {
        write(path, chart::svg(results).as_bytes())?;
    }
    let failed = report::failures(results);
    if failed > 0 {
        eprintln!("error: {failed} measurement(s) failed (see the table)");
        return Ok(1);
    }
    Ok(0)
}

/// Keeps only the functions `--function` names; an unknown name is an error.
fn select(spec: &mut Value, wanted: &[String]) -> Result<(), weft::Error> {
    if wanted.is_empty() {
        return Ok(());
    }
    let funcs = spec["funcs"].as_array().cloned().unwrap_or_default();
    let names = |f: &Value| -> Vec<String> {
        let name = f["name"].as_str().unwrap_or("").to_string();
        let short = name.rsplit('#').next().unwrap_or("").to_string();
        let js = f["js"].as_str().unwrap_or("").to_string();
        vec![name, short, js]
    };
    for w in wanted {
        if !funcs.iter().any(|f| names(f).contains(w)) {
            let all: Vec<String> = funcs.iter().map(|f| names(f)[0].clone()).collect();
            return Err(weft::Error::io(format!(
                "--function {w}: the component exports no such function (it has: {})",
                all.join(", ")
            )));
        }
    }
    // Constructors stay: methods need them to make their instance.
    let kept: Vec<Value> = funcs
        .into_iter()
        .filter(|f| f["kind"] == "constructor" || names(f).iter().any(|n| wanted.contains(n)))
        .collect();
    spec["funcs"] = Value::Array(kept);
    Ok(())
}

/// jco's plain ESM glue in `jco/`, or why there is none (a jco failure is a
/// column error, not fatal); jco missing altogether is an error.
fn jco_transpile(
    dir: &TempDir,
    bytes: &[u8],
    name: &str,
) -> Result<(Option<PathBuf>, Option<String>), weft::Error> {
    let bin = std::env::var_os("JCO_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("node_modules/.bin/jco"));
    if !bin.exists() {
        return Err(weft::Error::io(format!(
            "--jco: jco not found at {} (install @bytecodealliance/jco in node_modules, or set JCO_BIN)",
            bin.display()
        )));
    }
    dir.write("component.wasm", bytes)?;
    let out = dir.path.join("jco");
    let mut cmd = Command::new(&bin);
    cmd.arg("transpile")
        .arg(dir.path.join("component.wasm"))
        .arg("-o")
        .arg(&out)
        .args([
            "--name",
            name,
            "--base64-cutoff",
            "0",
            "--quiet",
            "--no-typescript",
        ]);
    let done = proc::run(cmd, Duration::from_secs(300))
        .map_err(|e| weft::Error::io(format!("running {}: {e}", bin.display())))?;
    if !done.success() {
        return Ok((
            None,
            Some(done.failure("jco transpile", Duration::from_secs(300))),
        ));
    }
    Ok((Some(out), None))
}

/// Runs one engine's entry script and parses its JSON line.
fn run_engine(
    node: &Path,
    dir: &Path,
    script: &str,
    expose_gc: bool,
) -> Result<Value, weft::Error> {
    let mut cmd = Command::new(node);
    if expose_gc {
        cmd.arg("--expose-gc");
    }
    cmd.arg(dir.join(script)).arg(dir.join("config.json"));
    let limit = Duration::from_secs(3600);
    let done = proc::run(cmd, limit)
        .map_err(|e| weft::Error::io(format!("running {}: {e}", node.display())))?;
    let what = if expose_gc {
        "the Node bench"
    } else {
        "the Chromium bench"
    };
    if !done.success() {
        return Err(weft::Error::io(done.failure(what, limit)));
    }
    done.stdout
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str::<Value>(l).ok())
        .ok_or_else(|| weft::Error::io(format!("{what} printed no results")))
}

/// Fails early (before minutes of measuring) when an output file cannot be written.
fn check_writable(path: &Path) -> Result<(), weft::Error> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(weft::Error::io(format!(
            "{}: directory {} does not exist",
            path.display(),
            parent.display()
        )));
    }
    if path.is_dir() {
        return Err(weft::Error::io(format!(
            "{}: is a directory",
            path.display()
        )));
    }
    Ok(())
}

fn write(path: &Path, contents: &[u8]) -> Result<(), weft::Error> {
    std::fs::write(path, contents)
        .map_err(|e| weft::Error::io(format!("writing {}: {e}", path.display())))
}
