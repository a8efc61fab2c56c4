//! `weft wast`: runs Component Model .wast conformance tests through a
//! transpiler (weft, or jco for comparison) and Node, one line per file.
//!
//! Per file: parse with the `wast` crate, prepare (transpile every component,
//! decide `assert_invalid`/`assert_malformed` here), then run the Node driver
//! on the remaining steps (with `--browser`: the browser driver, which runs
//! the same driver in headless Chromium). Files run in parallel (`--jobs`),
//! one Node process per job at a time. See docs/conformance.md.

mod driver;
mod engine;
mod lists;
mod prepare;
mod proc;
mod values;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use clap::{Args, ValueEnum};

use engine::Engine;
use lists::{Expectations, Skips, Status};
use prepare::{Directive, Outcome};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum EngineArg {
    Weft,
    Jco,
}

/// Run Component Model .wast conformance tests through the transpiler and Node.
#[derive(Args, Debug)]
pub struct WastArgs {
    /// .wast files, or directories searched recursively for them.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// How many files to run at once (default: available cores).
    #[arg(long, short)]
    jobs: Option<usize>,
    /// Only run files whose path contains this string.
    #[arg(long)]
    filter: Option<String>,
    /// Which transpiler to test; jco runs `node_modules/.bin/jco` (or $JCO_BIN).
    #[arg(long, value_enum, default_value = "weft")]
    engine: EngineArg,
    /// Files to skip: `path<TAB>reason` lines, paths relative to the test root.
    #[arg(long)]
    skips: Option<PathBuf>,
    /// Expected status per file (`path<TAB>pass|fail`); succeed iff the run matches it.
    #[arg(long)]
    expect: Option<PathBuf>,
    /// Write the results of this run into the --expect file.
    #[arg(long, requires = "expect")]
    bless: bool,
    /// Print every directive's result, with trap and rejection messages.
    #[arg(long, short)]
    verbose: bool,
    /// Time limit in seconds for each Node process (transpiling or running a file).
    #[arg(long, default_value_t = 120)]
    timeout: u64,
    /// Node to run the driver with (default: $WEFT_NODE, else
    /// node_modules/.bin/node if installed, else `node` on PATH).
    #[arg(long)]
    node: Option<PathBuf>,
    /// Keep the temporary directory with the transpiled output and scripts.
    #[arg(long)]
    keep_temp: bool,
    /// Run the scripts in headless Chromium (through Playwright) instead of
    /// Node: $WEFT_CHROMIUM, else /usr/bin/chromium.
    #[arg(long)]
    browser: bool,
}

/// One .wast file to run: where it is and how reports name it.
struct TestFile {
    path: PathBuf,
    /// The path relative to the directory argument it was found under.
    display: String,
}

/// What happened to one file.
struct FileReport {
    status: Status,
    /// `path: reason` text after PASS/FAIL/SKIP.
    reason: Option<String>,
    /// Per-directive lines for --verbose.
    details: Vec<String>,
}

fn collect(args: &WastArgs) -> Result<Vec<TestFile>, String> {
    let mut files = Vec::new();
    for root in &args.paths {
        if root.is_dir() {
            let mut found = Vec::new();
            walk(root, &mut found).map_err(|e| format!("{}: {e}", root.display()))?;
            found.sort();
            for path in found {
                let rel = path.strip_prefix(root).unwrap_or(&path);
                let display = rel.to_string_lossy().replace('\\', "/");
                files.push(TestFile { path, display });
            }
        } else if root.is_file() {
            files.push(TestFile {
                path: root.clone(),
                display: root.display().to_string(),
            });
        } else {
            return Err(format!("{}: no such file or directory", root.display()));
        }
    }
    if let Some(filter) = &args.filter {
        files.retain(|f| f.display.contains(filter.as_str()));
    }
    Ok(files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "wast") {
            out.push(path);
        }
    }
    Ok(())
}

/// Shared, read-only context of a run.
struct Run {
    engine: Engine,
    skips: Skips,
    root: PathBuf,
    driver: PathBuf,
    /// "node driver" or "browser driver", for failure messages.
    driver_name: &'static str,
    node: PathBuf,
    limit: Duration,
    verbose: bool,
}

/// Runs one file to a report; never panics on bad input.
fn run_file(run: &Run, n: usize, file: &TestFile) -> FileReport {
    if let Some(reason) = run.skips.reason(&file.display) {
        return FileReport {
            status: Status::Skip,
            reason: Some(reason.to_string()),
            details: vec![],
        };
    }
    let fail = |reason: String| FileReport {
        status: Status::Fail,
        reason: Some(reason),
        details: vec![],
    };
    let text = match std::fs::read_to_string(&file.path) {
        Ok(text) => text,
        Err(e) => return fail(format!("reading: {e}")),
    };
    let buf = match wast::parser::ParseBuffer::new(&text) {
        Ok(buf) => buf,
        Err(e) => return fail(parse_error(&e, &text)),
    };
    let wast = match wast::parser::parse::<wast::Wast>(&buf) {
        Ok(wast) => wast,
        Err(e) => return fail(parse_error(&e, &text)),
    };
    let workdir = run.root.join(format!("f{n}"));
    if let Err(e) = std::fs::create_dir_all(&workdir) {
        return fail(format!("creating {}: {e}", workdir.display()));
    }
    let mut prepared = prepare::prepare(wast, &text, &run.engine, &workdir, run.limit);
    let mut crash = None;
    if prepared.steps > 0 {
        let script = workdir.join("script.json");
        if let Err(e) = std::fs::write(&script, prepared.script.to_string()) {
            return fail(format!("writing {}: {e}", script.display()));
        }
        let result = driver::run(&run.node, &run.driver, &script, run.limit, run.driver_name);
        for (id, d) in prepared.directives.iter_mut().enumerate() {
            if d.outcome.is_none() {
                d.outcome = result.results.get(&id).cloned();
            }
        }
        crash = result.crash;
    }
    report(&prepared.directives, crash, run.verbose)
}

fn parse_error(e: &wast::Error, text: &str) -> String {
    let (line, col) = e.span().linecol_in(text);
    format!("{}:{}: parse error: {}", line + 1, col + 1, e.message())
}

/// Folds directive outcomes into the file's report (first failure wins).
fn report(directives: &[Directive], crash: Option<String>, verbose: bool) -> FileReport {
    let not_run = Outcome::fail(match &crash {
        Some(c) => format!("not run: {c}"),
        None => "not run: the driver reported no result".to_string(),
    });
    let mut first_failure = None;
    let mut details = Vec::new();
    for d in directives {
        let outcome = d.outcome.as_ref().unwrap_or(&not_run);
        let at = format!("{}:{}", d.line, d.col);
        if !outcome.ok && first_failure.is_none() {
            first_failure = Some(format!("{at}: {}: {}", d.kind, outcome.reason));
        }
        if verbose {
            let status = if outcome.ok { "ok" } else { "FAIL" };
            let mut line = format!("    {at} {} {status}", d.kind);
            if !outcome.ok {
                line.push_str(&format!(": {}", outcome.reason));
            }
            details.push(line);
            details.extend(outcome.notes.iter().map(|n| format!("        {n}")));
        }
    }
    if let (Some(c), true) = (&crash, verbose) {
        details.push(format!("    driver: {c}"));
    }
    match first_failure {
        Some(reason) => FileReport {
            status: Status::Fail,
            reason: Some(reason),
            details,
        },
        None => FileReport {
            status: Status::Pass,
            reason: None,
            details,
        },
    }
}

fn temp_root() -> PathBuf {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    std::env::temp_dir().join(format!("weft-wast-{}-{stamp}", std::process::id()))
}

/// `weft wast`: returns the process exit code.
pub fn main(args: WastArgs) -> i32 {
    match run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

fn run(args: WastArgs) -> Result<i32, String> {
    // The reference tests use the strict component index syntax. wast 263 is
    // strict by default; an inherited `=0` must not turn that off. Set before
    // any parsing (the crate reads it once) and before any thread starts.
    std::env::set_var("WAST_STRICT_COMPONENT_INDICES", "1");

    let files = collect(&args)?;
    if files.is_empty() {
        return Err("no .wast files to run".to_string());
    }
    let skips = match &args.skips {
        Some(f) => Skips::read(f)?,
        None => Skips::default(),
    };
    let mut expect = match &args.expect {
        Some(f) => Some(Expectations::read(f, args.bless)?),
        None => None,
    };
    let engine = match args.engine {
        EngineArg::Weft => Engine::Weft,
        EngineArg::Jco => Engine::jco()?,
    };
    let root = temp_root();
    std::fs::create_dir_all(&root).map_err(|e| format!("{}: {e}", root.display()))?;
    let write = |name: &str, source: &str| {
        let path = root.join(name);
        std::fs::write(&path, source).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok::<_, String>(path)
    };
    let mut driver = write("wast_driver.mjs", driver::SOURCE)?;
    if args.browser {
        for (name, source) in driver::BROWSER_FILES {
            write(name, source)?;
        }
        driver = root.join(driver::BROWSER_FILES[0].0);
    }
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let run = Arc::new(Run {
        engine,
        skips,
        root: root.clone(),
        driver,
        driver_name: if args.browser {
            "browser driver"
        } else {
            "node driver"
        },
        node: driver::node_binary(args.node.as_deref()),
        limit: Duration::from_secs(args.timeout.max(1)),
        verbose: args.verbose,
    });

    let reports = run_all(&run, &files, jobs, |file, report| {
        print_report(file, report)
    });

    let count = |s: Status| reports.iter().filter(|r| r.status == s).count();
    let (passed, failed, skipped) = (
        count(Status::Pass),
        count(Status::Fail),
        count(Status::Skip),
    );
    let mut code = i32::from(failed > 0);
    if let (Some(expect), Some(file)) = (expect.as_mut(), &args.expect) {
        code = if args.bless {
            bless(expect, &files, &reports, file)?
        } else {
            check(expect, &files, &reports, file)
        };
    }
    if !args.keep_temp {
        let _ = std::fs::remove_dir_all(&root);
    } else {
        eprintln!("kept {}", root.display());
    }
    println!("{passed} passed, {failed} failed, {skipped} skipped");
    Ok(code)
}

/// Runs every file on `jobs` threads; `print` sees reports in file order.
fn run_all(
    run: &Arc<Run>,
    files: &[TestFile],
    jobs: usize,
    mut print: impl FnMut(&TestFile, &FileReport),
) -> Vec<FileReport> {
    let files: Arc<Vec<TestFile>> = Arc::new(
        files
            .iter()
            .map(|f| TestFile {
                path: f.path.clone(),
                display: f.display.clone(),
            })
            .collect(),
    );
    let next = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel();
    let mut handles = Vec::new();
    for _ in 0..jobs.min(files.len()) {
        let (run, files, next, tx) = (run.clone(), files.clone(), next.clone(), tx.clone());
        handles.push(std::thread::spawn(move || loop {
            let n = next.fetch_add(1, Ordering::SeqCst);
            let Some(file) = files.get(n) else { break };
            let report = run_file(&run, n, file);
            if tx.send((n, report)).is_err() {
                break;
            }
        }));
    }
    drop(tx);
    let mut slots: Vec<Option<FileReport>> = (0..files.len()).map(|_| None).collect();
    let mut printed = 0;
    for (n, report) in rx {
        slots[n] = Some(report);
        while let Some(Some(report)) = slots.get(printed) {
            print(&files[printed], report);
            printed += 1;
        }
    }
    for h in handles {
        let _ = h.join();
    }
    // A worker that died (it should not) leaves its file without a report.
    slots
        .into_iter()
        .map(|r| {
            r.unwrap_or(FileReport {
                status: Status::Fail,
                reason: Some("internal error: the runner lost this file".to_string()),
                details: vec![],
            })
        })
        .collect()
}

fn print_report(file: &TestFile, report: &FileReport) {
    let word = match report.status {
        Status::Pass => "PASS",
        Status::Fail => "FAIL",
        Status::Skip => "SKIP",
    };
    match &report.reason {
        Some(reason) => println!("{word} {}: {reason}", file.display),
        None => println!("{word} {}", file.display),
    }
    for line in &report.details {
        println!("{line}");
    }
}

/// Compares the run with the expectations; returns the exit code.
fn check(expect: &Expectations, files: &[TestFile], reports: &[FileReport], path: &Path) -> i32 {
    let mut code = 0;
    for (file, report) in files.iter().zip(reports) {
        match expect.get(&file.display) {
            // Unlisted files only matter once they pass (like newly passing ones).
            None if report.status == Status::Pass => {
                println!(
                    "newly passing: update {}: {} (not listed)",
                    path.display(),
                    file.display
                );
                code = 1;
            }
            None => {}
            Some((_, want)) if want == report.status => {}
            Some(_) if report.status == Status::Pass => {
                println!("newly passing: update {}: {}", path.display(), file.display);
                code = 1;
            }
            Some((_, want)) => {
                println!(
                    "unexpected: {}: expected {}, got {}",
                    file.display,
                    want.as_str(),
                    report.status.as_str()
                );
                code = 1;
            }
        }
    }
    code
}

/// Records this run's statuses in the expectations file.
fn bless(
    expect: &mut Expectations,
    files: &[TestFile],
    reports: &[FileReport],
    path: &Path,
) -> Result<i32, String> {
    for (file, report) in files.iter().zip(reports) {
        let key = match expect.get(&file.display) {
            Some((key, _)) => key.to_string(),
            None => file.display.clone(),
        };
        expect.set(key, report.status);
    }
    expect.write(path)?;
    println!("wrote {}", path.display());
    Ok(0)
}
