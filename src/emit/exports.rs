//! The glue's exports, rendered from the [`ExportSurface`]: the host-facing
//! function of each exported lift, the `instantiate()` result's properties,
//! one object per exported instance, the ESM export list, and the members
//! of exported resources' classes.

use std::collections::HashMap;
use std::fmt::Write;

use super::bindings::Names;
use super::cx::EmitCx;
use super::ident::LiftForm;
use super::lift;
use super::namespaces::Namespaces;
use crate::export_surface::{ExportKind, ExportSurface, Member, Shape, SurfaceItem};
use crate::names::quote as js_str;
use crate::plan::{Callee, ExportItem, HostImportKind, LiftedIdx, ResourceIdx};
use crate::types::FuncType;

/// What the exports contribute to the glue.
#[derive(Default)]
pub struct Exports {
    /// Host-facing lifted functions.
    pub fns: String,
    /// `const instN = { … };` per exported instance.
    pub objects: String,
    /// Properties of the object `$instantiate` returns.
    pub properties: Vec<String>,
    /// ESM exports: (export name, key of the instantiate result).
    pub esm: Vec<(String, String)>,
    /// Members of exported resources' classes (rendered with the class).
    pub class_members: HashMap<ResourceIdx, Vec<String>>,
}

/// The surface of the plan's root exports.
pub fn surface(cx: &EmitCx) -> ExportSurface {
    fn kind(item: &ExportItem) -> ExportKind {
        match item {
            ExportItem::Func(..) => ExportKind::Func,
            ExportItem::Resource(_) => ExportKind::Resource,
            ExportItem::Instance(items) => {
                ExportKind::Interface(items.iter().map(|(n, it)| (n.clone(), kind(it))).collect())
            }
        }
    }
    let exports: Vec<(String, ExportKind)> = (cx.plan.exports.iter())
        .map(|(n, it)| (n.clone(), kind(it)))
        .collect();
    ExportSurface::new(&exports)
}

/// Renders every export of `surface` (the plan's, in its order).
pub fn exports(
    cx: &EmitCx,
    names: &mut Names,
    surface: &ExportSurface,
    ns: &Namespaces,
) -> Exports {
    let mut out = Exports::default();
    out.objects.push_str(&ns.decls(cx.opts.value_style));
    let mut generated: Vec<LiftedIdx> = Vec::new();
    let mut inst_count = 0;
    let root_resources = exported_resources(&cx.plan.exports);
    for ((name, item), s) in cx.plan.exports.iter().zip(&surface.items) {
        match item {
            ExportItem::Func(callee, ty) => {
                let f = export_fn(cx, names, &mut out.fns, &mut generated, callee, name);
                let props = place(&mut out, &root_resources, s, &f, ty);
                out.properties.extend(props);
                if let Some(short) = &s.short {
                    out.esm.push((short.clone(), js_str(name)));
                }
            }
            ExportItem::Resource(rt) => {
                let cls = format!("{}.cls", rt.resource_type());
                if let Shape::Keys(keys) = &s.shape {
                    out.properties
                        .extend(keys.iter().map(|k| format!("{}: {cls}", js_str(k))));
                }
                if let Some(short) = &s.short {
                    out.esm.push((short.clone(), js_str(short)));
                }
            }
            ExportItem::Instance(items) => {
                let mut members = Vec::new();
                let rts = exported_resources(items);
                for ((n, it), m) in items.iter().zip(&s.members) {
                    match it {
                        ExportItem::Func(callee, ty) => {
                            let what = format!("{name}#{n}");
                            let f =
                                export_fn(cx, names, &mut out.fns, &mut generated, callee, &what);
                            members.extend(place(&mut out, &rts, m, &f, ty));
                        }
                        ExportItem::Resource(rt) => {
                            if let Shape::Keys(keys) = &m.shape {
                                let cls = format!("{}.cls", rt.resource_type());
                                members
                                    .extend(keys.iter().map(|k| format!("{}: {cls}", js_str(k))));
                            }
                        }
                        ExportItem::Instance(_) => {}
                    }
                }
                for (key, obj) in ns.members(name) {
                    members.push(format!("{}: {obj}", js_str(&key)));
                }
                let inst = format!("inst{inst_count}");
                inst_count += 1;
                writeln!(out.objects, "const {inst} = {{ {} }};", members.join(", ")).unwrap();
                if let Shape::Keys(keys) = &s.shape {
                    out.properties
                        .extend(keys.iter().map(|k| format!("{}: {inst}", js_str(k))));
                }
                if let Some(short) = &s.short {
                    out.esm.push((short.clone(), js_str(name)));
                }
                let namespaced = name.contains(':') || name.contains('/');
                if namespaced && cx.opts.namespaced_exports {
                    out.esm.push((js_str(name), js_str(name)));
                }
            }
        }
    }
    // The world's own namespace objects (its `.d.ts` declares them at the root).
    for (key, obj) in ns.members("") {
        if !out.esm.iter().any(|(n, _)| *n == key) {
            out.properties.push(format!("{}: {obj}", js_str(&key)));
            out.esm.push((key.clone(), js_str(&key)));
        }
    }
    out
}

/// Puts function `f` where the surface says: a class member (recorded in
/// `out.class_members`) or properties of the enclosing object (returned).
fn place(
    out: &mut Exports,
    resources: &HashMap<&str, ResourceIdx>,
    s: &SurfaceItem,
    f: &str,
    ty: &FuncType,
) -> Vec<String> {
    match &s.shape {
        Shape::Keys(keys) => keys.iter().map(|k| format!("{}: {f}", js_str(k))).collect(),
        Shape::ClassMember { resource, member } => {
            let rt = resources[resource.as_str()];
            let m = class_member(member, f, ty.params.len());
            out.class_members.entry(rt).or_default().push(m);
            Vec::new()
        }
    }
}

/// The JS function an exported callee is called through: the host-facing
/// lift (generated on first use, `--tracing` wraps it) or the host's own.
fn export_fn(
    cx: &EmitCx,
    names: &mut Names,
    fns: &mut String,
    generated: &mut Vec<LiftedIdx>,
    callee: &Callee,
    fname: &str,
) -> String {
    match callee {
        Callee::Lifted(i) => {
            if !generated.contains(i) {
                generated.push(*i);
                fns.push_str(&lift::host_lifted(cx, names, *i, fname));
                if cx.opts.tracing {
                    let ty = &cx.plan.lifted[*i].ty;
                    let t = traced(names, fname, ty, &i.form(LiftForm::Host));
                    fns.push_str(&format!("const {} = {t};\n", i.traced()));
                }
            }
            if cx.opts.tracing {
                i.traced()
            } else {
                i.form(LiftForm::Host)
            }
        }
        Callee::Host { import, path } => {
            let n = match &cx.plan.imports[*import].kind {
                HostImportKind::Func(ty) => ty.params.len(),
                HostImportKind::Class(fs) => fs
                    .iter()
                    .find(|(n, _)| path.first() == Some(n))
                    .map_or(0, |(_, t)| t.params.len()),
                HostImportKind::Instance | HostImportKind::Module => 0,
            };
            names.host_func(cx, *import, path, n)
        }
    }
}

/// Exported resource types of an export list, by name.
fn exported_resources(items: &[(String, ExportItem)]) -> HashMap<&str, ResourceIdx> {
    items
        .iter()
        .filter_map(|(n, it)| match it {
            ExportItem::Resource(rt) => Some((n.as_str(), *rt)),
            _ => None,
        })
        .collect()
}

/// A class member calling the host-facing lifted function `f`.
fn class_member(member: &Member, f: &str, nparams: usize) -> String {
    let args: Vec<String> = (0..nparams).map(|i| format!("a{i}")).collect();
    match member {
        Member::Constructor => {
            let a = args.join(", ");
            format!("constructor({a}) {{ return {f}({a}); }}")
        }
        Member::Method(m) => {
            let rest = args.get(1..).unwrap_or(&[]).join(", ");
            let call = std::iter::once("this".to_string())
                .chain(args.iter().skip(1).cloned())
                .collect::<Vec<_>>();
            format!(
                "{}({rest}) {{ return {f}({}); }}",
                method_key(m),
                call.join(", ")
            )
        }
        Member::Static(m) => {
            let a = args.join(", ");
            format!("static {}({a}) {{ return {f}({a}); }}", method_key(m))
        }
    }
}

/// A camelCase method name as a class member key (`constructor` quoted, so
/// that a method of that name is not the class's constructor).
fn method_key(camel: &str) -> String {
    if camel == "constructor" {
        js_str(camel)
    } else {
        camel.to_string()
    }
}

/// `traced(iface, function, params, f)`: `f` logging its calls (`--tracing`).
/// `what` is `iface#func` or a world function's name.
fn traced(names: &mut Names, what: &str, ty: &FuncType, f: &str) -> String {
    names.intrinsics.use_("traced");
    let (iface, func) = what.rsplit_once('#').unwrap_or((what, what));
    let params: Vec<String> = ty.params.iter().map(|(n, _)| js_str(n)).collect();
    format!(
        "traced({}, {}, [{}], {f})",
        js_str(iface),
        js_str(func),
        params.join(", ")
    )
}
