//! `--minify`: parses the generated glue with swc, gives every binding the
//! module does not export a short name (swc's scope-aware renamer), and
//! prints it back with swc's minifying code generator (no whitespace, no
//! comments). Exported bindings keep their local names too (the bundler
//! plugin finds `export { $instantiate as instantiate }` by them); globals,
//! property names and class names stay as they are: a resource class still
//! reads `Counter` in a console.

use std::collections::HashSet;

use swc_common::{sync::Lrc, FileName, Mark, SourceMap, GLOBALS};
use swc_ecma_ast::{
    Decl, ExportSpecifier, Id, Module, ModuleDecl, ModuleExportName, ModuleItem, Pat, Program,
};
use swc_ecma_codegen::{text_writer::JsWriter, Config, Emitter};
use swc_ecma_parser::{Parser, StringInput, Syntax};
use swc_ecma_transforms_base::{
    hygiene,
    rename::{renamer, Renamer},
    resolver,
};

use crate::{Error, Result};

pub fn minify(js: &str) -> Result<String> {
    let cm: Lrc<SourceMap> = Default::default();
    let fm = cm.new_source_file(Lrc::new(FileName::Anon), js.to_string());
    let mut parser = Parser::new(
        Syntax::Es(Default::default()),
        StringInput::from(&*fm),
        None,
    );
    let module = parser.parse_module().map_err(|e| {
        Error::invalid(
            format!(
                "internal error: generated JS does not parse: {:?}",
                e.kind()
            ),
            None,
        )
    })?;
    let module = mangle(module);
    let mut buf = Vec::new();
    {
        let wr = JsWriter::new(cm.clone(), "\n", &mut buf, None);
        let mut emitter = Emitter {
            cfg: Config::default().with_minify(true),
            cm: cm.clone(),
            comments: None,
            wr: Box::new(swc_ecma_codegen::text_writer::omit_trailing_semi(wr)),
        };
        emitter
            .emit_module(&module)
            .map_err(|e| Error::io(format!("printing minified JS: {e}")))?;
    }
    String::from_utf8(buf).map_err(|e| Error::io(format!("minified JS is not UTF-8: {e}")))
}

/// Renames the module's own bindings to the shortest free names: the
/// resolver tells apart bindings of the same name in different scopes, the
/// renamer reuses a short name wherever scopes do not overlap.
fn mangle(module: Module) -> Module {
    GLOBALS.set(&Default::default(), || {
        let unresolved = Mark::new();
        let top_level = Mark::new();
        let mut program = Program::Module(module);
        program.mutate(resolver(unresolved, top_level, false));
        let config = hygiene::Config {
            keep_class_names: true,
            top_level_mark: top_level,
            ignore_eval: false,
        };
        let keep = match &program {
            Program::Module(m) => exported_locals(m),
            Program::Script(_) => HashSet::new(),
        };
        program.mutate(renamer(config, ShortNames { keep }));
        match program {
            Program::Module(m) => m,
            Program::Script(_) => unreachable!("parsed as a module"),
        }
    })
}

/// The local bindings the module exports (`export { x as y }`,
/// `export function f`, `export const c`), as the resolver marked them.
fn exported_locals(m: &Module) -> HashSet<Id> {
    let mut keep = HashSet::new();
    for item in &m.body {
        let ModuleItem::ModuleDecl(decl) = item else {
            continue;
        };
        match decl {
            ModuleDecl::ExportNamed(named) if named.src.is_none() => {
                for s in &named.specifiers {
                    if let ExportSpecifier::Named(s) = s {
                        if let ModuleExportName::Ident(i) = &s.orig {
                            keep.insert(i.to_id());
                        }
                    }
                }
            }
            ModuleDecl::ExportDecl(e) => match &e.decl {
                Decl::Fn(f) => {
                    keep.insert(f.ident.to_id());
                }
                Decl::Class(c) => {
                    keep.insert(c.ident.to_id());
                }
                Decl::Var(v) => keep.extend(v.decls.iter().filter_map(|d| match &d.name {
                    Pat::Ident(b) => Some(b.id.to_id()),
                    _ => None,
                })),
                _ => {}
            },
            _ => {}
        }
    }
    keep
}

/// Names `a`, `b`, …, `$`, `_`, `aa`, `ab`, … skipping reserved words; the
/// bindings in `keep` keep theirs.
struct ShortNames {
    keep: HashSet<Id>,
}

impl Renamer for ShortNames {
    type Target = swc_atoms::Atom;
    const RESET_N: bool = false;
    const MANGLE: bool = true;

    fn preserve_name(&self, orig: &Id) -> bool {
        self.keep.contains(orig)
    }

    fn new_name_for(&self, _orig: &Id, n: &mut usize) -> swc_atoms::Atom {
        loop {
            let name = short_name(*n);
            *n += 1;
            if !RESERVED.contains(&name.as_str()) {
                return name.into();
            }
        }
    }
}

/// The `n`th name: one of 54 first characters, then base 64 digits.
fn short_name(mut n: usize) -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ$_0123456789";
    let mut s = String::new();
    s.push(CHARS[n % 54] as char);
    n /= 54;
    while n > 0 {
        n -= 1;
        s.push(CHARS[n % 64] as char);
        n /= 64;
    }
    s
}

/// Words a binding may not be named in module (strict) code.
const RESERVED: &[&str] = &[
    "do",
    "if",
    "in",
    "for",
    "let",
    "new",
    "try",
    "var",
    "case",
    "else",
    "enum",
    "eval",
    "null",
    "this",
    "true",
    "void",
    "with",
    "await",
    "break",
    "catch",
    "class",
    "const",
    "false",
    "super",
    "throw",
    "while",
    "yield",
    "delete",
    "export",
    "import",
    "public",
    "return",
    "static",
    "switch",
    "typeof",
    "default",
    "extends",
    "finally",
    "package",
    "private",
    "continue",
    "debugger",
    "function",
    "arguments",
    "interface",
    "protected",
    "implements",
    "instanceof",
    "NaN",
    "Infinity",
    "undefined",
];

#[cfg(test)]
mod tests {
    use super::{minify, short_name};

    #[test]
    fn minifies_and_keeps_exported_names() {
        let out = minify(
            "// c\nfunction f(alpha, beta) {\n  return alpha + beta;\n}\nexport { f as 'x:y' };\n",
        )
        .unwrap();
        assert_eq!(out, "function f(a,b){return a+b}export{f as \"x:y\"};");
    }

    #[test]
    fn keeps_globals_properties_and_class_names() {
        let out = minify(
            "const process = 1;\nclass Counter { get value() { return globalThis.x + process; } }\n\
             export function make(count) { const o = { count }; return [new Counter(), o.count]; }\n",
        )
        .unwrap();
        assert!(
            out.contains("Counter") && out.contains("globalThis.x"),
            "{out}"
        );
        assert!(out.contains("export function make("), "{out}");
        assert!(out.contains("count:"), "{out}");
        assert!(!out.contains("process"), "{out}");
    }

    /// The bundler plugin cuts `export { $instantiate as instantiate }` out
    /// of the glue and calls `$instantiate` itself, minified or not.
    #[test]
    fn exported_bindings_keep_their_local_names() {
        let out = minify(
            "async function $instantiate(getCoreModule) { const inner = 1; return inner; }\n\
             export { $instantiate as instantiate };\n",
        )
        .unwrap();
        assert_eq!(
            out,
            "async function $instantiate(a){const b=1;return b}export{$instantiate as instantiate};"
        );
    }

    #[test]
    fn short_names_are_distinct_and_never_reserved() {
        let names: Vec<String> = (0..54 * 64 * 2).map(short_name).collect();
        let set: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(set.len(), names.len());
        assert_eq!(short_name(0), "a");
        assert_eq!(short_name(54), "aa");
        assert_eq!(short_name(54 + 54 * 64), "aaa");
    }
}
