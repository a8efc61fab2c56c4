//! Resources in the glue: the `canon resource.*` built-ins, run-time resource
//! types, per-instance handle tables, and the JS classes of guest resources.

use std::collections::HashMap;
use std::fmt::Write;

use super::bindings::Names;
use super::cx::EmitCx;
use super::entry::EntryGuard;
use crate::names::quote as js_str;
use crate::plan::{CoreDef, ResourceIdx, ResourceOp};

/// `resNew/Rep/Drop{rt}_{instance}`: the core function for a `canon resource.*`.
pub fn resource_builtin(cx: &EmitCx, names: &mut Names, d: &CoreDef) -> String {
    let CoreDef::Resource { op, rt, instance } = d else {
        unreachable!()
    };
    names.intrinsics.use_("resources");
    names.intrinsics.use_("trap");
    let name = names.core_func(d);
    let leave = format!("if (!{}) cannotLeave();", cx.flags.may_leave(*instance));
    let (tbl, rtn) = (instance.table(), rt.resource_type());
    match op {
        ResourceOp::New => {
            format!("function {name}(rep) {{ {leave} return resourceNew({tbl}, {rtn}, rep); }}\n")
        }
        ResourceOp::Rep => {
            format!("function {name}(i) {{ return resourceRep({tbl}, {rtn}, i); }}\n")
        }
        ResourceOp::Drop => {
            let r = &cx.plan.resources[*rt];
            let dtor = match (r.impl_instance, &r.dtor) {
                (None, _) => format!("hostRelease({rtn}, h.rep, true);"),
                (Some(_), None) => String::new(),
                (Some(imp), Some(dtor)) => {
                    let f = names.core_func(dtor);
                    let entering = cx.plan.entering_set(imp, Some(*instance));
                    names.enter_flags.extend(entering.iter().copied());
                    let guard = EntryGuard::from_component(&entering, cx.flags);
                    if cx.uses_async {
                        // The destructor runs as a synchronous task of its instance.
                        names.intrinsics.use_("scheduler");
                        let ai = imp.async_instance();
                        guard.around(&format!(
                            "{{ const t = enterSync({ai}); try {{ {f}(h.rep); }} finally {{ leaveSync(t); }} }}"
                        ))
                    } else {
                        guard.around(&format!("{f}(h.rep)"))
                    }
                }
            };
            format!(
                "function {name}(i) {{\n  {leave}\n  const h = resourceDropHandle({tbl}, {rtn}, i);\n  if (h.own) {{ {dtor} }}\n}}\n"
            )
        }
    }
}

/// Run-time resource types, one handle table per component instance, and a
/// class per guest resource (with the exported constructor/methods/statics).
pub fn resource_decls(
    cx: &EmitCx,
    names: &mut Names,
    mut class_members: HashMap<ResourceIdx, Vec<String>>,
) -> String {
    names.intrinsics.use_("resources");
    let mut out = String::new();
    for c in cx.plan.component_instances.keys() {
        let tbl = c.table();
        if cx.uses_async {
            // One table per instance for handles, waitables and error contexts.
            writeln!(out, "const {tbl} = {}.handles;", c.async_instance()).unwrap();
        } else {
            writeln!(out, "const {tbl} = new HandleTable();").unwrap();
        }
    }
    for (i, r) in cx.plan.resources.iter_enumerated() {
        let name = if r.name.is_empty() {
            format!("resource{}", i.index())
        } else {
            r.name.clone()
        };
        let imp = r
            .impl_instance
            .map(|i| i.index().to_string())
            .unwrap_or_else(|| "HOST".into());
        let rt = i.resource_type();
        writeln!(out, "const {rt} = resourceType({}, {imp});", js_str(&name)).unwrap();
        if let Some(imp) = r.impl_instance {
            let class = crate::names::upper_camel(&name);
            let members = class_members.remove(&i).unwrap_or_default();
            let has_ctor = members.iter().any(|m| m.starts_with("constructor("));
            let mut body = members.join(" ");
            if !has_ctor {
                write!(
                    body,
                    " constructor() {{ throw new TypeError({}); }}",
                    js_str(&format!("{class} has no constructor"))
                )
                .unwrap();
            }
            writeln!(out, "{rt}.cls = class {class} {{ {body} [Symbol.dispose]() {{ disposeGuest(this); }} }};").unwrap();
            if let Some(d) = &r.dtor {
                let f = names.core_func(d);
                let entering = cx.plan.entering_set(imp, None);
                names.enter_flags.extend(entering.iter().copied());
                names.intrinsics.use_("trap");
                names.poison |= cx.folded_poison;
                let guard = EntryGuard::from_host(&entering, cx.uses_async, cx.flags)
                    .folded(cx.folded_poison);
                let call = guard.around(&format!("{f}(rep)"));
                writeln!(out, "{rt}.dtor = (rep) => {{ {call} }};").unwrap();
            }
        }
    }
    out
}
