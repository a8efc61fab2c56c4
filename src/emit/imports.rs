//! The glue's imports: each root import the generated code uses, bound from
//! the import object as `impN` (checked: a `WebAssembly.Module`, a function
//! or class, or an instance object), and its specifier after `--map`.

use std::fmt::Write;

use super::bindings::Names;
use super::cx::EmitCx;
use crate::names::quote as js_str;
use crate::names::{map_import, Specifier};
use crate::plan::{HostImportKind, ImportIdx, ModuleSrc};

/// One import of the glue module.
pub struct GlueImport {
    pub import: ImportIdx,
    /// The import object key (`module` or `module#member`).
    pub key: String,
    pub spec: Specifier,
    /// Read as the specifier's default export (else as a namespace).
    pub default: bool,
}

/// The statements binding the used imports, and the imports themselves.
pub fn imports(cx: &EmitCx, names: &mut Names) -> (String, Vec<GlueImport>) {
    for m in &cx.plan.modules {
        if let ModuleSrc::Host(i) = m {
            names.used_imports.insert(*i);
        }
    }
    let mut resolve = String::new();
    let mut list = Vec::new();
    for (i, imp) in cx.plan.imports.iter_enumerated() {
        if !names.used_imports.contains(&i) {
            continue;
        }
        let spec = map_import(&imp.name, &cx.opts.map);
        let key = match &spec.member {
            Some(m) => format!("{}#{m}", spec.module),
            None => spec.module.clone(),
        };
        let v = i.import();
        let get = format!("imports[{}]", js_str(&key));
        match imp.kind {
            HostImportKind::Module => {
                writeln!(
                    resolve,
                    "  const {v} = {get} instanceof WebAssembly.Module ? {get} : {get}?.default;"
                )
                .unwrap();
                let msg = format!(
                    "import `{}` (import object key {key}): expected a WebAssembly.Module",
                    imp.name
                );
                writeln!(
                    resolve,
                    "  if (!({v} instanceof WebAssembly.Module)) throw new TypeError({});",
                    js_str(&msg)
                )
                .unwrap();
            }
            // A root resource's class is, like a function, a default export.
            HostImportKind::Func(_) | HostImportKind::Class(_) => {
                writeln!(
                    resolve,
                    "  const {v} = typeof {get} === 'function' ? {get} : {get}?.default;"
                )
                .unwrap();
            }
            HostImportKind::Instance => {
                writeln!(resolve, "  const {v} = {get};").unwrap();
                let msg = format!("missing import `{}` (import object key {key})", imp.name);
                writeln!(
                    resolve,
                    "  if ({v} == null) throw new TypeError({});",
                    js_str(&msg)
                )
                .unwrap();
            }
        }
        list.push(GlueImport {
            import: i,
            key,
            spec,
            default: !matches!(imp.kind, HostImportKind::Instance),
        });
    }
    (resolve, list)
}
