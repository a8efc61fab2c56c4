//! Generates the two kinds of boundary functions: lifted functions (JS calls
//! into core wasm: lower args, call, lift the result, post-return) and lowered
//! functions (core wasm calls out: lift args, call the JS callee, lower the result).

use super::values::{HandleCx, ValueGen};
use super::Names;
use crate::abi;
use crate::plan::{Callee, Plan};
use crate::types::ValType;

/// Source of `function liftN(arg0, ...)`. `host_facing` makes a top-level
/// `result` return its ok value and throw `ComponentError` on err (the JS
/// convention); otherwise the raw `{tag, val}` is returned (for adapters).
pub fn lifted(
    plan: &Plan,
    names: &mut Names,
    idx: usize,
    host_facing: bool,
    fname: &str,
) -> String {
    let l = &plan.lifted[idx];
    let ty = &l.ty;
    let sig = abi::flat_sig(ty);
    let mem = l.opts.memory.as_ref().map(|m| names.memory(m));
    let inst = l.component_instance;
    let realloc = l.opts.realloc.as_ref().map(|r| names.realloc(inst, r));
    let core = names.core_func(&l.core);
    let leave_flag = names.leave_flags.contains(&inst);
    let entering = if host_facing {
        plan.entering_set(inst, None)
    } else {
        Vec::new()
    };
    names.enter_flags.extend(entering.iter().copied());
    let post = l.opts.post_return.as_ref().map(|p| names.core_func(p));
    let mut intr = std::mem::take(&mut names.intrinsics);
    let mut g = ValueGen::new(&mut intr, mem.clone(), realloc, l.opts.string_encoding);
    g.resource_impls = plan.resources.iter().map(|r| r.impl_instance).collect();
    // A borrow scope is needed when a borrow param becomes a borrow handle here.
    let needs_scope = ty.params.iter().any(|(_, t)| {
        t.any(&|t| matches!(t, ValType::Borrow(rt) if plan.resources[*rt].impl_instance != Some(inst)))
    });
    g.handles = HandleCx {
        inst,
        scope: needs_scope.then(|| "scope".to_string()),
        lent: None,
    };
    // Raw (adapter) results keep every map entry; the host sees `Map`s.
    g.adapter = !host_facing;
    let params: Vec<String> = (0..ty.params.len()).map(|i| format!("arg{i}")).collect();
    if host_facing {
        g.intr.use_("trap");
        let check: Vec<String> = entering.iter().map(|i| format!(" || !me{i}")).collect();
        g.line(format!(
            "if (poisoned{}) cannotEnter(poisoned);",
            check.concat()
        ));
        g.line(Names::flags_assign("me", &entering, false));
        if ty.result.is_some() {
            g.line("let res;");
        }
        g.line("try {");
        g.indent();
    }
    // Host-facing functions assign `res` inside the try and return it after.
    let ret_kw = if host_facing { "res =" } else { "return" };
    if needs_scope {
        g.line("const scope = { borrows: 0, hostRefs: null };");
    }
    let mut flat = Vec::new();
    if sig.params_spilled {
        let tuple = abi::params_tuple(ty);
        let offsets = abi::field_offsets(ty.params.iter().map(|(_, t)| t));
        g.line(format!(
            "const sp = alloc({}, {}, {}, {}, 'params');",
            mem.as_deref().unwrap_or("null"),
            g.realloc.clone().unwrap_or_default(),
            abi::alignment(&tuple),
            abi::size(&tuple)
        ));
        g.intr.use_("memory");
        g.invalidate_view();
        for (((name, t), p), off) in ty.params.iter().zip(&params).zip(offsets) {
            g.store(
                t,
                p,
                &format!("sp + {off}"),
                &format!("{fname}: param {name}"),
            );
        }
        flat.push("sp".to_string());
    } else {
        for ((name, t), p) in ty.params.iter().zip(&params) {
            g.lower_flat(t, p, &format!("{fname}: param {name}"), &mut flat);
        }
    }
    let call = format!("{core}({})", flat.join(", "));
    match &ty.result {
        None => {
            g.line(format!("{call};"));
            if needs_scope {
                g.line("endBorrows(scope);");
            }
            if let Some(p) = &post {
                g.line(post_return(p, "", inst, leave_flag));
            }
        }
        Some(rt) => {
            g.line(format!("const ret = {call};"));
            g.invalidate_view();
            let v = if sig.results_spilled {
                g.check_range(
                    "ret",
                    &abi::size(rt).to_string(),
                    abi::alignment(rt),
                    "result",
                );
                g.load(rt, "ret")
            } else {
                g.lift_flat(rt, &mut std::iter::once("ret".to_string()))
            };
            if needs_scope {
                g.line("endBorrows(scope);");
            }
            if let Some(p) = &post {
                g.line(post_return(p, "ret", inst, leave_flag));
            }
            if host_facing && matches!(rt, ValType::Result(..)) {
                g.intr.use_("ComponentError");
                g.line(format!(
                    "if ({v}.tag === 'err') throw new ComponentError({v}.val);"
                ));
                g.line(format!("{ret_kw} {v}.val;"));
            } else {
                g.line(format!("{ret_kw} {v};"));
            }
        }
    }
    if host_facing {
        g.dedent();
        // No `finally`: restoring the flags on both paths keeps the call path lean.
        let restore = Names::flags_assign("me", &entering, true);
        g.line("} catch (e) {");
        g.line(format!("  {restore}"));
        g.line("  if (e instanceof WebAssembly.RuntimeError) poisoned = true;");
        g.line("  throw e;");
        g.line("}");
        g.line(restore);
        if ty.result.is_some() {
            g.line("return res;");
        }
    }
    let body = std::mem::take(&mut g.code);
    drop(g);
    names.intrinsics = intr;
    let dv = if mem.is_some() { "  let dv;\n" } else { "" };
    let suffix = if host_facing { "" } else { "_raw" };
    format!(
        "function lift{idx}{suffix}({}) {{\n{dv}{body}}}\n",
        params.join(", ")
    )
}

/// Source of `function lowerN(...)`, the core import for `canon lower` N.
pub fn lowered(plan: &Plan, names: &mut Names, idx: usize) -> String {
    let l = &plan.lowered[idx];
    let ty = &l.ty;
    let sig = abi::flat_sig(ty);
    let mem = l.opts.memory.as_ref().map(|m| names.memory(m));
    let inst = l.component_instance;
    let realloc = l.opts.realloc.as_ref().map(|r| names.realloc(inst, r));
    let entering = match &l.callee {
        Callee::Lifted(i) => plan.entering_set(plan.lifted[*i].component_instance, Some(inst)),
        Callee::Host { .. } => Vec::new(),
    };
    names.enter_flags.extend(entering.iter().copied());
    let (callee, what) = match &l.callee {
        Callee::Host { import, path } => {
            let mut what = plan.imports[*import].name.clone();
            for p in path {
                what.push('#');
                what.push_str(p);
            }
            (
                names.host_func(*import, &plan.imports[*import].name, path, ty.params.len()),
                what,
            )
        }
        Callee::Lifted(i) => (
            names.lifted_raw(*i),
            format!("adapter to lifted function {i}"),
        ),
    };
    let mut intr = std::mem::take(&mut names.intrinsics);
    let mut g = ValueGen::new(&mut intr, mem.clone(), realloc, l.opts.string_encoding);
    g.resource_impls = plan.resources.iter().map(|r| r.impl_instance).collect();
    let lends = ty
        .params
        .iter()
        .any(|(_, t)| t.any(&|t| matches!(t, ValType::Borrow(_))));
    g.handles = HandleCx {
        inst,
        scope: None,
        lent: lends.then(|| "lent".to_string()),
    };
    g.adapter = matches!(l.callee, Callee::Lifted(_));
    let nparams = sig.params.len() + usize::from(sig.results_spilled);
    let ks: Vec<String> = (0..nparams).map(|i| format!("k{i}")).collect();
    g.intr.use_("trap");
    g.line(format!("if (!ml{inst}) cannotLeave();"));
    if lends {
        g.line("const lent = [];");
    }
    let mut args = Vec::new();
    if sig.params_spilled {
        let tuple = abi::params_tuple(ty);
        g.check_range(
            "k0",
            &abi::size(&tuple).to_string(),
            abi::alignment(&tuple),
            "params",
        );
        let offsets = abi::field_offsets(ty.params.iter().map(|(_, t)| t));
        for ((_, t), off) in ty.params.iter().zip(offsets) {
            args.push(g.load(t, &format!("k0 + {off}")));
        }
    } else {
        let mut it = ks.iter().take(sig.params.len()).cloned();
        for (_, t) in &ty.params {
            args.push(g.lift_flat(t, &mut it));
        }
    }
    let mut call = format!("{callee}({})", args.join(", "));
    // Entering the callee's instance and lending handles last exactly as long as the call.
    let mut finally = String::new();
    if !entering.is_empty() {
        let check: Vec<String> = entering.iter().map(|i| format!("!me{i}")).collect();
        g.line(format!(
            "if ({}) cannotEnter(poisoned);",
            check.join(" || ")
        ));
        g.line(Names::flags_assign("me", &entering, false));
        finally.push_str(&Names::flags_assign("me", &entering, true));
    }
    if lends {
        finally.push_str(" endLends(lent);");
    }
    let host_result =
        matches!(l.callee, Callee::Host { .. }) && matches!(ty.result, Some(ValType::Result(..)));
    if host_result {
        // A host import returning `result`: a throw is the err case.
        g.intr.use_("ComponentError");
        let r = g.tmp("c");
        g.line(format!("let {r};"));
        g.line(format!("try {{ {r} = {{ tag: 'ok', val: {call} }}; }}"));
        g.line(format!(
            "catch (e) {{ {r} = {{ tag: 'err', val: errPayload(e) }}; }}"
        ));
        if !finally.is_empty() {
            g.line(format!("finally {{ {} }}", finally.trim()));
        }
        call = r;
    } else if !finally.is_empty() {
        let r = g.tmp("c");
        g.line(format!("let {r};"));
        g.line(format!(
            "try {{ {r} = {call}; }} finally {{ {} }}",
            finally.trim()
        ));
        call = r;
    }
    let at = format!("result of {what}");
    match &ty.result {
        None => g.line(format!("{call};")),
        Some(rt) => {
            g.line(format!("const ret = {call};"));
            g.invalidate_view();
            if sig.results_spilled {
                let rp = ks.last().unwrap().clone();
                g.check_range(
                    &rp,
                    &abi::size(rt).to_string(),
                    abi::alignment(rt),
                    "result pointer",
                );
                g.store(rt, "ret", &rp, &at);
            } else {
                let mut flat = Vec::new();
                g.lower_flat(rt, "ret", &at, &mut flat);
                g.line(format!("return {};", flat[0]));
            }
        }
    }
    let body = std::mem::take(&mut g.code);
    drop(g);
    names.intrinsics = intr;
    let dv = if mem.is_some() { "  let dv;\n" } else { "" };
    format!("function lower{idx}({}) {{\n{dv}{body}}}\n", ks.join(", "))
}

/// A post-return call; `may_leave` is false while it runs when observable.
fn post_return(f: &str, arg: &str, inst: usize, leave_flag: bool) -> String {
    if leave_flag {
        format!("ml{inst} = false; {f}({arg}); ml{inst} = true;")
    } else {
        format!("{f}({arg});")
    }
}
