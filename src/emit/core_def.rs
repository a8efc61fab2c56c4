//! The JS expression a core instance is given for one of its imports (a
//! [`CoreDef`]): a fused adapter, a lowered function, a built-in, another
//! instance's export, or a JSPI shim around any of these where it may block.
//! The instance body and the fused adapters' own imports both name core
//! definitions this way.

use super::bindings::Names;
use super::cx::EmitCx;
use crate::names::quote as js_str;
use crate::plan::{CoreDef, Plan};

/// The JS expression a core instance imports for `d`: the fused adapter,
/// the core function, or a JSPI shim around it where it may block.
pub fn core_def_expr(cx: &EmitCx, names: &mut Names, d: &CoreDef) -> String {
    if let CoreDef::Lowered(i) = d {
        if cx.fused.contains_key(i) {
            return i.fused();
        }
    }
    let f = match d {
        CoreDef::Lowered(i) => i.func(),
        CoreDef::Resource { .. } | CoreDef::Builtin(_) => names.core_func(d),
        CoreDef::Export { instance, name } => format!("{}[{}]", instance.exports(), js_str(name)),
    };
    if cx.jspi.blocking.contains(d) {
        // May have to wait: with JSPI, a shim that suspends only when it must.
        names.intrinsics.use_("trampoline");
        let (p, r) = blocking_sig(cx.plan, d);
        format!("suspendingImport(store, {f}, '{p}', '{r}')")
    } else if let Some(what) = match d {
        CoreDef::Lowered(i) => cx.promise_imports.get(i),
        _ => None,
    } {
        names.intrinsics.use_("jspi");
        format!("jspiImport({f}, {})", js_str(&format!("import `{what}`")))
    } else {
        f
    }
}

/// The core signature (type codes: params, results) of a core function that
/// may block, for its JSPI import shim.
fn blocking_sig(plan: &Plan, def: &CoreDef) -> (String, String) {
    match def {
        CoreDef::Builtin(i) => {
            let op = &plan.builtins[*i].op;
            op.blocking_sig(plan.builtin_addr(op))
        }
        CoreDef::Lowered(i) => {
            let l = &plan.lowered[*i];
            crate::abi::sync_lower_sig(plan.addr(l.opts.memory.as_ref()), &l.ty)
        }
        CoreDef::Export { .. } | CoreDef::Resource { .. } => unreachable!("not a blocking import"),
    }
}
