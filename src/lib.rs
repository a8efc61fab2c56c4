//! weft: turns a WebAssembly component into plain core modules plus ESM glue
//! that implements the Canonical ABI, so the component runs in any JS engine.
//!
//! Pipeline (see `docs/architecture.md`):
//! `parse` (binary -> component IR with validated types) -> `flatten`
//! (symbolic instantiation -> ordered [`plan::Plan`]) -> `emit` (plan -> JS glue,
//! `.d.ts`, core module files).

pub mod abi;
pub mod addr;
pub mod binaryen;
#[cfg(feature = "text")]
pub mod component_text;
pub mod edge;
pub mod error;
pub mod export_surface;
pub mod flatten;
pub mod fuse;
mod import_free;
pub mod index;
pub mod names;
#[cfg(feature = "npm")]
pub mod npm_api;
pub mod options;
pub mod panic_guard;
pub mod parse;
pub mod plan;
#[cfg(any(feature = "cli", feature = "npm"))]
pub mod stub;
pub mod types;
pub mod value_style;
pub mod wasi_host;
pub mod wit;

mod emit;
mod minify;
pub mod option_checks;

pub use edge::EdgeTarget;
pub use error::{Error, Result};
pub use options::{AsyncMode, Instantiation, TranspileOptions};
pub use value_style::ValueStyle;

/// One file written by the transpiler, relative to the output directory.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: String,
    pub contents: Vec<u8>,
}

/// Everything `transpile` produces: the files plus a summary for the CLI.
#[derive(Debug, Clone, Default)]
pub struct Transpiled {
    pub files: Vec<OutputFile>,
    /// Import specifiers the glue imports from (after `--map`).
    pub imports: Vec<String>,
    /// Export names of the glue module.
    pub exports: Vec<String>,
    /// Things the user should know that did not stop transpilation.
    pub warnings: Vec<String>,
}

/// `.d.ts` for a component without a WIT world: every export, typed `any`.
fn loose_dts(name: &str, exports: &[String]) -> OutputFile {
    let mut s =
        String::from("// This component has no WIT world, so its exports are declared untyped.\n");
    for (i, e) in exports.iter().enumerate() {
        s.push_str(&format!(
            "declare const e{i}: any;\nexport {{ e{i} as {e} }};\n"
        ));
    }
    OutputFile {
        path: format!("{name}.d.ts"),
        contents: s.into_bytes(),
    }
}

/// Transpiles a binary component into JS glue, core modules and TypeScript types.
pub fn transpile(component: &[u8], opts: &TranspileOptions) -> Result<Transpiled> {
    option_checks::check_name(&opts.name)?;
    let ir = parse::parse(component)?;
    let plan = flatten::flatten(&ir)?;
    option_checks::check_async_lists(&plan, opts)?;
    // An edge target serves the component from async glue (JSPI for a 0.2 handler).
    let edge_opts;
    let opts = match opts.target {
        Some(target) => {
            edge::check_proxy(&plan, target)?;
            let mut o = opts.clone();
            o.instantiation = Instantiation::Async;
            // A 0.3 handler is an async (callback) export: no JSPI, which
            // would compile wasm at run time (workerd forbids that).
            if edge::needs_jspi(&plan) {
                o.async_mode = AsyncMode::Jspi;
            }
            edge_opts = o;
            &edge_opts
        }
        None => opts,
    };
    // Plain ESM has no import object: WASI comes from the host written next to the glue.
    let bundle_wasi = opts.instantiation == Instantiation::Esm
        && opts.wasi_shim
        && wasi_host::needs_bundled_host(&plan, &opts.map);
    // WASI 0.3 interfaces that share their 0.2 twin's names but not its shapes get keys of their own.
    let esm_host = wasi_host::MAP.1.split('#').next();
    let split = wasi_host::version_map(&plan, &opts.map, esm_host.filter(|_| bundle_wasi));
    let mapped;
    let opts = if bundle_wasi || !split.is_empty() {
        let mut o = opts.clone();
        o.map.extend(split);
        if bundle_wasi {
            o.map
                .push((wasi_host::MAP.0.to_string(), wasi_host::MAP.1.to_string()));
        }
        mapped = o;
        &mapped
    } else {
        opts
    };
    let mut out = emit::emit(component, &ir, &plan, opts)?;
    if bundle_wasi {
        for (path, src) in wasi_host::files() {
            out.files.push(OutputFile {
                path,
                contents: src.as_bytes().to_vec(),
            });
        }
    }
    if let Some(target) = opts.target {
        edge::add_files(&mut out.files, &opts.name, target, edge::needs_jspi(&plan));
    }
    if opts.typescript {
        match wit::component_dts_for(component, opts) {
            Ok(files) => out.files.extend(files),
            // Not every valid component has a WIT world (e.g. one exporting
            // bare types); its glue works, its types are declared loosely.
            Err(e) => {
                out.warnings.push(format!(
                    "TypeScript declarations are untyped: {}",
                    e.message
                ));
                out.files.push(loose_dts(&opts.name, &out.exports));
            }
        }
    }
    Ok(out)
}
