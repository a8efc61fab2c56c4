//! The two plain-text lists `weft wast` reads: the skips file
//! (`path<TAB>reason`) and the expectations file (`path<TAB>pass|fail`).
//!
//! Paths are relative to the conformance root. An entry applies to a test file
//! whose path equals it or ends with `/` + entry, so the lists work whether the
//! runner was given the root directory or individual files. Blank lines and
//! lines starting with `#` are ignored.

use std::collections::BTreeMap;
use std::path::Path;

/// Whether an entry `key` names the test file `path`.
pub fn matches(key: &str, path: &str) -> bool {
    let path = path.replace('\\', "/");
    path == key || path.ends_with(&format!("/{key}"))
}

/// Reads `path<TAB>value` lines into an ordered map.
fn read_pairs(file: &Path) -> Result<BTreeMap<String, String>, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('\t') else {
            return Err(format!(
                "{}:{}: expected `path<TAB>value`, got `{line}`",
                file.display(),
                n + 1
            ));
        };
        let key = key.trim().trim_start_matches("./").to_string();
        if out.insert(key.clone(), value.trim().to_string()).is_some() {
            return Err(format!(
                "{}:{}: `{key}` is listed twice",
                file.display(),
                n + 1
            ));
        }
    }
    Ok(out)
}

/// Files not to run, each with the reason printed in its SKIP line.
#[derive(Default)]
pub struct Skips(BTreeMap<String, String>);

impl Skips {
    pub fn read(file: &Path) -> Result<Skips, String> {
        let pairs = read_pairs(file)?;
        if let Some((key, _)) = pairs.iter().find(|(_, reason)| reason.is_empty()) {
            return Err(format!("{}: `{key}` has no reason", file.display()));
        }
        Ok(Skips(pairs))
    }

    /// The reason `path` is skipped, if it is.
    pub fn reason(&self, path: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| matches(key, path))
            .map(|(_, r)| r.as_str())
    }
}

/// The outcome of one test file, as recorded in the expectations file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Status {
    Pass,
    Fail,
    Skip,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Skip => "skip",
        }
    }
}

/// Expected status per file.
#[derive(Default)]
pub struct Expectations(BTreeMap<String, Status>);

impl Expectations {
    /// Reads `file`; a missing file is an empty list (so `--bless` can create it).
    pub fn read(file: &Path, allow_missing: bool) -> Result<Expectations, String> {
        if allow_missing && !file.exists() {
            return Ok(Expectations::default());
        }
        let mut out = BTreeMap::new();
        for (key, value) in read_pairs(file)? {
            let status = match value.as_str() {
                "pass" => Status::Pass,
                "fail" => Status::Fail,
                other => {
                    return Err(format!(
                        "{}: `{key}`: expected `pass` or `fail`, got `{other}`",
                        file.display()
                    ))
                }
            };
            out.insert(key, status);
        }
        Ok(Expectations(out))
    }

    /// The entry that applies to `path`: its key and expected status.
    pub fn get(&self, path: &str) -> Option<(&str, Status)> {
        self.0
            .iter()
            .find(|(key, _)| matches(key, path))
            .map(|(k, s)| (k.as_str(), *s))
    }

    /// Records `status` for the entry `key` (skipped files are not recorded).
    pub fn set(&mut self, key: String, status: Status) {
        if status == Status::Skip {
            self.0.remove(&key);
        } else {
            self.0.insert(key, status);
        }
    }

    pub fn write(&self, file: &Path) -> Result<(), String> {
        let mut text =
            String::from("# weft wast expectations: path<TAB>pass|fail (update with --bless)\n");
        for (key, status) in &self.0 {
            text.push_str(&format!("{key}\t{}\n", status.as_str()));
        }
        std::fs::write(file, text).map_err(|e| format!("{}: {e}", file.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_match_on_path_boundaries() {
        assert!(matches("values/strings.wast", "values/strings.wast"));
        assert!(matches("values/strings.wast", "/x/cm/values/strings.wast"));
        assert!(!matches("strings.wast", "values/xstrings.wast"));
        assert!(matches("strings.wast", "values/strings.wast"));
    }
}
