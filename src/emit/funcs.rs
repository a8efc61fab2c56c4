//! Generates the two kinds of boundary functions: lifted functions (JS calls
//! into core wasm: lower args, call, lift the result, post-return) and lowered
//! functions (core wasm calls out: lift args, call the JS callee, lower the result).

use super::names::LiftForm;
use super::values::{js_str, HandleCx, ValueGen};
use super::Names;
use crate::abi;
use crate::plan::{Callee, Lifted, Lowered, Plan};
use crate::types::{FuncType, ValType};

/// Source of `function liftN(arg0, ...)`. `host_facing` makes a top-level
/// `result` return its ok value and throw `ComponentError` on err (the JS
/// convention); otherwise the raw `{tag, val}` is returned (for adapters).
/// Whether a call of lifted function `l` is a task of the async ABI (an
/// `async` function type; its lift may be callback, stackful or sync).
pub fn is_task(l: &Lifted) -> bool {
    l.ty.is_async
}

/// The host-facing JS function for lifted function `idx` (an export).
pub fn host_lifted(plan: &Plan, names: &mut Names, idx: usize, fname: &str) -> String {
    // Its other forms (the task, adapters) carry the export's name too.
    names
        .lifted_names
        .entry(idx)
        .or_insert_with(|| fname.to_string());
    if is_task(&plan.lifted[idx]) {
        return host_task_entry(plan, names, idx, fname);
    }
    lifted(plan, names, idx, Form::Host, fname)
}

/// Lifted function `idx` in a form other components (or async calls) use.
pub fn form_lifted(plan: &Plan, names: &mut Names, idx: usize, form: LiftForm) -> String {
    let fname =
        (names.lifted_names.get(&idx).cloned()).unwrap_or_else(|| format!("lifted function {idx}"));
    match form {
        LiftForm::Task => task_lifted(plan, names, idx, &fname),
        LiftForm::Adapter => lifted(plan, names, idx, Form::Adapter, &fname),
        LiftForm::Values => lifted(plan, names, idx, Form::Values, &fname),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Host,
    Adapter,
    Values,
}

/// A value generator for the lift of `l` (its memory, realloc, encoding, handles).
fn lift_gen<'a>(
    plan: &Plan,
    names: &mut Names,
    intr: &'a mut super::intrinsics::Intrinsics,
    l: &Lifted,
) -> ValueGen<'a> {
    let mem = l.opts.memory.as_ref().map(|m| names.memory(m));
    let inst = l.component_instance;
    let realloc = l.opts.realloc.as_ref().map(|r| names.realloc(inst, r));
    let mut g = ValueGen::new(intr, mem, realloc, l.opts.string_encoding);
    g.resource_impls = plan.resources.iter().map(|r| r.impl_instance).collect();
    g.async_types = plan.async_types.clone();
    g
}

/// Whether a borrow param of `l` becomes a borrow handle in its instance
/// (then the call needs a borrow scope).
fn needs_borrow_scope(plan: &Plan, l: &Lifted) -> bool {
    let inst = l.component_instance;
    l.ty.params.iter().any(|(_, t)| {
        t.any(&|t| matches!(t, ValType::Borrow(rt) if plan.resources[*rt].impl_instance != Some(inst)))
    })
}

/// The core signature of `l`'s core function as type codes (`i` i32, `I`
/// i64, `f` f32, `d` f64): params and results (`canon lift`'s flattening).
fn core_sig(l: &Lifted) -> (String, String) {
    let sig = abi::flat_sig(&l.ty);
    let code = |t: &abi::CoreTy| match t {
        abi::CoreTy::I32 => 'i',
        abi::CoreTy::I64 => 'I',
        abi::CoreTy::F32 => 'f',
        abi::CoreTy::F64 => 'd',
    };
    let params: String = sig.params.iter().map(code).collect();
    let results: String = if l.opts.is_async {
        // callback form returns the packed code; stackful returns nothing
        if l.opts.callback.is_some() {
            "i".into()
        } else {
            String::new()
        }
    } else {
        sig.results.iter().map(code).collect()
    };
    (params, results)
}

/// Lowers `params` (JS values) as the arguments of `l`'s core function;
/// returns the flat core arguments.
fn lower_args(g: &mut ValueGen<'_>, l: &Lifted, params: &[String], fname: &str) -> Vec<String> {
    let ty = &l.ty;
    let sig = abi::flat_sig(ty);
    let mut flat = Vec::new();
    if sig.params_spilled {
        let tuple = abi::params_tuple(ty);
        let offsets = abi::field_offsets(ty.params.iter().map(|(_, t)| t));
        g.line(format!(
            "const sp = alloc({}, {}, {}, {}, 'params');",
            g.mem.as_deref().unwrap_or("null"),
            g.realloc.clone().unwrap_or_default(),
            abi::alignment(&tuple),
            abi::size(&tuple)
        ));
        g.intr.use_("memory");
        g.invalidate_view();
        for (((name, t), p), off) in ty.params.iter().zip(params).zip(offsets) {
            g.store(
                t,
                p,
                &format!("sp + {off}"),
                &format!("{fname}: param {name}"),
            );
        }
        flat.push("sp".to_string());
    } else {
        for ((name, t), p) in ty.params.iter().zip(params) {
            g.lower_flat(t, p, &format!("{fname}: param {name}"), &mut flat);
        }
    }
    flat
}

/// Lifts the core result `ret` of `l` (spilled: a pointer); returns the JS value.
fn lift_result(g: &mut ValueGen<'_>, l: &Lifted, rt: &ValType) -> String {
    g.invalidate_view();
    if abi::flat_sig(&l.ty).results_spilled {
        g.check_range(
            "ret",
            &abi::size(rt).to_string(),
            abi::alignment(rt),
            "result",
        );
        g.load(rt, "ret")
    } else {
        g.lift_flat(rt, &mut std::iter::once("ret".to_string()))
    }
}

/// A value generator for the lower of `l` (its memory, realloc, encoding and
/// handle table); also whether borrows are lent to the callee (`lent`).
fn lower_gen<'a>(
    plan: &Plan,
    names: &mut Names,
    intr: &'a mut super::intrinsics::Intrinsics,
    l: &Lowered,
) -> (ValueGen<'a>, bool) {
    let inst = l.component_instance;
    let mem = l.opts.memory.as_ref().map(|m| names.memory(m));
    let realloc = l.opts.realloc.as_ref().map(|r| names.realloc(inst, r));
    let mut g = ValueGen::new(intr, mem, realloc, l.opts.string_encoding);
    g.resource_impls = plan.resources.iter().map(|r| r.impl_instance).collect();
    g.async_types = plan.async_types.clone();
    let lends =
        l.ty.params
            .iter()
            .any(|(_, t)| t.any(&|t| matches!(t, ValType::Borrow(_))));
    g.handles = HandleCx {
        inst,
        scope: None,
        lent: lends.then(|| "lent".to_string()),
    };
    (g, lends)
}

/// Lifts the caller's arguments of `ty` from the flat core values `ks`, or
/// (`spilled`) from the tuple in memory that `k0` points to.
fn lift_args(g: &mut ValueGen<'_>, ty: &FuncType, spilled: bool, ks: &[String]) -> Vec<String> {
    if spilled {
        let tuple = abi::params_tuple(ty);
        g.check_range(
            "k0",
            &abi::size(&tuple).to_string(),
            abi::alignment(&tuple),
            "params",
        );
        let offsets = abi::field_offsets(ty.params.iter().map(|(_, t)| t));
        ty.params
            .iter()
            .zip(offsets)
            .map(|((_, t), off)| g.load(t, &format!("k0 + {off}")))
            .collect()
    } else {
        let mut it = ks.iter().cloned();
        ty.params
            .iter()
            .map(|(_, t)| g.lift_flat(t, &mut it))
            .collect()
    }
}

/// Source of a synchronous lift: `function liftN(arg0, ...)` (host-facing:
/// a top-level `result` returns its ok value and throws `ComponentError` on
/// err, the JS convention) or `liftN_raw` / `liftN_v` (raw `{tag, val}`
/// results, for adapters and async calls).
fn lifted(plan: &Plan, names: &mut Names, idx: usize, form: Form, fname: &str) -> String {
    let host_facing = form == Form::Host;
    let l = &plan.lifted[idx];
    let ty = &l.ty;
    let inst = l.component_instance;
    // `--async-mode jspi`: a listed export is entered through `promising`.
    let jco_export = host_facing && names.options.is_async_export(fname);
    let (core, suspends) = if jco_export {
        (names.jco_entry(&l.core, &format!("export `{fname}`")), true)
    } else if names.jspi.sync_entry(&l.core) {
        // only thread switching can suspend a sync call's stack
        names.core_entry(&l.core, core_sig(l))
    } else {
        (names.core_func(&l.core), false)
    };
    let aw = if suspends { "await " } else { "" };
    let leave_flag = names.leave_flags.contains(&inst);
    let entering = if host_facing {
        plan.entering_set(inst, None)
    } else {
        Vec::new()
    };
    names.enter_flags.extend(entering.iter().copied());
    let post = l.opts.post_return.as_ref().map(|p| names.core_func(p));
    let uses_async = names.uses_async;
    let mut intr = std::mem::take(&mut names.intrinsics);
    let mut g = lift_gen(plan, names, &mut intr, l);
    let needs_scope = needs_borrow_scope(plan, l);
    g.handles = HandleCx {
        inst,
        scope: needs_scope.then(|| "scope".to_string()),
        lent: None,
    };
    // Raw (adapter) results keep every map entry; the host sees `Map`s.
    g.adapter = form == Form::Adapter;
    g.shared_ends = form == Form::Values;
    let mut params: Vec<String> = (0..ty.params.len()).map(|i| format!("arg{i}")).collect();
    // An adapter's caller may pass `lowerRes`, its lowering of the result:
    // it runs here, in the callee's task and before post-return (definitions.py:
    // `task.return_` -> on_resolve, then post_return).
    let lower_res = form == Form::Adapter && uses_async && ty.result.is_some();
    if lower_res {
        params.push("lowerRes".into());
    }
    if host_facing {
        g.intr.use_("trap");
        let check: Vec<String> = entering.iter().map(|i| format!(" || !me{i}")).collect();
        g.line(format!(
            "if (poisoned{}) cannotEnter(poisoned);",
            check.concat()
        ));
        g.line(Names::flags_assign("me", &entering, false));
        if uses_async {
            // Built-ins called from this sync call find their (pooled) thread here.
            g.intr.use_("scheduler");
            g.line(format!("const thread = enterSync(ai{inst});"));
        }
        if ty.result.is_some() {
            g.line("let res;");
        }
        if needs_scope {
            // Outside the try: a throwing call still ends its lends of JS objects.
            g.line("const scope = { borrows: 0, hostRefs: null, guests: null };");
        }
        g.line("try {");
        g.indent();
    }
    // Host-facing functions assign `res` inside the try and return it after.
    let ret_kw = if host_facing { "res =" } else { "return" };
    if needs_scope && !host_facing {
        g.line("const scope = { borrows: 0, hostRefs: null, guests: null };");
    }
    let flat = lower_args(&mut g, l, &params, fname);
    let call = format!("{aw}{core}({})", flat.join(", "));
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
            let v = lift_result(&mut g, l, rt);
            if needs_scope {
                g.line("endBorrows(scope);");
            }
            let v = if lower_res {
                let r = g.tmp("r");
                g.line(format!("const {r} = {v};"));
                g.line(format!("if (lowerRes !== undefined) lowerRes({r});"));
                r
            } else {
                v
            };
            if let Some(p) = &post {
                g.line(post_return(p, "ret", inst, leave_flag));
            }
            if host_facing && matches!(rt, ValType::Result(..)) {
                let err = err_value(g.intr, &names.options, &format!("{v}.val"));
                g.line(format!("if ({v}.tag === 'err') throw {err};"));
                g.line(format!("{ret_kw} {v}.val;"));
            } else {
                g.line(format!("{ret_kw} {v};"));
            }
        }
    }
    if host_facing {
        g.dedent();
        // No `finally`: restoring the flags on both paths keeps the call path lean.
        let mut restore = Names::flags_assign("me", &entering, true);
        if uses_async {
            restore.push_str(" leaveSync(thread);");
        }
        g.line("} catch (e) {");
        g.line(format!("  {restore}"));
        if needs_scope {
            g.line("  endGuestLends(scope);");
        }
        g.line("  if (e instanceof WebAssembly.RuntimeError) poisoned = true;");
        g.line("  throw e;");
        g.line("}");
        g.line(restore);
        if ty.result.is_some() {
            g.line("return res;");
        }
    }
    let body = std::mem::take(&mut g.code);
    let has_mem = g.mem.is_some();
    drop(g);
    names.intrinsics = intr;
    let dv = if has_mem { "  let dv;\n" } else { "" };
    let name = match form {
        Form::Host => format!("lift{idx}"),
        Form::Adapter => format!("lift{idx}_raw"),
        Form::Values => format!("lift{idx}_v"),
    };
    let params = params.join(", ");
    // Entered through JSPI's `promising`: the function returns a Promise.
    let func = if suspends {
        "async function"
    } else {
        "function"
    };
    if !host_facing && uses_async {
        names.intrinsics.use_("scheduler");
        return format!(
            "{func} {name}({params}) {{\n  const thread = enterSync(ai{inst});\n  try {{ return {aw}{name}_in({params}); }} finally {{ leaveSync(thread); }}\n}}\n{func} {name}_in({params}) {{\n{dv}{body}}}\n"
        );
    }
    format!("{func} {name}({params}) {{\n{dv}{body}}}\n")
}

/// Source of `fi{idx}`, the FuncInst of a task-shaped lift (definitions.py:
/// `Store.lift` + `canon_lift`): callback form (`liftCallback`), or a core
/// stack run to completion (`liftStack`: stackful, or an async type lifted
/// without `async`, whose results come back from the core call).
fn task_lifted(plan: &Plan, names: &mut Names, idx: usize, fname: &str) -> String {
    let l = &plan.lifted[idx];
    let ty = &l.ty;
    let inst = l.component_instance;
    names.intrinsics.use_("scheduler");
    let (core, suspends) = names.core_entry(&l.core, core_sig(l));
    let leave_flag = names.leave_flags.contains(&inst);
    let post = l.opts.post_return.as_ref().map(|p| names.core_func(p));
    let callback = l
        .opts
        .callback
        .as_ref()
        .map(|c| names.core_entry(c, ("iii".into(), "i".into())).0);
    // JSPI: a sync-lifted async function awaits its (suspendable) core call.
    let sync_await = suspends && !l.opts.is_async;
    let sig = if l.opts.is_async {
        let sig = super::async_abi::return_sig(names, &ty.result, &l.opts);
        let mem = super::async_abi::return_mem(names, &l.opts);
        format!("[{sig}, {mem}]")
    } else {
        "null".to_string()
    };
    let mut intr = std::mem::take(&mut names.intrinsics);
    let mut g = lift_gen(plan, names, &mut intr, l);
    g.shared_ends = true;
    let needs_scope = needs_borrow_scope(plan, l);
    g.handles = HandleCx {
        inst,
        scope: needs_scope.then(|| "scope".to_string()),
        lent: None,
    };
    let params: Vec<String> = (0..ty.params.len()).map(|i| format!("arg{i}")).collect();
    g.line("const task = store.cur.task;");
    if !params.is_empty() {
        g.line(format!("const [{}] = args;", params.join(", ")));
    }
    if needs_scope {
        // Borrows handed to this task count until it returns (Task.num_borrows).
        g.line("const scope = { borrows: 0, hostRefs: null, guests: null };");
        g.line("task.scope = scope;");
    }
    // A JS value of the wrong type fails the call before any core code runs.
    g.line("let flat;");
    g.line("try {");
    g.indent();
    let flat = lower_args(&mut g, l, &params, fname);
    g.line(format!("flat = [{}];", flat.join(", ")));
    g.dedent();
    g.line(
        "} catch (e) { if (!(e instanceof WebAssembly.RuntimeError)) abortTask(task); throw e; }",
    );
    let call = format!(
        "{}{core}({})",
        if sync_await { "await " } else { "" },
        (0..flat.len())
            .map(|i| format!("flat[{i}]"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if l.opts.is_async {
        // Callback form: the packed code (or, JSPI, a Promise of it);
        // stackful: nothing (or a Promise that settles when the stack ends).
        g.line(format!("return {call};"));
    } else {
        // An async type lifted without `async`: results come from the core call.
        match &ty.result {
            None => {
                g.line(format!("{call};"));
                if needs_scope {
                    g.line("endBorrows(scope);");
                }
                g.line("task.return_([]);");
                if let Some(p) = &post {
                    g.line(post_return(p, "", inst, leave_flag));
                }
            }
            Some(rt) => {
                g.line(format!("const ret = {call};"));
                let v = lift_result(&mut g, l, rt);
                if needs_scope {
                    g.line("endBorrows(scope);");
                }
                g.line(format!("task.return_([{v}]);"));
                if let Some(p) = &post {
                    g.line(post_return(p, "ret", inst, leave_flag));
                }
            }
        }
    }
    let body = std::mem::take(&mut g.code);
    let has_mem = g.mem.is_some();
    drop(g);
    names.intrinsics = intr;
    let dv = if has_mem { "  let dv;\n" } else { "" };
    let opts = format!(
        "{{ async: {}, callback: {} }}",
        l.opts.is_async,
        callback.is_some()
    );
    let name = js_str(fname);
    let fi = match &callback {
        Some(cb) => {
            names.intrinsics.use_("waitable");
            format!(
                "const fi{idx} = liftCallback(ai{inst}, true, {opts}, {name}, {sig}, lift{idx}_core, (c, p1, p2) => {cb}(c, p1, p2), (i) => getAs(ai{inst}.handles, i, WaitableSet, 'callback'));"
            )
        }
        None => format!(
            "const fi{idx} = liftStack(ai{inst}, true, {opts}, {name}, {sig}, lift{idx}_core);"
        ),
    };
    let func = if sync_await {
        "async function"
    } else {
        "function"
    };
    format!("{func} lift{idx}_core(args) {{\n{dv}{body}}}\n{fi}\n")
}

/// The host-facing function of a task-shaped export: an `async function`
/// resolving to its result (`result` err rejects with `ComponentError`); a
/// trailing `{ signal }` argument cancels the call.
fn host_task_entry(plan: &Plan, names: &mut Names, idx: usize, fname: &str) -> String {
    let l = &plan.lifted[idx];
    let fi = names.lifted_form(idx, LiftForm::Task);
    names.intrinsics.use_("trap");
    names.intrinsics.use_("scheduler");
    let params: Vec<String> = (0..l.ty.params.len()).map(|i| format!("arg{i}")).collect();
    let result = l.ty.result.clone();
    let conv = result
        .as_ref()
        .and_then(|t| super::async_abi::to_host(names, plan, t, "r[0]"))
        .unwrap_or_else(|| "r[0]".into());
    let value = match &result {
        Some(ValType::Result(..)) => {
            let err = err_value(&mut names.intrinsics, &names.options, "v.val");
            format!(
                "(r) => {{ const v = {conv}; if (v.tag === 'err') throw {err}; return v.val; }}"
            )
        }
        _ => format!("(r) => {conv}"),
    };
    let args: Vec<String> =
        l.ty.params
            .clone()
            .iter()
            .zip(&params)
            .map(|((n, t), p)| {
                let at = format!("{fname}: param {n}");
                super::async_abi::from_host(names, plan, t, p, &at).unwrap_or_else(|| p.clone())
            })
            .collect();
    let mut all = params.clone();
    all.push("options".into());
    // An `async function` (as jco's are): a throw (a bad argument, a poisoned
    // instance, a trap) rejects. A call done at once returns its value (no
    // Promise hop); only a running one is awaited. The converter is made once.
    format!(
        "const lift{idx}_result = {value};\nasync function lift{idx}({}) {{\n  if (poisoned) cannotEnter(poisoned);\n  const r = startFromHost(store, {fi}, [{}], options?.signal, lift{idx}_result, poison);\n  return r instanceof Promise ? await r : r;\n}}\n",
        all.join(", "),
        args.join(", "),
    )
}

/// Source of `function lowerN(...)`, the core import for `canon lower` N.
pub fn lowered(plan: &Plan, names: &mut Names, idx: usize) -> String {
    let l = &plan.lowered[idx];
    let callee_is_task = match &l.callee {
        Callee::Lifted(i) => is_task(&plan.lifted[*i]),
        Callee::Host { .. } => l.ty.is_async,
    };
    if l.opts.is_async || callee_is_task {
        return subtask_lowered(plan, names, idx);
    }
    let ty = &l.ty;
    let sig = abi::flat_sig(ty);
    let inst = l.component_instance;
    let entering = match &l.callee {
        Callee::Lifted(i) => plan.entering_set(plan.lifted[*i].component_instance, Some(inst)),
        Callee::Host { .. } => Vec::new(),
    };
    names.enter_flags.extend(entering.iter().copied());
    let (callee, what) = match &l.callee {
        Callee::Host { import, path } => (
            names.host_func(*import, &plan.imports[*import].name, path, ty.params.len()),
            plan.host_func_name(*import, path),
        ),
        Callee::Lifted(i) => (
            names.lifted_form(*i, LiftForm::Adapter),
            format!("adapter to lifted function {i}"),
        ),
    };
    let mut intr = std::mem::take(&mut names.intrinsics);
    let (mut g, lends) = lower_gen(plan, names, &mut intr, l);
    g.adapter = matches!(l.callee, Callee::Lifted(_));
    let nparams = sig.params.len() + usize::from(sig.results_spilled);
    let ks: Vec<String> = (0..nparams).map(|i| format!("k{i}")).collect();
    g.intr.use_("trap");
    g.line(format!("if (!ml{inst}) cannotLeave();"));
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
    let suspends = names
        .jspi
        .blocking
        .contains(&crate::plan::CoreDef::Lowered(idx))
        || names.jco_imports.contains_key(&idx);
    let aw = if suspends { "await " } else { "" };
    // A result lowered through memory (and so, maybe, the caller's realloc) is
    // stored by the callee's adapter, inside the callee's task (see `lifted`).
    let in_callee = matches!(l.callee, Callee::Lifted(_))
        && names.uses_async
        && sig.results_spilled
        && !suspends;
    let mut args = args;
    if in_callee {
        let rt = ty.result.as_ref().expect("spilled results exist");
        let rp = ks.last().unwrap().clone();
        let mark = g.code.len();
        g.indent();
        g.invalidate_view();
        g.check_range(
            &rp,
            &abi::size(rt).to_string(),
            abi::alignment(rt),
            "result pointer",
        );
        g.store(rt, "ret", &rp, &format!("result of {what}"));
        g.dedent();
        let code = g.code.split_off(mark);
        args.push(format!(
            "(ret) => {{
{code}  }}"
        ));
    }
    let mut call = format!("{aw}{callee}({})", args.join(", "));
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
        // Stored by the callee's adapter; a call wrapped in `try` is done.
        Some(_) if in_callee => {
            if finally.is_empty() && !host_result {
                g.line(format!("{call};"));
            }
        }
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
    let has_mem = g.mem.is_some();
    drop(g);
    names.intrinsics = intr;
    let dv = if has_mem { "  let dv;\n" } else { "" };
    let func = if suspends {
        "async function"
    } else {
        "function"
    };
    format!("{func} lower{idx}({}) {{\n{dv}{body}}}\n", ks.join(", "))
}

/// Most flat params an `async` lower passes directly (else one pointer).
const MAX_FLAT_ASYNC_PARAMS: usize = 4;

/// Source of `function lowerN(...)` for a lowered call that makes a subtask
/// (definitions.py: `canon_lower`): an `async` lower (returns the subtask
/// state, the result goes to an out-pointer), or a sync lower of an
/// async-typed callee (waits for it: at once, through JSPI, or a trap).
fn subtask_lowered(plan: &Plan, names: &mut Names, idx: usize) -> String {
    let l = &plan.lowered[idx];
    let ty = &l.ty;
    let inst = l.component_instance;
    let is_async = l.opts.is_async;
    names.intrinsics.use_("subtask");
    names.intrinsics.use_("trap");
    let mut prelude = String::new();
    let (callee, what) = match &l.callee {
        Callee::Host { import, path } => {
            let what = plan.host_func_name(*import, path);
            let f = names.host_func(*import, &plan.imports[*import].name, path, ty.params.len());
            // Streams/futures reach the host as ReadableStreams/Promises and come back.
            let arg_convs: Vec<Option<String>> = ty
                .params
                .iter()
                .enumerate()
                .map(|(i, (_, t))| super::async_abi::to_host(names, plan, t, &format!("a{i}")))
                .collect();
            let res_conv = ty.result.as_ref().and_then(|t| {
                super::async_abi::from_host(names, plan, t, "v", &format!("result of {what}"))
            });
            let f = if arg_convs.iter().any(Option::is_some) || res_conv.is_some() {
                let ps: Vec<String> = (0..ty.params.len()).map(|i| format!("a{i}")).collect();
                let args: Vec<String> = arg_convs
                    .iter()
                    .zip(&ps)
                    .map(|(c, p)| c.clone().unwrap_or_else(|| p.clone()))
                    .collect();
                let back = res_conv.unwrap_or_else(|| "v".into());
                prelude.push_str(&format!(
                    "function hw{idx}({}, opts) {{ const r = {f}({}, opts); return r !== null && typeof r?.then === 'function' ? r.then((v) => {back}) : ((v) => {back})(r); }}\n",
                    ps.join(", "),
                    args.join(", ")
                ));
                format!("hw{idx}")
            } else {
                f
            };
            let f = if matches!(ty.result, Some(ValType::Result(..))) {
                names.intrinsics.use_("ComponentError");
                format!("resultCallee({f})")
            } else {
                f
            };
            prelude.push_str(&format!("const hc{idx} = hostCallee(store, {f});\n"));
            (format!("hc{idx}"), what)
        }
        Callee::Lifted(i) => {
            let what = format!("call of lifted function {i}");
            if is_task(&plan.lifted[*i]) {
                (names.lifted_form(*i, LiftForm::Task), what)
            } else {
                let v = names.lifted_form(*i, LiftForm::Values);
                let c = plan.lifted[*i].component_instance;
                prelude = format!(
                    "const sc{idx} = syncCallee(ai{c}, {v}, {});\n",
                    plan.lifted[*i].ty.result.is_some()
                );
                (format!("sc{idx}"), what)
            }
        }
    };
    let mut intr = std::mem::take(&mut names.intrinsics);
    let (mut g, lends) = lower_gen(plan, names, &mut intr, l);
    g.shared_ends = true;
    // Parameters: flat (at most 16, or 4 for `async`), else one pointer.
    let mut flat = Vec::new();
    for (_, t) in &ty.params {
        abi::flatten(t, &mut flat);
    }
    let max_params = if is_async {
        MAX_FLAT_ASYNC_PARAMS
    } else {
        abi::MAX_FLAT_PARAMS
    };
    let params_spilled = flat.len() > max_params;
    let nflat = if params_spilled { 1 } else { flat.len() };
    let result_flat = ty.result.as_ref().map(abi::flat_of).unwrap_or_default();
    // Results: `async` lowers always store them at an out-pointer; sync ones
    // return at most one flat value.
    let retp = ty.result.is_some() && (is_async || result_flat.len() > abi::MAX_FLAT_RESULTS);
    let mut ks: Vec<String> = (0..nflat).map(|i| format!("k{i}")).collect();
    if retp {
        ks.push("retp".into());
    }
    g.line(format!("if (!ml{inst}) cannotLeave();"));
    g.line("const thread = store.cur;");
    if !is_async && ty.result.is_some() && !retp {
        g.line("let rv;");
    }
    g.line("const st = callSubtask(thread, CALLEE, (sub) => {");
    g.indent();
    g.invalidate_view();
    if lends {
        // Lent until the subtask's resolution is delivered (Subtask.add_lender).
        g.line("const lent = sub.lenders;");
    }
    let args = lift_args(&mut g, ty, params_spilled, &ks[..nflat]);
    g.line(format!("return [{}];", args.join(", ")));
    g.dedent();
    g.line("}, (r) => {");
    g.indent();
    g.invalidate_view();
    let at = format!("result of {what}");
    if let Some(rt) = &ty.result {
        if retp {
            g.check_range(
                "retp",
                &abi::size(rt).to_string(),
                abi::alignment(rt),
                "result pointer",
            );
            g.store(rt, "r[0]", "retp", &at);
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
    let body = std::mem::take(&mut g.code).replace("CALLEE", &callee);
    let has_mem = g.mem.is_some();
    drop(g);
    names.intrinsics = intr;
    let dv = if has_mem { "  let dv;\n" } else { "" };
    format!(
        "{prelude}function lower{idx}({}) {{\n{dv}{body}}}\n",
        ks.join(", ")
    )
}

/// A post-return call; `may_leave` is false while it runs when observable.
fn post_return(f: &str, arg: &str, inst: usize, leave_flag: bool) -> String {
    if leave_flag {
        format!("ml{inst} = false; {f}({arg}); ml{inst} = true;")
    } else {
        format!("{f}({arg});")
    }
}

/// What an export throws for `result`'s error `payload`: a `ComponentError`
/// carrying it, or (`--no-component-error-wrapping`, as jco) the payload itself.
fn err_value(
    intr: &mut super::intrinsics::Intrinsics,
    opts: &crate::TranspileOptions,
    payload: &str,
) -> String {
    if opts.component_error_wrapping {
        intr.use_("ComponentError");
        format!("new ComponentError({payload})")
    } else {
        payload.to_string()
    }
}
