//! Resources in the glue: the `canon resource.*` built-ins, run-time resource
//! types, per-instance handle tables, and the JS classes of guest resources.

use std::fmt::Write;

use super::names::Names;
use super::values::js_str;
use crate::names::lower_camel;
use crate::plan::{CoreDef, Plan, ResourceOp};

pub fn method_key(m: &str) -> String {
    let id = lower_camel(m);
    if id == "constructor" {
        js_str(&id)
    } else {
        id
    }
}

/// `resNew/Rep/Drop{rt}_{instance}`: the core function for a `canon resource.*`.
pub fn resource_builtin(plan: &Plan, names: &mut Names, d: &CoreDef) -> String {
    let CoreDef::Resource { op, rt, instance } = d else {
        unreachable!()
    };
    names.intrinsics.use_("resources");
    names.intrinsics.use_("trap");
    let name = names.core_func(d);
    let leave = format!("if (!ml{instance}) cannotLeave();");
    match op {
        ResourceOp::New => format!(
            "function {name}(rep) {{ {leave} return resourceNew(tbl{instance}, rt{rt}, rep); }}\n"
        ),
        ResourceOp::Rep => {
            format!("function {name}(i) {{ return resourceRep(tbl{instance}, rt{rt}, i); }}\n")
        }
        ResourceOp::Drop => {
            let r = &plan.resources[*rt];
            let dtor = match (r.impl_instance, &r.dtor) {
                (None, _) => format!("hostRelease(rt{rt}, h.rep, true);"),
                (Some(_), None) => String::new(),
                (Some(imp), Some(dtor)) => {
                    let f = names.core_func(dtor);
                    let entering = plan.entering_set(imp, Some(*instance));
                    names.enter_flags.extend(entering.iter().copied());
                    if names.uses_async {
                        // The destructor runs as a synchronous task of its instance.
                        names.intrinsics.use_("scheduler");
                        let call = format!(
                            "{{ const t = enterSync(ai{imp}); try {{ {f}(h.rep); }} finally {{ leaveSync(t); }} }}"
                        );
                        enter_call(&entering, &call)
                    } else {
                        enter_call(&entering, &format!("{f}(h.rep)"))
                    }
                }
            };
            format!(
                "function {name}(i) {{\n  {leave}\n  const h = resourceDropHandle(tbl{instance}, rt{rt}, i);\n  if (h.own) {{ {dtor} }}\n}}\n"
            )
        }
    }
}

/// A call wrapped in the may_enter checks of `entering`.
pub fn enter_call(entering: &[usize], call: &str) -> String {
    if entering.is_empty() {
        return format!("{call};");
    }
    let check: Vec<String> = entering.iter().map(|i| format!("!me{i}")).collect();
    format!(
        "if ({}) cannotEnter(poisoned); {} try {{ {call}; }} finally {{ {} }}",
        check.join(" || "),
        Names::flags_assign("me", entering, false),
        Names::flags_assign("me", entering, true)
    )
}

/// Run-time resource types, one handle table per component instance, and a
/// class per guest resource (with the exported constructor/methods/statics).
pub fn resource_decls(plan: &Plan, names: &mut Names) -> String {
    names.intrinsics.use_("resources");
    let mut out = String::new();
    for c in 0..plan.component_instances.len() {
        if names.uses_async {
            // One table per instance for handles, waitables and error contexts.
            writeln!(out, "const tbl{c} = ai{c}.handles;").unwrap();
        } else {
            writeln!(out, "const tbl{c} = new HandleTable();").unwrap();
        }
    }
    for (i, r) in plan.resources.iter().enumerate() {
        let name = if r.name.is_empty() {
            format!("resource{i}")
        } else {
            r.name.clone()
        };
        let imp = r
            .impl_instance
            .map(|i| i.to_string())
            .unwrap_or_else(|| "HOST".into());
        writeln!(out, "const rt{i} = resourceType({}, {imp});", js_str(&name)).unwrap();
        if let Some(imp) = r.impl_instance {
            let class = crate::names::upper_camel(&name);
            let members = names.class_members.remove(&i).unwrap_or_default();
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
            writeln!(out, "rt{i}.cls = class {class} {{ {body} [Symbol.dispose]() {{ disposeGuest(this); }} }};").unwrap();
            if let Some(d) = &r.dtor {
                let f = names.core_func(d);
                let entering = plan.entering_set(imp, None);
                names.enter_flags.extend(entering.iter().copied());
                names.intrinsics.use_("trap");
                let check: Vec<String> = entering.iter().map(|i| format!(" || !me{i}")).collect();
                writeln!(
                    out,
                    "rt{i}.dtor = (rep) => {{ if (poisoned{}) cannotEnter(poisoned); {} try {{ {f}(rep); }} catch (e) {{ if (e instanceof WebAssembly.RuntimeError) poisoned = true; throw e; }} finally {{ {} }} }};",
                    check.concat(),
                    Names::flags_assign("me", &entering, false),
                    Names::flags_assign("me", &entering, true)
                )
                .unwrap();
            }
        }
    }
    out
}
