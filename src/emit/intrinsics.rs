//! Runtime helpers the glue may need. Each lives as a real, tested JS file in
//! `js-runtime/intrinsics/` or `js-runtime/async/` and is pulled in (once, with
//! the helpers it imports) only when the generated code uses it; of those
//! files, only the top-level declarations the glue reaches are emitted
//! ([`Intrinsics::render`]).

use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

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

    /// The JS source of the used helpers that `glue` (the rest of the module)
    /// reaches, in dependency order, with the ESM `import`/`export` syntax
    /// that makes the files testable stripped (and `export * from` lines,
    /// whose modules are inlined before). Comment-only lines are left out
    /// (the helpers' documentation lives in their source files). A helper
    /// file's top-level declaration is kept only when `glue` or another kept
    /// declaration names it (see [`reachable`]), so a component that uses one
    /// function of a file does not carry the rest.
    pub fn render(&self, glue: &str) -> String {
        helper_statements().render(glue, |helper| self.used.contains(&helper))
    }

    /// Whether helper file `name` is used.
    #[cfg(test)]
    pub fn uses(&self, name: &str) -> bool {
        self.used.iter().any(|&i| HELPERS[i].name == name)
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

/// One top-level statement of a helper: its text, the name it declares (if
/// any) and the statements its words name.
struct Stmt {
    helper: usize,
    text: String,
    name: Option<String>,
    refs: Vec<usize>,
}

/// Top-level statements and which declare each name: what decides which
/// statements a piece of glue reaches. The helpers' table is made once
/// ([`helper_statements`]); a render then only looks up the glue's words.
struct Statements {
    stmts: Vec<Stmt>,
    by_name: HashMap<String, Vec<usize>, BuildHasherDefault<Fnv>>,
    /// Bit `min(len, 63)` of entry `first byte`: some name has that first
    /// byte and length. Most of a glue's words fail this and are not hashed.
    shapes: [u64; 128],
}

impl Statements {
    /// Cuts each `(helper, stripped source)` into statements and links them.
    fn new(sources: impl Iterator<Item = (usize, String)>) -> Statements {
        let mut stmts = Vec::new();
        for (helper, source) in sources {
            for (name, text) in top_level_items(&source) {
                let (name, text) = (name.map(str::to_string), text.to_string());
                stmts.push(Stmt {
                    helper,
                    text,
                    name,
                    refs: Vec::new(),
                });
            }
        }
        let mut by_name: HashMap<String, Vec<usize>, BuildHasherDefault<Fnv>> = HashMap::default();
        for (k, st) in stmts.iter().enumerate() {
            if let Some(n) = &st.name {
                by_name.entry(n.clone()).or_default().push(k);
            }
        }
        for st in &mut stmts {
            let mut refs: Vec<usize> = words(&st.text)
                .filter_map(|w| by_name.get(w))
                .flatten()
                .copied()
                .collect();
            refs.sort_unstable();
            refs.dedup();
            st.refs = refs;
        }
        let mut shapes = [0u64; 128];
        for name in by_name.keys() {
            shapes[usize::from(name.as_bytes()[0] & 0x7f)] |= 1 << name.len().min(63);
        }
        Statements {
            stmts,
            by_name,
            shapes,
        }
    }

    /// The statements declaring `word`, if any.
    fn declaring(&self, word: &str) -> Option<&Vec<usize>> {
        let shape = self.shapes[usize::from(word.as_bytes()[0] & 0x7f)];
        if shape & (1 << word.len().min(63)) == 0 {
            return None;
        }
        self.by_name.get(word)
    }

    /// The statements of helpers `used` says are in that `glue` reaches: a
    /// declaration (`function`, `class`, `const`, `let`, or `C.p = ...` for
    /// `C`) when its name is a word of `glue` or of a statement already
    /// kept; a statement that declares nothing always. Words are every
    /// identifier-like token, in code, strings or not, so the test errs on
    /// the side of keeping. In table order (dependencies first).
    fn render(&self, glue: &str, used: impl Fn(usize) -> bool) -> String {
        let mut keep = vec![false; self.stmts.len()];
        let mut work: Vec<usize> = (self.stmts.iter().enumerate())
            .filter(|(_, st)| st.name.is_none() && used(st.helper))
            .map(|(k, _)| k)
            .collect();
        work.extend(words(glue).filter_map(|w| self.declaring(w)).flatten());
        while let Some(k) = work.pop() {
            if keep[k] || !used(self.stmts[k].helper) {
                continue;
            }
            keep[k] = true;
            work.extend(self.stmts[k].refs.iter().filter(|&&r| !keep[r]));
        }
        (self.stmts.iter().zip(keep))
            .filter(|(_, k)| *k)
            .map(|(st, _)| st.text.as_str())
            .collect()
    }
}

/// The helpers' statements, cut and linked on first use.
fn helper_statements() -> &'static Statements {
    static TABLE: OnceLock<Statements> = OnceLock::new();
    TABLE.get_or_init(|| {
        Statements::new(HELPERS.iter().enumerate().map(|(i, h)| {
            let mut source = String::new();
            push_stripped(&mut source, h.source);
            (i, source)
        }))
    })
}

/// The statements of one `source` that `glue` reaches (see [`Statements::render`]).
#[cfg(test)]
fn reachable(source: &str, glue: &str) -> String {
    Statements::new(std::iter::once((0, source.to_string()))).render(glue, |_| true)
}

/// FNV-1a: the names looked up are short identifiers, hashed once per glue
/// word; SipHash's resistance to chosen keys buys nothing here.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// `source` cut into top-level statements (each from a line at column 0 that
/// does not close a bracket), each with the name it declares, if any.
fn top_level_items(source: &str) -> Vec<(Option<&str>, &str)> {
    let mut starts: Vec<usize> = Vec::new();
    let mut at = 0;
    for line in source.split_inclusive('\n') {
        let opens = line.starts_with(|c: char| !c.is_whitespace() && !"})]".contains(c));
        if opens || starts.is_empty() {
            starts.push(at);
        }
        at += line.len();
    }
    starts.push(source.len());
    (starts.windows(2))
        .map(|w| &source[w[0]..w[1]])
        .map(|text| (declared_name(text), text))
        .collect()
}

/// The name a top-level statement declares: `function f`, `async function f`,
/// `function* f`, `class C`, `const x`, `let x` (one declarator each, as the
/// helpers are written), or the `C` whose property `C.p = ...` sets.
fn declared_name(stmt: &str) -> Option<&str> {
    let rest = stmt.strip_prefix("async ").unwrap_or(stmt);
    let decl = ["function* ", "function ", "class ", "const ", "let "]
        .iter()
        .find_map(|kw| rest.strip_prefix(kw));
    let Some(rest) = decl else {
        // `C.kind = ...;`: belongs to `C` (kept with it, dropped with it).
        let (name, _) = stmt.split_once('.')?;
        return is_identifier(name).then_some(name);
    };
    let end = rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty() && !s.starts_with(|c: char| c.is_ascii_digit()) && s.chars().all(is_word_char)
}

/// The identifier-like words of `js` (ASCII letters, digits, `_`, `$`: the
/// helpers' names are ASCII, so any other byte separates words).
fn words(js: &str) -> impl Iterator<Item = &str> {
    let bytes = js.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() && !is_word_byte(bytes[at]) {
            at += 1;
        }
        let start = at;
        while at < bytes.len() && is_word_byte(bytes[at]) {
            at += 1;
        }
        // Both ends sit next to ASCII bytes: char boundaries.
        (start < at).then(|| &js[start..at])
    })
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
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
        let js = i.render("utf8Decode(m, 0, 0)");
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

    /// Every helper cuts into top-level statements that each parse on their
    /// own and each declare one name, so unreachable ones can be dropped.
    #[test]
    fn every_helper_cuts_into_declarations() {
        for h in HELPERS {
            let mut source = String::new();
            push_stripped(&mut source, h.source);
            for (name, text) in top_level_items(&source) {
                assert!(name.is_some(), "{}.js: no declared name: {text}", h.name);
                crate::minify::minify(text).unwrap_or_else(|e| {
                    panic!("{}.js: `{text}` does not parse alone: {e:?}", h.name)
                });
            }
        }
    }

    /// Only declarations the glue reaches, directly or through kept ones, stay.
    #[test]
    fn unreachable_declarations_are_dropped() {
        let src = "const A = 1;\nfunction f() {\n  return A;\n}\n\
                   function g() {\n  return 2;\n}\nclass C {\n  m() {\n    return f();\n  }\n}\n\
                   let used = 0;\n";
        assert_eq!(
            reachable(src, "new C(); used++;"),
            "const A = 1;\nfunction f() {\n  return A;\n}\nclass C {\n  m() {\n    return f();\n  }\n}\nlet used = 0;\n"
        );
        assert_eq!(reachable(src, "g()"), "function g() {\n  return 2;\n}\n");
        // A statement that declares nothing is kept, and what it names with it.
        assert_eq!(
            reachable("function f() {}\nf();\n", ""),
            "function f() {}\nf();\n"
        );
    }

    /// A component using one resource helper does not carry the others.
    #[test]
    fn a_file_brings_only_what_the_glue_reaches() {
        let mut i = Intrinsics::default();
        i.use_("resources");
        let js = i.render("liftOwn(new HandleTable(), rt, 1);");
        assert!(js.contains("function liftOwn") && js.contains("class HandleTable"));
        assert!(js.contains("function trap"), "reached through handleOf");
        assert!(!js.contains("function lowerBorrow") && !js.contains("function endBorrows"));
    }

    /// The scheduler is one helper name for its modules (`export * from`).
    #[test]
    fn the_scheduler_brings_its_modules() {
        let mut i = Intrinsics::default();
        i.use_("scheduler");
        let decls = [
            "class Store",
            "class Task",
            "function liftCallback",
            "function blockOn",
            "function startFromHost",
            "function threadYield",
            "function threadPromote",
        ];
        let glue: Vec<&str> = decls
            .iter()
            .map(|d| d.rsplit(' ').next().unwrap())
            .collect();
        let js = i.render(&glue.join(" "));
        for decl in decls {
            assert!(js.contains(decl), "{decl}");
        }
        assert!(!js.contains("from './"));
        assert!(!js.contains("latin1"));
    }
}
