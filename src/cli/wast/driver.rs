//! Runs the driver on one prepared file's script and reads back one JSON result line per
//! step: `wast_driver.mjs` in Node, or with `--browser` `wast_browser.mjs`,
//! a Node script that runs the same driver in headless Chromium.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use super::prepare::Outcome;
use super::proc;

/// The driver's source, written next to the scripts at the start of a run.
pub const SOURCE: &str = include_str!("../wast_driver.mjs");

/// The files `--browser` adds next to it: the browser driver and the static
/// file server it serves the run's directory with.
pub const BROWSER_FILES: [(&str, &str); 2] = [
    ("wast_browser.mjs", include_str!("../wast_browser.mjs")),
    ("server.mjs", include_str!("../server.mjs")),
];

/// Step results by directive id, plus why the driver stopped early, if it did.
pub struct DriverRun {
    pub results: HashMap<usize, Outcome>,
    pub crash: Option<String>,
}

fn outcome(line: &Value) -> Option<(usize, Outcome)> {
    let id = line.get("id")?.as_u64()? as usize;
    let ok = line.get("ok")?.as_bool()?;
    let reason = line
        .get("reason")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let notes = line
        .get("notes")
        .and_then(Value::as_array)
        .map(|n| {
            n.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    Some((id, Outcome { ok, reason, notes }))
}

/// The Node to run the driver with: `--node`, else `$WEFT_NODE`, else the
/// project's pinned Node (`node_modules/.bin/node`) if installed, else `node`.
pub fn node_binary(flag: Option<&Path>) -> PathBuf {
    if let Some(path) = flag {
        return path.to_path_buf();
    }
    if let Some(path) = std::env::var_os("WEFT_NODE") {
        return PathBuf::from(path);
    }
    let local = Path::new("node_modules/.bin/node");
    match local.canonicalize() {
        Ok(path) => path,
        Err(_) => PathBuf::from("node"),
    }
}

/// Runs `<node> <driver> <script>` with a time limit for the whole file;
/// `what` names the driver in failure messages.
pub fn run(node: &Path, driver: &Path, script: &Path, limit: Duration, what: &str) -> DriverRun {
    let mut cmd = Command::new(node);
    cmd.arg(driver).arg(script);
    let done = match proc::run(cmd, limit) {
        Ok(done) => done,
        Err(e) => {
            return DriverRun {
                results: HashMap::new(),
                crash: Some(format!("running node for the {what}: {e}")),
            }
        }
    };
    let results = done
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| outcome(&v))
        .collect();
    let crash = (!done.success()).then(|| done.failure(what, limit));
    DriverRun { results, crash }
}
