//! The instance body and the files around it: core module sources (files or
//! base64), the declarations the generated functions need (imports, flags,
//! async state, realloc wrappers, memories, core functions), the functions,
//! the core instantiations in order, and the returned exports; then the
//! shell, `--minify`, and the core module files.

use std::fmt::Write;

use super::addr;
use super::async_abi;
use super::bindings::Names;
use super::core_def::core_def_expr;
use super::cx::EmitCx;
use super::fused;
use super::ident::{MAY_FLAGS, MAY_FLAGS_MEMORY};
use super::imports::imports;
use super::intrinsics::Intrinsics;
use super::module_src::module_source;
use super::shell::shell;
use crate::names::quote as js_str;
use crate::parse::ComponentIr;
use crate::plan::{CoreInstanceArg, ModuleSrc};
use crate::{Instantiation, OutputFile, Result};

/// The generated functions and the exports object's properties.
pub struct Glue {
    pub fns: String,
    pub properties: Vec<String>,
}

/// What is written besides the glue.
pub struct Files {
    /// Core module files (those not inlined as base64).
    pub files: Vec<OutputFile>,
    /// Import specifiers the glue imports from.
    pub imports: Vec<String>,
}

/// The glue's source and the other files.
pub fn assemble(
    cx: &EmitCx,
    names: &mut Names,
    bytes: &[u8],
    ir: &ComponentIr<'_>,
    glue: Glue,
    esm_exports: &[(String, String)],
) -> Result<(String, Files)> {
    let async_decls = if cx.uses_async {
        async_abi::instance_decls(cx, names)
    } else {
        String::new()
    };
    let (resolve_imports, import_list) = imports(cx, names);
    let (module_srcs, adapter_modules, files) = module_sources(cx, names, bytes, ir);
    let mut body = String::new();
    body.push_str(&addr::engine_check(
        cx.plan,
        ir.memory64,
        &mut names.intrinsics,
    ));
    let loads_files = module_srcs.iter().any(|m| m.starts_with("getCoreModule("))
        || adapter_modules.contains("getCoreModule(");
    if loads_files && cx.opts.instantiation != Instantiation::Esm && cx.opts.default_core_loader {
        body.push_str(&default_core_loader(
            cx.async_instantiation,
            &mut names.intrinsics,
        ));
    }
    body.push_str(&resolve_imports);
    for r in &names.host_resolve {
        writeln!(body, "  {r}").unwrap();
    }
    if let Some(flags) = flag_decls(cx, names) {
        writeln!(body, "  {flags}").unwrap();
    }
    if names.poison {
        let flags: Vec<_> = names.enter_flags.iter().copied().collect();
        writeln!(body, "  {}", super::entry::poison_fn(&flags, cx.flags)).unwrap();
    }
    for line in async_decls.lines() {
        writeln!(body, "  {line}").unwrap();
    }
    for (inst, f, w) in &names.realloc_wrappers {
        let ml = cx.flags.may_leave(*inst);
        writeln!(
            body,
            "  function {w}(a, b, c, d) {{ {ml} = false; const p = {f}(a, b, c, d); {ml} = true; return p; }}"
        )
        .unwrap();
    }
    for line in addr::realloc_wrappers(&mut names.intrinsics, &names.realloc64).lines() {
        writeln!(body, "  {line}").unwrap();
    }
    for d in names.declarations() {
        writeln!(body, "  {d}").unwrap();
    }
    for (m, src) in cx.plan.modules.keys().zip(&module_srcs) {
        writeln!(body, "  const {} = {src};", m.module()).unwrap();
    }
    for line in adapter_modules.lines() {
        writeln!(body, "  {line}").unwrap();
    }
    for line in glue.fns.lines() {
        writeln!(body, "  {line}").unwrap();
    }
    body.push_str(&instantiations(cx, names));
    writeln!(body, "  return {{ {} }};", glue.properties.join(", ")).unwrap();

    let js = shell(
        cx.opts,
        &names.intrinsics,
        &import_list,
        &body,
        esm_exports,
        cx.async_instantiation,
    );
    let js = if cx.opts.minify {
        crate::minify::minify(&js)?
    } else {
        js
    };
    let imports = import_list.into_iter().map(|i| i.key).collect();
    Ok((js, Files { files, imports }))
}

/// `var poisoned = false, me0 = true, ml0 = true;` for the flags in use (or
/// the flags memory, `FlagHome::Memory`).
fn flag_decls(cx: &EmitCx, names: &Names) -> Option<String> {
    let memory = cx.flags.has_memory();
    if names.enter_flags.is_empty() && cx.leave_flags.is_empty() && !memory {
        return None;
    }
    let mut decl: Vec<String> = vec!["poisoned = false".into()];
    if !cx.flags.declared_by_glue() {
        return Some(format!("var {};", decl[0]));
    }
    // The flags in memory are declared with it, all set.
    let flags = cx.flags;
    let enter = (names.enter_flags.iter())
        .filter(|c| !flags.is_byte(**c, false))
        .map(|c| flags.may_enter(*c));
    let leave = (cx.leave_flags.iter())
        .filter(|c| !flags.is_byte(**c, true))
        .map(|c| flags.may_leave(*c));
    decl.extend(enter.chain(leave).map(|f| format!("{f} = true")));
    // `var`, not `let`: V8 checks a closure's read of a `let` for the
    // temporal dead zone every time, and every call reads these.
    let mut out = format!("var {};", decl.join(", "));
    if memory {
        // One page; the fused adapters import it.
        write!(
            out,
            " const {MAY_FLAGS_MEMORY} = new WebAssembly.Memory({{ initial: 1 }}); const {MAY_FLAGS} = new Uint8Array({MAY_FLAGS_MEMORY}.buffer).fill(1);"
        )
        .unwrap();
    }
    Some(out)
}

/// Each plan module's source expression (a file, inline base64, or the
/// host's module), the fused adapters' module declarations, and the files
/// to write.
fn module_sources(
    cx: &EmitCx,
    names: &mut Names,
    bytes: &[u8],
    ir: &ComponentIr<'_>,
) -> (Vec<String>, String, Vec<OutputFile>) {
    let mut srcs = Vec::new();
    let mut files = Vec::new();
    for m in cx.plan.modules.iter() {
        let m = match *m {
            ModuleSrc::Static(m) => m,
            ModuleSrc::Host(import) => {
                srcs.push(import.import());
                continue;
            }
        };
        let (src, file) = module_source(cx, names, &bytes[ir.modules[m].clone()], m);
        srcs.push(src);
        files.extend(file);
    }
    let (adapters, adapter_files) = fused::modules(cx, names, ir.modules.len());
    files.extend(adapter_files);
    (srcs, adapters, files)
}

/// The core instantiations in order, each followed by what must run as soon
/// as its exports exist.
fn instantiations(cx: &EmitCx, names: &mut Names) -> String {
    let aw = cx.aw();
    let mut body = String::new();
    for (i, inst) in cx.plan.instances.iter_enumerated() {
        body.push_str(&fused::before_instance(cx, names, inst));
        let mut args = Vec::new();
        for (name, arg) in &inst.args {
            let v = match arg {
                CoreInstanceArg::Instance(j) => j.exports(),
                CoreInstanceArg::Bag(items) => {
                    let fields: Vec<String> = items
                        .iter()
                        .map(|(n, d)| format!("{}: {}", js_str(n), core_def_expr(cx, names, d)))
                        .collect();
                    format!("{{ {} }}", fields.join(", "))
                }
            };
            args.push(format!("{}: {v}", js_str(name)));
        }
        let instantiate = format!(
            "({aw}instantiateCore({aw}{}, {{ {} }})).exports",
            inst.module.module(),
            args.join(", ")
        );
        let ex = i.exports();
        if cx.uses_async {
            // A start function runs as a synchronous task of its instance.
            let ai = inst.component_instance.async_instance();
            let f = if cx.async_instantiation { "async " } else { "" };
            writeln!(
                body,
                "  const {ex} = {aw}runStart({ai}, {f}() => {instantiate});"
            )
            .unwrap();
        } else {
            writeln!(body, "  const {ex} = {instantiate};").unwrap();
        }
        if let Some(assigns) = names.after_instance.get(&i) {
            for a in assigns {
                writeln!(body, "  {a}").unwrap();
            }
        }
    }
    body
}

/// As jco: `instantiate()` without `getCoreModule` loads the core modules
/// next to the glue (fetch in browsers, fs in Node; sync: Node only).
fn default_core_loader(is_async: bool, intr: &mut Intrinsics) -> String {
    let compile = if is_async {
        "fetchCompile"
    } else {
        "compileSync"
    };
    intr.use_(compile);
    format!("  getCoreModule ??= (file) => {compile}(new URL('./' + file, import.meta.url));\n")
}
