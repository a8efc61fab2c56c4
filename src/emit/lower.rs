//! Lowered functions: core wasm calls out (lift the arguments, call the JS
//! callee — a host import or another component's lift — and lower the
//! result), synchronously or as a subtask of the async ABI.

use super::bindings::Names;
use super::builder::FnBuilder;
use super::cx::EmitCx;
use super::entry::EntryGuard;
use super::ident::LiftForm;
use super::lift::is_task;
use super::values::ValueGen;
use crate::abi;
use crate::names::quote as js_str;
use crate::plan::{Callee, CoreDef, Lowered, LoweredIdx};
use crate::types::{FuncType, ValType};

/// Source of `function lowerN(...)`, the core import for `canon lower` N.
pub fn lowered(cx: &EmitCx, names: &mut Names, idx: LoweredIdx) -> String {
    let plan = cx.plan;
    let l = &plan.lowered[idx];
    let callee_is_task = match &l.callee {
        Callee::Lifted(i) => is_task(&plan.lifted[*i]),
        Callee::Host { .. } => l.ty.is_async,
    };
    if l.opts.is_async || callee_is_task {
        return subtask_lowered(cx, names, idx);
    }
    let ty = &l.ty;
    let sig = plan.addr(l.opts.memory.as_ref()).flat_sig(ty);
    let inst = l.component_instance;
    let entering = match &l.callee {
        Callee::Lifted(i) => plan.entering_set(plan.lifted[*i].component_instance, Some(inst)),
        Callee::Host { .. } => Vec::new(),
    };
    names.enter_flags.extend(entering.iter().copied());
    let (callee, what) = match &l.callee {
        Callee::Host { import, path } => (
            names.host_func(cx, *import, path, ty.params.len()),
            plan.host_func_name(*import, path),
        ),
        Callee::Lifted(i) => (
            names.lifted_form(*i, LiftForm::Adapter),
            format!("adapter to lifted function {}", i.index()),
        ),
    };
    let (mut g, lends) = lower_builder(cx, names, l);
    g.adapter = matches!(l.callee, Callee::Lifted(_));
    g.views = matches!(&l.callee, Callee::Lifted(i) if cx.view_lifts.contains(i));
    let nparams = sig.params.len() + usize::from(sig.results_spilled);
    let ks: Vec<String> = (0..nparams).map(|i| format!("k{i}")).collect();
    g.intr.use_("trap");
    g.line(format!("if (!{}) cannotLeave();", cx.flags.may_leave(inst)));
    if let Callee::Lifted(i) = &l.callee {
        if plan.nested_call_traps(plan.lifted[*i].component_instance, inst) {
            g.line("cannotEnter(poisoned);");
        }
    }
    if lends {
        g.line("const lent = [];");
    }
    let args = lift_args(&mut g, ty, sig.params_spilled, &ks[..sig.params.len()]);
    // A callee entered through JSPI's `promising` returns a Promise; this
    // import is then a `Suspending` one (see `Plan::jspi`).
    let suspends =
        cx.jspi.blocking.contains(&CoreDef::Lowered(idx)) || cx.promise_imports.contains_key(&idx);
    let aw = if suspends { "await " } else { "" };
    // A result lowered through memory (and so, maybe, the caller's realloc) is
    // stored by the callee's adapter, inside the callee's task and before its
    // post-return (see `lifted`): views read the callee's memory.
    let in_callee = matches!(l.callee, Callee::Lifted(_))
        && (cx.uses_async || g.views)
        && sig.results_spilled
        && !suspends;
    let mut args = args;
    if in_callee {
        let rt = ty.result.as_ref().expect("spilled results exist");
        args.push(result_closure(&mut g, rt, ks.last().unwrap(), &what));
    }
    let call = format!("{aw}{callee}({})", args.join(", "));
    let host_result =
        matches!(l.callee, Callee::Host { .. }) && matches!(ty.result, Some(ValType::Result(..)));
    let guard = EntryGuard::from_component(&entering, cx.flags);
    let (call, done) = guarded_call(&mut g, &guard, lends, host_result, call);
    let at = format!("result of {what}");
    match &ty.result {
        None => g.line(format!("{call};")),
        // Stored by the callee's adapter; a call wrapped in `try` is done.
        Some(_) if in_callee => {
            if !done {
                g.line(format!("{call};"));
            }
        }
        Some(rt) => {
            g.line(format!("const ret = {call};"));
            if sig.results_spilled {
                store_result(&mut g, rt, "ret", ks.last().unwrap(), &at);
            } else {
                g.invalidate_view();
                let mut flat = Vec::new();
                g.lower_flat(rt, "ret", &at, &mut flat);
                g.line(format!("return {};", flat[0]));
            }
        }
    }
    let func = if suspends {
        "async function"
    } else {
        "function"
    };
    g.finish(names, &format!("{func} {}({})", idx.func(), ks.join(", ")))
}

/// `(ret) => { … }`: the callee's adapter stores the result at `rp` itself.
fn result_closure(g: &mut FnBuilder, rt: &ValType, rp: &str, what: &str) -> String {
    let mark = g.code.len();
    g.indent();
    store_result(g, rt, "ret", rp, &format!("result of {what}"));
    g.dedent();
    let code = g.code.split_off(mark);
    format!("(ret) => {{\n{code}  }}")
}

/// Emits `call` so that the callee's instances are entered and the lent
/// handles lent exactly as long as it runs (`try`/`finally`); for a host
/// import returning `result`, a throw is the err case. Returns the call's
/// value, and whether it already ran (wrapped in a `try`).
fn guarded_call(
    g: &mut FnBuilder,
    guard: &EntryGuard,
    lends: bool,
    host_result: bool,
    call: String,
) -> (String, bool) {
    let mut finally = String::new();
    if !guard.is_empty() {
        g.line(guard.check());
        g.line(guard.clear());
        finally.push_str(&guard.restore());
    }
    if lends {
        finally.push_str(" endLends(lent);");
    }
    if host_result {
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
        (r, true)
    } else if !finally.is_empty() {
        let r = g.tmp("c");
        g.line(format!("let {r};"));
        g.line(format!(
            "try {{ {r} = {call}; }} finally {{ {} }}",
            finally.trim()
        ));
        (r, true)
    } else {
        (call, false)
    }
}

/// Stores `v` of type `rt` at the result pointer `rp` (a core value; checked first).
fn store_result(g: &mut ValueGen, rt: &ValType, v: &str, rp: &str, at: &str) {
    g.invalidate_view();
    let w = g.addr;
    let rp = g.ptr_from_core(rp);
    g.check_range(
        &rp,
        &w.size(rt).to_string(),
        w.alignment(rt),
        "result pointer",
    );
    g.store(rt, v, &rp, at);
}

/// Source of `function lowerN(...)` for a lowered call that makes a subtask
/// (definitions.py: `canon_lower`): an `async` lower (returns the subtask
/// state, the result goes to an out-pointer), or a sync lower of an
/// async-typed callee (waits for it: at once, through JSPI, or a trap).
fn subtask_lowered(cx: &EmitCx, names: &mut Names, idx: LoweredIdx) -> String {
    let l = &cx.plan.lowered[idx];
    let ty = &l.ty;
    let is_async = l.opts.is_async;
    names.intrinsics.use_("subtask");
    names.intrinsics.use_("trap");
    let (prelude, callee, what) = subtask_callee(cx, names, idx);
    let (mut g, lends) = lower_builder(cx, names, l);
    g.shared_ends = true;
    let sig = abi::subtask_sig(g.addr, ty, is_async);
    let retp = sig.result_ptr;
    let mut ks: Vec<String> = (0..sig.params).map(|i| format!("k{i}")).collect();
    if retp {
        ks.push("retp".into());
    }
    g.line(format!(
        "if (!{}) cannotLeave();",
        cx.flags.may_leave(l.component_instance)
    ));
    g.line("const thread = store.cur;");
    if !is_async && ty.result.is_some() && !retp {
        g.line("let rv;");
    }
    g.line(format!(
        "const st = callSubtask(thread, {callee}, (sub) => {{"
    ));
    g.indent();
    g.invalidate_view();
    if lends {
        // Lent until the subtask's resolution is delivered (Subtask.add_lender).
        g.line("const lent = sub.lenders;");
    }
    let args = lift_args(&mut g, ty, sig.params_spilled, &ks[..sig.params]);
    g.line(format!("return [{}];", args.join(", ")));
    g.dedent();
    g.line("}, (r) => {");
    g.indent();
    g.invalidate_view();
    let at = format!("result of {what}");
    if let Some(rt) = &ty.result {
        if retp {
            let w = g.addr;
            let retp = g.ptr_from_core("retp");
            g.check_range(
                &retp,
                &w.size(rt).to_string(),
                w.alignment(rt),
                "result pointer",
            );
            g.store(rt, "r[0]", &retp, &at);
        } else {
            let mut out = Vec::new();
            g.lower_flat(rt, "r[0]", &at, &mut out);
            g.line(format!("rv = {};", out[0]));
        }
    }
    g.dedent();
    g.line("});");
    if is_async {
        g.line("return asyncLowerResult(thread, st);");
    } else if ty.result.is_some() && !retp {
        g.intr.use_("scheduler");
        g.line(format!(
            "return afterBlock(syncLowerWait(thread, st, {}), () => rv);",
            js_str(&what)
        ));
    } else {
        g.line(format!(
            "return syncLowerWait(thread, st, {});",
            js_str(&what)
        ));
    }
    let f = g.finish(
        names,
        &format!("function {}({})", idx.func(), ks.join(", ")),
    );
    format!("{prelude}{f}")
}

/// The callee of a subtask lower (declared in the returned prelude), and
/// what to call it in messages: the host function behind `hostCallee`
/// (streams/futures converted at the boundary by `hwN`), a task-shaped
/// lift's FuncInst, or a sync lift run as a task (`syncCallee`).
fn subtask_callee(cx: &EmitCx, names: &mut Names, idx: LoweredIdx) -> (String, String, String) {
    let plan = cx.plan;
    let ty = &plan.lowered[idx].ty;
    match &plan.lowered[idx].callee {
        Callee::Host { import, path } => {
            let what = plan.host_func_name(*import, path);
            let f = names.host_func(cx, *import, path, ty.params.len());
            let (mut prelude, f) = host_wrapper(cx, names, idx, ty, f, &what);
            let f = if matches!(ty.result, Some(ValType::Result(..))) {
                names.intrinsics.use_("ComponentError");
                format!("resultCallee({f})")
            } else {
                f
            };
            let hc = idx.host_callee();
            prelude.push_str(&format!("const {hc} = hostCallee(store, {f});\n"));
            (prelude, hc, what)
        }
        Callee::Lifted(i) => {
            let what = format!("call of lifted function {}", i.index());
            if is_task(&plan.lifted[*i]) {
                (String::new(), names.lifted_form(*i, LiftForm::Task), what)
            } else {
                let v = names.lifted_form(*i, LiftForm::Values);
                let ai = plan.lifted[*i].component_instance.async_instance();
                let sc = idx.sync_callee();
                let prelude = format!(
                    "const {sc} = syncCallee({ai}, {v}, {});\n",
                    plan.lifted[*i].ty.result.is_some()
                );
                (prelude, sc, what)
            }
        }
    }
}

/// Host function `f` wrapped (`hwN`) so that streams/futures reach the host
/// as ReadableStreams/Promises and come back, when its type has any.
fn host_wrapper(
    cx: &EmitCx,
    names: &mut Names,
    idx: LoweredIdx,
    ty: &FuncType,
    f: String,
    what: &str,
) -> (String, String) {
    let plan = cx.plan;
    let arg_convs: Vec<Option<String>> = (ty.params.iter().enumerate())
        .map(|(i, (_, t))| super::async_abi::to_host(names, plan, t, &format!("a{i}")))
        .collect();
    let res_conv = ty.result.as_ref().and_then(|t| {
        super::async_abi::from_host(names, plan, t, "v", &format!("result of {what}"))
    });
    if arg_convs.iter().all(Option::is_none) && res_conv.is_none() {
        return (String::new(), f);
    }
    let ps: Vec<String> = (0..ty.params.len()).map(|i| format!("a{i}")).collect();
    let args: Vec<String> = (arg_convs.iter().zip(&ps))
        .map(|(c, p)| c.clone().unwrap_or_else(|| p.clone()))
        .collect();
    let back = res_conv.unwrap_or_else(|| "v".into());
    let hw = idx.host_wrapper();
    let prelude = format!(
        "function {hw}({}, opts) {{ const r = {f}({}, opts); return r !== null && typeof r?.then === 'function' ? r.then((v) => {back}) : ((v) => {back})(r); }}\n",
        ps.join(", "),
        args.join(", ")
    );
    (prelude, hw)
}

/// A function for the lower of `l` (its memory, realloc, encoding and
/// handle table); also whether borrows are lent to the callee (`lent`).
fn lower_builder(cx: &EmitCx, names: &mut Names, l: &Lowered) -> (FnBuilder, bool) {
    let mut g = FnBuilder::new(cx, names, l.component_instance, Some(&l.opts));
    if let Callee::Host { import, .. } = &l.callee {
        g.style = cx
            .opts
            .value_style
            .for_interface(&cx.plan.imports[*import].name);
    }
    let lends =
        l.ty.params
            .iter()
            .any(|(_, t)| t.any(&|t| matches!(t, ValType::Borrow(_))));
    g.handles.lent = lends.then(|| "lent".to_string());
    (g, lends)
}

/// Lifts the caller's arguments of `ty` from the flat core values `ks`, or
/// (`spilled`) from the tuple in memory that `k0` points to.
fn lift_args(g: &mut ValueGen, ty: &FuncType, spilled: bool, ks: &[String]) -> Vec<String> {
    if spilled {
        let tuple = abi::params_tuple(ty);
        let w = g.addr;
        let k0 = g.ptr_from_core("k0");
        g.check_range(
            &k0,
            &w.size(&tuple).to_string(),
            w.alignment(&tuple),
            "params",
        );
        let offsets = w.field_offsets(ty.params.iter().map(|(_, t)| t));
        ty.params
            .iter()
            .zip(offsets)
            .map(|((_, t), off)| g.load(t, &format!("{k0} + {off}")))
            .collect()
    } else {
        let mut it = ks.iter().cloned();
        ty.params
            .iter()
            .map(|(_, t)| g.lift_flat(t, &mut it))
            .collect()
    }
}
