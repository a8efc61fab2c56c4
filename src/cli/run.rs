//! `weft run` and `weft serve`: transpile a `wasi:cli/command` (run) or
//! `wasi:http/proxy` (serve) component into a temporary directory next to the
//! WASI 0.2 host (`js-runtime/wasi/`, embedded in the binary) and run it in
//! Node with the capabilities the user grants, passing stdio and the exit
//! code through.

use std::path::{Path, PathBuf};
use std::process::Command;

use weft::{Instantiation, TranspileOptions};

use super::temp::TempDir;

/// Arguments of `weft run`.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// The component (.wasm or .wat) to run.
    component: PathBuf,
    #[command(flatten)]
    grants: Grants,
    /// Arguments for the program (after `--`).
    #[arg(last = true)]
    args: Vec<String>,
}

/// Arguments of `weft serve`.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// The `wasi:http/proxy` component (.wasm or .wat) to serve.
    component: PathBuf,
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    #[command(flatten)]
    grants: Grants,
}

/// What the guest may see and use.
#[derive(clap::Args, Debug)]
struct Grants {
    /// Grant a host directory (it must exist): `HOST::GUEST`, or `DIR` for the
    /// same path in the guest. Paths that escape it are refused.
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    dirs: Vec<String>,
    /// Set an environment variable in the guest: `KEY=VALUE`, or `KEY` to pass
    /// the host's value (left unset when the host has none). Nothing else is visible.
    #[arg(long = "env", value_name = "KEY[=VALUE]")]
    envs: Vec<String>,
    /// Grant network access (wasi:sockets, wasi:http outgoing). Off by default.
    #[arg(long)]
    allow_network: bool,
    /// The Node.js binary to run with.
    #[arg(long, default_value = "node")]
    node: String,
}

/// The Node program `weft run` runs (shared with the npm package's bin).
const RUNNER: &str = include_str!("../../js-runtime/run/command.mjs");

/// The Node program `weft serve` runs (shared with the npm package's bin).
const SERVER: &str = include_str!("../../js-runtime/run/serve.mjs");

/// What both programs import beside the WASI host (js-runtime/run/).
const RUN_FILES: &[(&str, &str)] = &[
    (
        "common.mjs",
        include_str!("../../js-runtime/run/common.mjs"),
    ),
    (
        "missing-imports.js",
        include_str!("../../js-runtime/run/missing-imports.js"),
    ),
];

type Reader = fn(&Path) -> Result<Vec<u8>, weft::Error>;

/// Runs the command; returns the program's exit code.
pub fn main(args: RunArgs, read: Reader) -> Result<i32, weft::Error> {
    let program = args
        .component
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let argv: Vec<String> = std::iter::once(program)
        .chain(args.args.iter().cloned())
        .collect();
    let mut config = args.grants.config()?;
    config.insert("args".into(), argv.into());
    launch(
        &args.component,
        RUNNER,
        config,
        &args.grants.node,
        read,
        false,
    )
}

/// Serves a `wasi:http/proxy` component until interrupted.
pub fn serve(args: ServeArgs, read: Reader) -> Result<i32, weft::Error> {
    let mut config = args.grants.config()?;
    config.insert("addr".into(), args.addr.clone().into());
    launch(
        &args.component,
        SERVER,
        config,
        &args.grants.node,
        read,
        true,
    )
}

fn launch(
    component: &Path,
    script: &str,
    config: serde_json::Map<String, serde_json::Value>,
    node: &str,
    read: Reader,
    tie_to_parent: bool,
) -> Result<i32, weft::Error> {
    let bytes = read(component)?;
    let mut config = config;
    config.insert("program".into(), component.display().to_string().into());
    let opts = TranspileOptions {
        name: "app".into(),
        instantiation: Instantiation::Async,
        typescript: false,
        ..TranspileOptions::default()
    };
    let out = weft::transpile(&bytes, &opts).map_err(|e| weft::Error {
        message: format!("{}: {}", component.display(), e.message),
        ..e
    })?;
    let dir = TempDir::new("weft-run")?;
    for f in &out.files {
        dir.write(&f.path, &f.contents)?;
    }
    for (path, src) in weft::wasi_host::files() {
        dir.write(&path, src.as_bytes())?;
    }
    for (path, src) in RUN_FILES {
        dir.write(path, src.as_bytes())?;
    }
    dir.write("main.mjs", script.as_bytes())?;
    let mut cmd = Command::new(node);
    cmd.arg(dir.path.join("main.mjs"))
        .arg(serde_json::Value::Object(config).to_string());
    if tie_to_parent {
        // The child's stdin is a pipe only we hold: it closes when we die.
        cmd.stdin(std::process::Stdio::piped());
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| weft::Error::io(format!("running {node}: {e}")))?;
    let _stdin = child.stdin.take();
    let status = child
        .wait()
        .map_err(|e| weft::Error::io(format!("running {node}: {e}")))?;
    Ok(status.code().unwrap_or(1))
}

impl Grants {
    /// `createWasi` options for the granted directories and variables.
    fn config(&self) -> Result<serde_json::Map<String, serde_json::Value>, weft::Error> {
        let mut preopens = serde_json::Map::new();
        for d in &self.dirs {
            let (host, guest) = d.split_once("::").unwrap_or((d, d));
            let host = std::fs::canonicalize(host)
                .map_err(|e| weft::Error::io(format!("--dir {host}: {e}")))?;
            if !host.is_dir() {
                return Err(weft::Error::io(format!(
                    "--dir {}: not a directory",
                    host.display()
                )));
            }
            if guest.is_empty() {
                return Err(weft::Error::io(format!("--dir {d}: empty guest path")));
            }
            preopens.insert(
                guest.to_string(),
                host.to_string_lossy().into_owned().into(),
            );
        }
        let mut env = serde_json::Map::new();
        for e in &self.envs {
            let (key, value) = match e.split_once('=') {
                Some((k, v)) => (k, Some(v.to_string())),
                // The host's value; a variable the host does not have stays unset.
                None => (e.as_str(), std::env::var(e).ok()),
            };
            if key.is_empty() {
                return Err(weft::Error::io(format!(
                    "--env `{e}`: expected KEY=VALUE or KEY, with a non-empty KEY"
                )));
            }
            if let Some(v) = value {
                env.insert(key.to_string(), v.into());
            }
        }
        let mut config = serde_json::Map::new();
        config.insert("env".into(), env.into());
        config.insert("preopens".into(), preopens.into());
        config.insert("network".into(), self.allow_network.into());
        Ok(config)
    }
}
