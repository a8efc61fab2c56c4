//! The transpilers `weft wast` can test: weft itself (in-process) or jco (the
//! reference implementation, run as a child process for side-by-side checks).

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Once;
use std::time::Duration;

use super::proc;

/// Why a component could not be transpiled.
pub struct TranspileError {
    /// The message shown in FAIL lines; weft's unsupported errors read "unsupported: ...".
    pub message: String,
    /// The transpiler panicked or timed out instead of returning an error: not
    /// a rejection of the component, so `assert_invalid` does not pass on it.
    pub crashed: bool,
}

impl TranspileError {
    fn error(message: String) -> TranspileError {
        TranspileError {
            message,
            crashed: false,
        }
    }
    fn crash(message: String) -> TranspileError {
        TranspileError {
            message,
            crashed: true,
        }
    }
}

pub enum Engine {
    Weft,
    Jco { bin: PathBuf },
}

thread_local! {
    /// Set while this thread runs weft: its panics are captured, not printed.
    static CAPTURING: Cell<bool> = const { Cell::new(false) };
    static PANIC_MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Makes panics inside the transpiler quiet: their message is kept for the
/// FAIL line instead of being printed to stderr. Other panics print as usual.
fn quiet_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !CAPTURING.with(Cell::get) || weft::panic_guard::guarded() {
                return previous(info);
            }
            let msg = weft::panic_guard::panic_message(info);
            PANIC_MESSAGE.with(|m| *m.borrow_mut() = Some(msg));
        }));
    });
}

impl Engine {
    /// jco from `$JCO_BIN`, else `node_modules/.bin/jco` under the current directory.
    pub fn jco() -> Result<Engine, String> {
        let bin = match std::env::var_os("JCO_BIN") {
            Some(bin) => PathBuf::from(bin),
            None => PathBuf::from("node_modules/.bin/jco"),
        };
        if !bin.exists() {
            return Err(format!(
                "jco not found at {} (run `npm ci` or set JCO_BIN)",
                bin.display()
            ));
        }
        let bin = bin
            .canonicalize()
            .map_err(|e| format!("{}: {e}", bin.display()))?;
        Ok(Engine::Jco { bin })
    }

    pub fn name(&self) -> &'static str {
        match self {
            Engine::Weft => "weft",
            Engine::Jco { .. } => "jco",
        }
    }

    /// Transpiles `component` into `dir` as `<name>.js` plus its core modules,
    /// with synchronous instantiation and no inlined modules.
    pub fn transpile(
        &self,
        component: &[u8],
        dir: &Path,
        name: &str,
        limit: Duration,
    ) -> Result<(), TranspileError> {
        match self {
            Engine::Weft => weft_transpile(component, dir, name),
            Engine::Jco { bin } => jco_transpile(bin, component, dir, name, limit),
        }
    }
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> TranspileError {
    TranspileError::crash(format!("{what} {}: {e}", path.display()))
}

fn weft_transpile(component: &[u8], dir: &Path, name: &str) -> Result<(), TranspileError> {
    quiet_panics();
    let opts = weft::TranspileOptions {
        name: name.to_string(),
        instantiation: weft::Instantiation::Sync,
        typescript: false,
        base64_cutoff: 0,
        ..Default::default()
    };
    CAPTURING.with(|c| c.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(|| weft::transpile(component, &opts)));
    CAPTURING.with(|c| c.set(false));
    let out = match result {
        Ok(Ok(out)) => out,
        // weft's Display already prefixes unsupported errors with "unsupported: ".
        Ok(Err(e)) => return Err(TranspileError::error(e.to_string())),
        Err(_) => {
            let msg = PANIC_MESSAGE.with(|m| m.borrow_mut().take());
            let msg = msg.unwrap_or_else(|| "unknown panic".to_string());
            return Err(TranspileError::crash(format!("weft panicked: {msg}")));
        }
    };
    for file in &out.files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_error("creating", parent, e))?;
        }
        std::fs::write(&path, &file.contents).map_err(|e| io_error("writing", &path, e))?;
    }
    Ok(())
}

fn jco_transpile(
    bin: &Path,
    component: &[u8],
    dir: &Path,
    name: &str,
    limit: Duration,
) -> Result<(), TranspileError> {
    let input = dir.with_extension("wasm");
    std::fs::write(&input, component).map_err(|e| io_error("writing", &input, e))?;
    let mut cmd = Command::new(bin);
    cmd.arg("transpile")
        .arg(&input)
        .arg("-o")
        .arg(dir)
        .args(["--instantiation", "sync", "--base64-cutoff", "0", "--quiet"])
        .args(["--no-typescript", "--name", name]);
    let done = proc::run(cmd, limit).map_err(|e| io_error("running", bin, e))?;
    let message = done.failure("jco transpile", limit);
    if done.success() {
        Ok(())
    } else if done.status.is_none() || done.stderr.contains("panicked at") {
        Err(TranspileError::crash(message))
    } else {
        Err(TranspileError::error(message))
    }
}
