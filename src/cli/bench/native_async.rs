//! The native floor of a callback-form async export, as the bench spec's
//! `native` entry: the core instance whose module the driver instantiates a
//! second time, its `[async-lift]` export, memory and realloc (exports of that
//! same instance), the parameters' flattening (as a sync lift's), the flat
//! layout `task.return` receives, and each import of the module classified
//! from the plan: `context.get`/`context.set` (a JS slot), a `task.return`
//! (lifts the result; `fits` when its type and options are the function's),
//! or anything else (a stand-in that throws, naming it). A function of
//! wit-component's shim counts as what fills the shim's table slot. The
//! driver calls the core export directly with these stand-ins
//! (`nativeAsyncCall`).

use serde_json::{json, Value};
use weft::abi;
use weft::names::strip_version;
use weft::plan::{
    AsyncOp, Callee, CanonOpts, CoreDef, CoreInstanceArg, CoreInstanceIdx, Lifted, ModuleSrc, Plan,
    ResourceOp,
};
use weft::types::FuncType;

use super::spec::{core_ty, def, ty_json};

/// The `native` entry of a callback-form async lift, or why there is none.
pub fn native(plan: &Plan, kind: &str, ty: &FuncType, lifted: &Lifted) -> Result<Value, String> {
    let opts = &lifted.opts;
    if opts.callback.is_none() {
        return Err("stackful async lift (no callback): the core call may block in a built-in, there is no direct call that returns the result".into());
    }
    if kind == "method" {
        return Err("async method: its `self` lives in the live instance, the native call runs in a second one".into());
    }
    let CoreDef::Export { instance, name } = &lifted.core else {
        return Err("the lifted function is not a core export".into());
    };
    let i = instance.index();
    if matches!(
        plan.modules[plan.instances[*instance].module],
        ModuleSrc::Host(_)
    ) {
        return Err(
            "the core module is passed in by the host: it cannot be instantiated again".into(),
        );
    }
    let memory = own(&opts.memory, *instance, "memory")?;
    let realloc = own(&opts.realloc, *instance, "realloc")?;
    let sig = abi::flat_sig(ty);
    let flat = ty.result.as_ref().map(abi::flat_of).unwrap_or_default();
    Ok(json!({
        "async": true,
        "instance": i,
        "core": { "instance": i, "name": name },
        "memory": memory,
        "realloc": realloc,
        "spillParams": sig.params_spilled,
        "paramsTuple": ty_json(&abi::params_tuple(ty)),
        "taskReturn": {
            "spilled": flat.len() > abi::MAX_FLAT_PARAMS,
            "flat": flat.into_iter().map(core_ty).collect::<Vec<_>>(),
        },
        "imports": imports(plan, *instance, ty, opts),
    }))
}

/// A memory or realloc option as the spec's `{ instance, name }` (null when
/// absent): it must be an export of instance `i`, the one instantiated again.
fn own(d: &Option<CoreDef>, i: CoreInstanceIdx, what: &str) -> Result<Value, String> {
    match d {
        None => Ok(Value::Null),
        Some(d @ CoreDef::Export { instance, .. }) if *instance == i => {
            Ok(def(d).unwrap_or(Value::Null))
        }
        Some(_) => Err(format!(
            "the {what} is not an export of the lifted function's core instance (instance {} is instantiated again)",
            i.index()
        )),
    }
}

/// The imports of core instance `i` as the plan wires them, classified.
fn imports(plan: &Plan, i: CoreInstanceIdx, ty: &FuncType, opts: &CanonOpts) -> Vec<Value> {
    let mut out = Vec::new();
    for (module, arg) in &plan.instances[i].args {
        match arg {
            CoreInstanceArg::Instance(k) => out.push(json!({
                "module": module,
                "kind": "other",
                "what": format!("an export of core instance {}", k.index()),
            })),
            CoreInstanceArg::Bag(items) => {
                for (field, d) in items {
                    let mut v = match through_shim(plan, d) {
                        Some(real) => classify(plan, real, ty, opts),
                        None => classify(plan, d, ty, opts),
                    };
                    v["module"] = json!(module);
                    v["field"] = json!(field);
                    out.push(v);
                }
            }
        }
    }
    out
}

/// What a shim of wit-component calls: its export `k` calls slot `k` of its
/// table `$imports`, which a later "fixup" instance fills with that
/// instance's import `k` (how wit-component gives a module built-ins and
/// imports whose options name the module's own memory). `None` for anything
/// else.
fn through_shim<'a>(plan: &'a Plan, d: &CoreDef) -> Option<&'a CoreDef> {
    let CoreDef::Export { instance, name } = d else {
        return None;
    };
    let fills_table = |items: &[(String, CoreDef)]| {
        items.iter().any(|(f, t)| {
            f == SHIM_TABLE
                && matches!(t, CoreDef::Export { instance: at, name: n } if at == instance && n == SHIM_TABLE)
        })
    };
    plan.instances.iter().find_map(|inst| {
        inst.args.iter().find_map(|(_, arg)| match arg {
            CoreInstanceArg::Bag(items) if fills_table(items) => {
                items.iter().find(|(f, _)| f == name).map(|(_, real)| real)
            }
            _ => None,
        })
    })
}

/// The table of a wit-component shim module.
const SHIM_TABLE: &str = "$imports";

fn classify(plan: &Plan, d: &CoreDef, ty: &FuncType, opts: &CanonOpts) -> Value {
    let CoreDef::Builtin(b) = d else {
        return json!({ "kind": "other", "what": describe(plan, d) });
    };
    match &plan.builtins[*b].op {
        AsyncOp::ContextGet { slot, wide } => {
            json!({ "kind": "context-get", "slot": slot, "wide": wide })
        }
        AsyncOp::ContextSet { slot, wide } => {
            json!({ "kind": "context-set", "slot": slot, "wide": wide })
        }
        AsyncOp::TaskReturn { result, opts: ro } => {
            // What canon task.return checks: the result type and the options.
            let mem = |o: &CanonOpts| o.memory.as_ref().and_then(def);
            let fits = *result == ty.result
                && ro.string_encoding == opts.string_encoding
                && (ro.memory.is_none() || mem(ro) == mem(opts));
            json!({ "kind": "task-return", "fits": fits })
        }
        op => json!({ "kind": "other", "what": format!("the built-in {}", op_name(op)) }),
    }
}

/// What a core definition other than a stand-in built-in is, for messages.
fn describe(plan: &Plan, d: &CoreDef) -> String {
    match d {
        CoreDef::Export { instance, name } => {
            format!("`{name}` of core instance {}", instance.index())
        }
        CoreDef::Lowered(l) => match &plan.lowered[*l].callee {
            Callee::Host { import, path } => {
                let mut n = strip_version(&plan.imports[*import].name).to_string();
                for p in path {
                    n = format!("{n}#{p}");
                }
                format!("the import {n}")
            }
            Callee::Lifted(_) => "a function of another component".into(),
        },
        CoreDef::Resource { op, .. } => match op {
            ResourceOp::New => "resource.new".into(),
            ResourceOp::Drop => "resource.drop".into(),
            ResourceOp::Rep => "resource.rep".into(),
        },
        CoreDef::Builtin(b) => format!("the built-in {}", op_name(&plan.builtins[*b].op)),
    }
}

/// `WaitableSetNew` -> `waitable-set-new`.
fn op_name(op: &AsyncOp) -> String {
    let dbg = format!("{op:?}");
    let head = dbg
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    let mut out = String::new();
    for (k, c) in head.chars().enumerate() {
        if c.is_uppercase() && k > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}
