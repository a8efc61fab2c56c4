//! Runtime helpers the glue may need. Each lives as a real, tested JS file in
//! `js-runtime/intrinsics/` and is pulled in (once, with its dependencies) only
//! when the generated code uses it.

use std::collections::BTreeSet;

/// A helper file: its name (the file stem) and source.
struct Helper {
    name: &'static str,
    source: &'static str,
}

macro_rules! helpers {
    ($($dir:literal / $name:literal),* $(,)?) => {
        &[$(Helper { name: $name, source: include_str!(concat!("../../js-runtime/", $dir, "/", $name, ".js")) }),*]
    };
}

/// In dependency order: a helper only depends on helpers listed before it.
const HELPERS: &[Helper] = helpers![
    "intrinsics" / "trap",
    "intrinsics" / "badValue",
    "intrinsics" / "toInt64",
    "intrinsics" / "ComponentError",
    "intrinsics" / "memory",
    "intrinsics" / "utf8",
    "intrinsics" / "utf16",
    "intrinsics" / "latin1",
    "intrinsics" / "transcode",
    "intrinsics" / "char",
    "intrinsics" / "bitcast",
    "intrinsics" / "resources",
    "intrinsics" / "fetchCompile",
    "intrinsics" / "compileSync",
    "intrinsics" / "traced",
    "intrinsics" / "base64",
    "intrinsics" / "jspi",
    "intrinsics" / "notReady",
    "intrinsics" / "fused",
    // The async ABI runtime (js-runtime/async/), only for components that use it.
    "async" / "codes",
    "async" / "table",
    "async" / "scheduler",
    "async" / "trampoline",
    "async" / "waitable",
    "async" / "subtask",
    "async" / "copy",
    "async" / "errorContext",
    "async" / "host",
];

/// The set of helpers a piece of glue uses.
#[derive(Default, Debug, Clone)]
pub struct Intrinsics {
    used: BTreeSet<&'static str>,
}

impl Intrinsics {
    /// Marks helper file `name` (e.g. `"utf8"`) as used.
    pub fn use_(&mut self, name: &'static str) {
        let helper = HELPERS
            .iter()
            .find(|h| h.name == name)
            .unwrap_or_else(|| panic!("unknown intrinsic {name}"));
        if self.used.insert(helper.name) {
            for dep in deps(helper.source) {
                let dep = HELPERS
                    .iter()
                    .find(|h| h.name == dep)
                    .expect("unknown intrinsic dependency");
                self.use_(dep.name);
            }
        }
    }

    /// The JS source of every used helper, in dependency order, with the ESM
    /// `import`/`export` syntax that makes the files testable stripped.
    /// Comment-only lines are left out (the helpers' documentation lives in
    /// their source files), which keeps the glue small before any minifying.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for h in HELPERS.iter().filter(|h| self.used.contains(h.name)) {
            let mut in_block = false;
            for line in h.source.lines() {
                let t = line.trim_start();
                if in_block {
                    in_block = !t.contains("*/");
                    continue;
                }
                if t.starts_with("/*") {
                    in_block = !t.contains("*/");
                    continue;
                }
                if line.starts_with("import ") || t.starts_with("//") || t.is_empty() {
                    continue;
                }
                out.push_str(line.strip_prefix("export ").unwrap_or(line));
                out.push('\n');
            }
        }
        out
    }

    /// Marks every helper `other` uses as used here too.
    pub fn merge(&mut self, other: &Intrinsics) {
        for name in &other.used {
            self.use_(name);
        }
    }
}

fn deps(source: &str) -> impl Iterator<Item = &str> {
    source
        .lines()
        .find_map(|l| l.strip_prefix("// @deps "))
        .into_iter()
        .flat_map(|l| l.split_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_are_listed_after_their_dependencies() {
        for (i, h) in HELPERS.iter().enumerate() {
            for d in deps(h.source) {
                let j = HELPERS.iter().position(|x| x.name == d).expect(d);
                assert!(j < i, "{} must come after {}", h.name, d);
            }
        }
    }

    /// All helpers share the glue's top-level scope: their names must not clash.
    #[test]
    fn helper_top_level_names_are_unique() {
        let mut seen = std::collections::HashMap::new();
        for h in HELPERS {
            for line in h.source.lines() {
                let decl = line.strip_prefix("export ").unwrap_or(line);
                for kw in ["function ", "const ", "let ", "class "] {
                    if let Some(rest) = decl.strip_prefix(kw) {
                        let name: String = rest
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
                            .collect();
                        if let Some(other) = seen.insert(name.clone(), h.name) {
                            panic!("`{name}` is declared by both {other}.js and {}.js", h.name);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn only_used_helpers_are_rendered() {
        let mut i = Intrinsics::default();
        i.use_("utf8");
        let js = i.render();
        assert!(js.contains("function utf8Decode") && js.contains("function trap"));
        assert!(!js
            .lines()
            .any(|l| l.starts_with("import ") || l.starts_with("export ")));
        assert!(!js.contains("latin1"));
    }
}
