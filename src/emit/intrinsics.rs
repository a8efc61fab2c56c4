//! Runtime helpers the glue may need. Each lives as a real, tested JS file in
//! `js-runtime/intrinsics/` or `js-runtime/async/` and is pulled in (once, with
//! the helpers it imports) only when the generated code uses it.

use std::collections::BTreeSet;

/// A helper file: its name (the file stem), source, and the helpers its
/// `import` lines name (as indices into `HELPERS`, all before its own).
struct Helper {
    name: &'static str,
    source: &'static str,
    deps: &'static [usize],
}

// `HELPERS`: every helper, dependencies first (build.rs derives it from the
// files in js-runtime/intrinsics/ and js-runtime/async/ and their imports).
include!(concat!(env!("OUT_DIR"), "/helpers.rs"));

/// The set of helpers a piece of glue uses.
#[derive(Default, Debug, Clone)]
pub struct Intrinsics {
    used: BTreeSet<usize>,
}

impl Intrinsics {
    /// Marks helper file `name` (e.g. `"utf8"`) as used.
    pub fn use_(&mut self, name: &'static str) {
        let i = HELPERS
            .iter()
            .position(|h| h.name == name)
            .unwrap_or_else(|| panic!("unknown intrinsic {name}"));
        self.use_index(i);
    }

    fn use_index(&mut self, i: usize) {
        if self.used.insert(i) {
            for &dep in HELPERS[i].deps {
                self.use_index(dep);
            }
        }
    }

    /// The JS source of every used helper, in dependency order, with the ESM
    /// `import`/`export` syntax that makes the files testable stripped (and
    /// `export * from` lines, whose modules are inlined before).
    /// Comment-only lines are left out (the helpers' documentation lives in
    /// their source files), which keeps the glue small before any minifying.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for h in self.used.iter().map(|&i| &HELPERS[i]) {
            push_stripped(&mut out, h.source);
        }
        out
    }

    /// Marks every helper `other` uses as used here too.
    pub fn merge(&mut self, other: &Intrinsics) {
        for &i in &other.used {
            self.use_index(i);
        }
    }
}

/// Appends `source` without its comments, blank lines and import statements,
/// and with `export ` prefixes removed.
fn push_stripped(out: &mut String, source: &str) {
    let mut in_block = false;
    let mut in_import = false;
    for line in source.lines() {
        let t = line.trim_start();
        if in_block {
            in_block = !t.contains("*/");
            continue;
        }
        if in_import || is_import(line) {
            // an import statement may span lines; it ends with `;`
            in_import = !line.trim_end().ends_with(';');
            continue;
        }
        if t.starts_with("/*") {
            in_block = !t.contains("*/");
            continue;
        }
        if t.starts_with("//") || t.is_empty() {
            continue;
        }
        out.push_str(line.strip_prefix("export ").unwrap_or(line));
        out.push('\n');
    }
}

/// The first line of a statement that names another helper (the glue holds
/// it already).
fn is_import(line: &str) -> bool {
    line.starts_with("import ") || line.starts_with("export * from ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each helper's dependencies are the files its import lines name, and
    /// come before it (the glue inlines helpers in table order).
    #[test]
    fn dependencies_are_the_imports_and_come_first() {
        for (i, h) in HELPERS.iter().enumerate() {
            let imported: Vec<&str> = h
                .source
                .lines()
                .filter(|l| l.contains(" from '") && l.trim_end().ends_with(".js';"))
                .map(|l| {
                    let file = l.rsplit('/').next().unwrap();
                    file.trim_end_matches("';").trim_end_matches(".js")
                })
                .collect();
            let deps: Vec<&str> = h.deps.iter().map(|&d| HELPERS[d].name).collect();
            assert_eq!(deps, imported, "{}.js", h.name);
            assert!(
                h.deps.iter().all(|&d| d < i),
                "{} comes after its imports",
                h.name
            );
        }
        for name in ["trap", "utf8", "scheduler", "host"] {
            assert!(
                HELPERS.iter().any(|h| h.name == name),
                "{name}.js is a helper"
            );
        }
        assert!(!HELPERS
            .iter()
            .any(|h| h.name == "testkit" || h.name.ends_with(".test")));
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
    }

    #[test]
    fn import_statements_over_several_lines_are_dropped() {
        let mut out = String::new();
        let src = "import {\n  a,\n  b,\n} from './x.js';\nexport * from './y.js';\n// c\nexport function f() {\n  return a;\n}\n";
        push_stripped(&mut out, src);
        assert_eq!(out, "function f() {\n  return a;\n}\n");
    }

    /// The scheduler is one helper name for its modules (`export * from`).
    #[test]
    fn the_scheduler_brings_its_modules() {
        let mut i = Intrinsics::default();
        i.use_("scheduler");
        let js = i.render();
        for decl in [
            "class Store",
            "class Task",
            "function liftCallback",
            "function blockOn",
            "function startFromHost",
            "function threadYield",
            "function threadPromote",
        ] {
            assert!(js.contains(decl), "{decl}");
        }
        assert!(!js.contains("from './"));
        assert!(!js.contains("latin1"));
    }
}
