//! What `-O` and `--js` (jco's flags) do with binaryen's tools around the
//! transpiler's output; the caller runs the tools (the native CLI as
//! processes, the npm package through Node), so both write the same bytes.
//!
//! `-O`: every core module through `wasm-opt`. `--js`: every core module
//! turned into JS by `wasm2js`, for engines without WebAssembly. Each
//! `<name>.coreN.wasm` becomes `<name>.coreN.js`, an ES module whose default
//! export instantiates it (`(imports) => exports`, under the wasm export
//! names); the plain-ESM glue loads those instead of compiling wasm.
//!
//! wasm2js splits i64 values at a function boundary into two i32s: the
//! module's wrapper joins and splits them again (`i64`), so the glue is the
//! same as for wasm. `-I` (whose caller supplies the modules) and `--minify`
//! (whose glue this does not rewrite) are errors. As with jco, a module that
//! imports another's memory keeps views of it made at instantiation: memory
//! the exporter grows later is not visible to it.

use wasm_encoder::{ExportKind, ExportSection};
use wasmparser::{ExternalKind, Parser, Payload, TypeRef};

mod i64;
use i64::{Legalized, Sig};

use crate::{Error, Instantiation, OutputFile, Result, TranspileOptions};

/// Runs binaryen's tools on one core module (`file` names it in messages).
pub trait Tools {
    /// `wasm-opt` with the caller's arguments: the optimised module.
    fn wasm_opt(&mut self, wasm: &[u8], file: &str) -> Result<Vec<u8>>;
    /// `wasm2js -all`: its ES module text.
    fn wasm2js(&mut self, wasm: &[u8], file: &str) -> Result<String>;
}

/// The glue's module loader and instantiator, and what `--js` puts instead.
const REWRITES: [(&str, &str); 2] = [
    (
        "(file) => fetchCompile(new URL('./' + file, import.meta.url))",
        "(file) => import(new URL('./' + file.replace(/\\.wasm$/, '.js'), import.meta.url))",
    ),
    (
        "instantiateCore = WebAssembly.instantiate)",
        "instantiateCore = async (m, imports) => ({ exports: m.default(imports) }))",
    ),
];

/// `-O`: every core module through `wasm-opt`, in place.
pub fn optimize(files: &mut [OutputFile], tools: &mut dyn Tools) -> Result<()> {
    for f in files.iter_mut().filter(|f| f.path.ends_with(".wasm")) {
        f.contents = tools.wasm_opt(&f.contents, &f.path)?;
    }
    Ok(())
}

/// `--js` rewrites plain-ESM glue only: an error before any work otherwise.
pub fn check_js(opts: &TranspileOptions) -> Result<()> {
    if opts.instantiation != Instantiation::Esm || opts.minify {
        return Err(Error::unsupported(
            "--js needs plain ESM glue (not with --instantiation or --minify)",
        ));
    }
    Ok(())
}

/// `--js`: replaces every `.wasm` file by its wasm2js module and points the
/// glue (`glue_name`) at them.
pub fn to_js(files: &mut [OutputFile], glue_name: &str, tools: &mut dyn Tools) -> Result<()> {
    for f in files.iter_mut().filter(|f| f.path.ends_with(".wasm")) {
        let (renamed, names, legal) = rename_exports(&f.contents)?;
        let js = tools.wasm2js(&renamed, &f.path)?;
        f.path = format!("{}.js", f.path.trim_end_matches(".wasm"));
        f.contents = module_text(&js, &names, &legal, &f.path)?.into_bytes();
    }
    let glue = files
        .iter_mut()
        .find(|f| f.path == glue_name)
        .ok_or_else(|| Error::io(format!("--js: no glue file {glue_name}")))?;
    let mut text = String::from_utf8_lossy(&glue.contents).into_owned();
    for (from, to) in REWRITES {
        if text.matches(from).count() != 1 {
            return Err(Error::io(format!(
                "--js: {glue_name} does not load its core modules as expected"
            )));
        }
        text = text.replace(from, to);
    }
    glue.contents = text.into_bytes();
    Ok(())
}

/// The module with its exports renamed `e0`, `e1`, … (names wasm2js keeps as
/// they are), the original names in that order, and the imported and
/// exported functions that pass an i64.
type Renamed = (Vec<u8>, Vec<String>, Legalized);
fn rename_exports(wasm: &[u8]) -> Result<Renamed> {
    let mut types = Vec::new();
    let mut func_types = Vec::new();
    let mut names = Vec::new();
    let mut legal = Legalized::default();
    let mut section = ExportSection::new();
    let mut range = None;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::TypeSection(r) => {
                for ty in r.into_iter_err_on_gc_types() {
                    types.push(ty?);
                }
            }
            Payload::ImportSection(r) => {
                for imp in r.into_imports() {
                    let imp = imp?;
                    if let TypeRef::Func(t) = imp.ty {
                        if let Some(sig) = Sig::of(&types[t as usize], imp.name)? {
                            legal
                                .imports
                                .push((imp.module.into(), imp.name.into(), sig));
                        }
                        func_types.push(t);
                    }
                }
            }
            Payload::FunctionSection(r) => {
                for t in r {
                    func_types.push(t?);
                }
            }
            Payload::ExportSection(r) => {
                let r_range = r.range();
                range = Some(r_range.start as usize..r_range.end as usize);
                for exp in r {
                    let exp = exp?;
                    let kind = match exp.kind {
                        ExternalKind::Func | ExternalKind::FuncExact => {
                            let ty = &types[func_types[exp.index as usize] as usize];
                            if let Some(sig) = Sig::of(ty, exp.name)? {
                                legal.exports.push((names.len(), sig));
                            }
                            ExportKind::Func
                        }
                        ExternalKind::Table => ExportKind::Table,
                        ExternalKind::Memory => ExportKind::Memory,
                        ExternalKind::Global => ExportKind::Global,
                        ExternalKind::Tag => ExportKind::Tag,
                    };
                    section.export(&format!("e{}", names.len()), kind, exp.index);
                    names.push(exp.name.to_string());
                }
            }
            _ => {}
        }
    }
    let Some(range) = range else {
        return Ok((wasm.to_vec(), names, legal));
    };
    // The new section: id 7, its size, its contents (wasm_encoder writes all
    // three after a module header).
    let mut module = wasm_encoder::Module::new();
    module.section(&section);
    let encoded = module.finish();
    let header_len = section_header_start(wasm, range.start);
    let mut out = wasm[..header_len].to_vec();
    out.extend_from_slice(&encoded[8..]);
    out.extend_from_slice(&wasm[range.end..]);
    Ok((out, names, legal))
}

/// Where the section whose contents start at `start` begins (its id byte):
/// back over the LEB128 size and the id.
fn section_header_start(wasm: &[u8], start: usize) -> usize {
    let mut i = start - 1;
    // The size's last byte has no continuation bit; earlier ones do.
    while i > 0 && wasm[i - 1] & 0x80 != 0 {
        i -= 1;
    }
    i - 1
}

/// wasm2js's ES module (which imports its imports and instantiates itself)
/// as one whose default export instantiates it with the given imports.
fn module_text(js: &str, names: &[String], legal: &Legalized, file: &str) -> Result<String> {
    let end = js
        .find("\nvar retasmFunc = ")
        .ok_or_else(|| Error::io(format!("--js: unexpected wasm2js output for {file}")))?;
    let body: String = js[..end]
        .lines()
        .filter(|l| !(l.starts_with("import * as ") && l.ends_with(';')))
        // A module importing memory would replace the exporter's `grow`
        // (read-only on wasm2js's memory object); it keeps its own views.
        .filter(|l| l.trim() != "memory.grow = __wasm_memory_grow;")
        .map(|l| format!("{l}\n"))
        .collect();
    let exports: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, n)| format!("{}: {}", json_string(n), legal.export(i)))
        .collect();
    Ok(format!(
        "// Generated by weft --js (binaryen's wasm2js). Do not edit.\n{body}\n{}\
         export default function instantiate(imports) {{\n{}  \
         const ex = asmFunc(imports);\n  return {{ {} }};\n}}\n",
        legal.runtime(),
        legal.wrap_imports(),
        exports.join(", ")
    ))
}

/// A double-quoted JSON string literal (also a JS one), escaped as JSON does.
fn json_string(s: &str) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
