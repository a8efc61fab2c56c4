//! binaryen's `wasm-opt` and `wasm2js` as processes, for `-O` and `--js`
//! (`weft::binaryen` does the rest). Each runs on a file in a temporary
//! directory, removed when done.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The tools found (only those the flags need) and their scratch directory.
pub struct ProcessTools {
    wasm_opt: Option<(PathBuf, Vec<String>)>,
    wasm2js: Option<PathBuf>,
    dir: PathBuf,
}

impl ProcessTools {
    /// Finds `wasm-opt` (run with `opt_args`) when `optimize`, `wasm2js` when `js`.
    pub fn find(
        optimize: bool,
        wasm_opt_bin: Option<&Path>,
        opt_args: Vec<String>,
        js: bool,
    ) -> Result<ProcessTools, weft::Error> {
        let wasm_opt = match optimize {
            true => Some((
                find_tool("wasm-opt", wasm_opt_bin, "WEFT_WASM_OPT")?,
                opt_args,
            )),
            false => None,
        };
        let wasm2js = match js {
            true => Some(find_tool("wasm2js", None, "WEFT_WASM2JS")?),
            false => None,
        };
        Ok(ProcessTools {
            wasm_opt,
            wasm2js,
            dir: tempdir()?,
        })
    }

    /// Runs `bin args in.wasm -o <out>`; returns the output file's bytes.
    fn run(
        &self,
        bin: &Path,
        args: &[String],
        wasm: &[u8],
        file: &str,
        out: &str,
    ) -> Result<Vec<u8>, weft::Error> {
        let (input, output) = (self.dir.join("in.wasm"), self.dir.join(out));
        std::fs::write(&input, wasm).map_err(|e| io_err(&input, e))?;
        let status = Command::new(bin)
            .args(args)
            .arg(&input)
            .arg("-o")
            .arg(&output)
            .status()
            .map_err(|e| io_err(bin, e))?;
        if !status.success() {
            return Err(weft::Error::io(format!(
                "{} failed on {file} ({status})",
                bin.display()
            )));
        }
        std::fs::read(&output).map_err(|e| io_err(&output, e))
    }
}

impl weft::binaryen::Tools for ProcessTools {
    fn wasm_opt(&mut self, wasm: &[u8], file: &str) -> Result<Vec<u8>, weft::Error> {
        let (bin, args) = self.wasm_opt.as_ref().expect("found for -O");
        self.run(bin, args, wasm, file, "out.wasm")
    }

    fn wasm2js(&mut self, wasm: &[u8], file: &str) -> Result<String, weft::Error> {
        let bin = self.wasm2js.as_ref().expect("found for --js");
        let js = self.run(bin, &["-all".to_string()], wasm, file, "out.js")?;
        String::from_utf8(js)
            .map_err(|_| weft::Error::io(format!("wasm2js: {file}: output is not UTF-8")))
    }
}

impl Drop for ProcessTools {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn io_err(path: &Path, e: std::io::Error) -> weft::Error {
    weft::Error::io(format!("{}: {e}", path.display()))
}

fn tempdir() -> Result<PathBuf, weft::Error> {
    let dir = std::env::temp_dir().join(format!("weft-opt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| io_err(&dir, e))?;
    Ok(dir)
}

/// An external tool: the given path, else `$env_var`, else
/// `node_modules/.bin/<name>` in the current directory or a parent, else PATH.
fn find_tool(name: &str, given: Option<&Path>, env_var: &str) -> Result<PathBuf, weft::Error> {
    if let Some(p) = given {
        return Ok(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os(env_var) {
        return Ok(PathBuf::from(p));
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let local = cwd
        .ancestors()
        .map(|d| d.join("node_modules/.bin").join(name))
        .find(|p| p.is_file());
    let on_path = || {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
    };
    local.or_else(on_path).ok_or_else(|| {
        weft::Error::io(format!(
            "`{name}` (npm package `binaryen`) not found in node_modules/.bin or PATH; set {env_var} to its path"
        ))
    })
}
