//! Lifted functions: JS calls into core wasm (lower the arguments, call,
//! lift the result, post-return), in each [`LiftForm`]: host-facing exports
//! (with the entry checks, `result` <-> throw), adapters for other
//! components' lowers, and the FuncInsts of task-shaped (async) lifts.

use super::addr;
use super::bindings::Names;
use super::builder::FnBuilder;
use super::cx::EmitCx;
use super::entry::EntryGuard;
use super::ident::{inner, LiftForm};
use super::values::ValueGen;
use crate::abi;
use crate::names::quote as js_str;
use crate::plan::{ComponentInstanceIdx, Idx, Lifted, LiftedIdx, Plan, ResourceIdx};
use crate::types::ValType;

/// Whether a call of lifted function `l` is a task of the async ABI (an
/// `async` function type; its lift may be callback, stackful or sync).
pub fn is_task(l: &Lifted) -> bool {
    l.ty.is_async
}

/// The host-facing JS function for lifted function `idx` (an export).
pub fn host_lifted(cx: &EmitCx, names: &mut Names, idx: LiftedIdx, fname: &str) -> String {
    // Its other forms (the task, adapters) carry the export's name too.
    names
        .lifted_names
        .entry(idx)
        .or_insert_with(|| fname.to_string());
    if is_task(&cx.plan.lifted[idx]) {
        return host_task_entry(cx, names, idx, fname);
    }
    lifted(cx, names, idx, LiftForm::Host, fname)
}

/// Lifted function `idx` in a form other components (or async calls) use.
pub fn form_lifted(cx: &EmitCx, names: &mut Names, idx: LiftedIdx, form: LiftForm) -> String {
    let fname = (names.lifted_names.get(&idx).cloned())
        .unwrap_or_else(|| format!("lifted function {}", idx.index()));
    match form {
        LiftForm::Task => task_lifted(cx, names, idx, &fname),
        LiftForm::Host | LiftForm::Adapter | LiftForm::Values => {
            lifted(cx, names, idx, form, &fname)
        }
    }
}

/// A function for the lift of `l`, with a borrow scope when it needs one.
fn lift_builder(cx: &EmitCx, names: &mut Names, l: &Lifted) -> (FnBuilder, bool) {
    let mut g = FnBuilder::new(cx, names, l.component_instance, Some(&l.opts));
    let needs_scope = needs_borrow_scope(cx.plan, l);
    g.handles.scope = needs_scope.then(|| "scope".to_string());
    (g, needs_scope)
}

/// Whether a borrow param of `l` becomes a borrow handle in its instance
/// (then the call needs a borrow scope).
fn needs_borrow_scope(plan: &Plan, l: &Lifted) -> bool {
    let inst = l.component_instance;
    l.ty.params.iter().any(|(_, t)| {
        t.any(&|t| matches!(t, ValType::Borrow(rt) if plan.resources[ResourceIdx::new(*rt)].impl_instance != Some(inst)))
    })
}

/// The core signature of `l`'s core function as type codes.
fn core_sig(plan: &Plan, l: &Lifted) -> (String, String) {
    let w = plan.addr(l.opts.memory.as_ref());
    abi::lift_sig(w, &l.ty, l.opts.is_async, l.opts.callback.is_some())
}

/// Lowers `params` (JS values) as the arguments of `l`'s core function;
/// returns the flat core arguments.
fn lower_args(g: &mut ValueGen, l: &Lifted, params: &[String], fname: &str) -> Vec<String> {
    let ty = &l.ty;
    let w = g.addr;
    let sig = w.flat_sig(ty);
    let mut flat = Vec::new();
    if sig.params_spilled {
        let tuple = abi::params_tuple(ty);
        let offsets = w.field_offsets(ty.params.iter().map(|(_, t)| t));
        let alloc = addr::alloc(w, &mut g.intr);
        g.line(format!(
            "const sp = {alloc}({}, {}, {}, {}, 'params');",
            g.mem.as_deref().unwrap_or("null"),
            g.realloc.clone().unwrap_or_default(),
            w.alignment(&tuple),
            w.size(&tuple)
        ));
        g.invalidate_view();
        for (((name, t), p), off) in ty.params.iter().zip(params).zip(offsets) {
            g.store(
                t,
                p,
                &format!("sp + {off}"),
                &format!("{fname}: param {name}"),
            );
        }
        flat.push(addr::to_core(w, "sp"));
    } else {
        for ((name, t), p) in ty.params.iter().zip(params) {
            g.lower_flat(t, p, &format!("{fname}: param {name}"), &mut flat);
        }
    }
    flat
}

/// Lifts the core result `ret` of `l` (spilled: a pointer); returns the JS value.
fn lift_result(g: &mut ValueGen, l: &Lifted, rt: &ValType) -> String {
    g.invalidate_view();
    let w = g.addr;
    if w.flat_sig(&l.ty).results_spilled {
        let ret = g.ptr_from_core("ret");
        g.check_range(&ret, &w.size(rt).to_string(), w.alignment(rt), "result");
        g.load(rt, &ret)
    } else {
        g.lift_flat(rt, &mut std::iter::once("ret".to_string()))
    }
}

/// Source of a synchronous lift: `function liftN(arg0, ...)` (host-facing:
/// a top-level `result` returns its ok value and throws `ComponentError` on
/// err, the JS convention) or `liftN_raw` / `liftN_v` (raw `{tag, val}`
/// results, for adapters and async calls).
fn lifted(cx: &EmitCx, names: &mut Names, idx: LiftedIdx, form: LiftForm, fname: &str) -> String {
    let host_facing = form == LiftForm::Host;
    let l = &cx.plan.lifted[idx];
    let ty = &l.ty;
    let inst = l.component_instance;
    // `--async-mode jspi`: a listed export is entered through `promising`.
    let promise_export = host_facing && cx.opts.is_async_export(fname);
    let (core, suspends) = if promise_export {
        (
            names.promise_export(&l.core, &format!("export `{fname}`")),
            true,
        )
    } else if cx.jspi.sync_entry(&l.core) {
        // only thread switching can suspend a sync call's stack
        names.core_entry(cx, &l.core, core_sig(cx.plan, l))
    } else {
        (names.core_func(&l.core), false)
    };
    let entering = if host_facing {
        cx.plan.entering_set(inst, None)
    } else {
        Vec::new()
    };
    names.enter_flags.extend(entering.iter().copied());
    let post = l.opts.post_return.as_ref().map(|p| names.core_func(p));
    let (mut g, needs_scope) = lift_builder(cx, names, l);
    // Raw (adapter) results keep every map entry; the host sees `Map`s.
    g.adapter = form == LiftForm::Adapter;
    g.views = g.adapter && cx.view_lifts.contains(&idx);
    g.shared_ends = form == LiftForm::Values;
    let mut params: Vec<String> = (0..ty.params.len()).map(|i| format!("arg{i}")).collect();
    // An adapter's caller may pass `lowerRes`, its lowering of the result:
    // it runs here, in the callee's task and before post-return (definitions.py:
    // `task.return_` -> on_resolve, then post_return).
    let lower_res = form == LiftForm::Adapter && (cx.uses_async || g.views) && ty.result.is_some();
    if lower_res {
        params.push("lowerRes".into());
    }
    // No JS runs while a light call is entered (see `super::reentry`): the
    // component's core code cannot reach the host, or this call's cannot.
    let runs_no_js = reaches_no_import(cx, l);
    let light = !suspends
        && (cx.folded_poison || runs_no_js)
        && super::reentry::lowering_leaves_instance_untouched(
            cx.plan.addr(l.opts.memory.as_ref()),
            ty,
            needs_scope,
        );
    let guard = EntryGuard::from_host(&entering, cx.uses_async, cx.flags)
        .folded(cx.folded_poison)
        .light(light);
    names.poison |= host_facing && cx.folded_poison;
    // Built-ins called from a sync call find their (pooled) thread as the
    // store's current one: needed where core code may call one, or the
    // values passed are streams or futures.
    let sync_thread = cx.uses_async && (!runs_no_js || ty.passes_async_handles());
    let entry = HostEntry {
        inst,
        sync_thread,
        has_result: ty.result.is_some(),
        needs_scope,
    };
    if host_facing {
        host_entry(&mut g, &guard, &entry);
    }
    // Host-facing functions assign `res` inside the try and return it after.
    let ret_kw = if host_facing { "res =" } else { "return" };
    if needs_scope && !host_facing {
        g.line("const scope = { borrows: 0, hostRefs: null, guests: null };");
    }
    let flat = lower_args(&mut g, l, &params, fname);
    let rooted = host_facing && suspends && cx.uses_async;
    let call = core_call(&mut g, &core, &flat, suspends, rooted);
    let v = call_and_lift(&mut g, l, &call, needs_scope);
    let v = match v {
        Some(v) if lower_res => {
            let r = g.tmp("r");
            g.line(format!("const {r} = {v};"));
            g.line(format!("if (lowerRes !== undefined) lowerRes({r});"));
            Some(r)
        }
        v => v,
    };
    post_return(cx, &mut g, l, post.as_deref());
    if let Some(v) = v {
        if host_facing && matches!(ty.result, Some(ValType::Result(..))) {
            let err = err_value(&mut g.intr, cx.opts, &format!("{v}.val"));
            g.line(format!("if ({v}.tag === 'err') throw {err};"));
            g.line(format!("{ret_kw} {v}.val;"));
        } else {
            g.line(format!("{ret_kw} {v};"));
        }
    }
    if host_facing {
        host_exit(&mut g, &guard, &entry);
    }
    let name = idx.form(form);
    let params = params.join(", ");
    // Entered through JSPI's `promising`: the function returns a Promise.
    let func = if suspends {
        "async function"
    } else {
        "function"
    };
    if !host_facing && cx.uses_async {
        names.intrinsics.use_("scheduler");
        let (inner, ai) = (inner(&name), inst.async_instance());
        let aw = if suspends { "await " } else { "" };
        let body = g.finish(names, &format!("{func} {inner}({params})"));
        return format!(
            "{func} {name}({params}) {{\n  const thread = enterSync({ai});\n  try {{ return {aw}{inner}({params}); }} finally {{ leaveSync(thread); }}\n}}\n{body}"
        );
    }
    g.finish(names, &format!("{func} {name}({params})"))
}

/// What the start and end of a host-facing lift hold besides the entry checks.
struct HostEntry {
    inst: ComponentInstanceIdx,
    /// The async ABI's sync task gets a thread (`enterSync`/`leaveSync`).
    sync_thread: bool,
    has_result: bool,
    needs_scope: bool,
}

/// Whether lift `l`'s core function, and its `realloc` and `post-return`,
/// reach no core import: no JS can run inside the call.
pub(super) fn reaches_no_import(cx: &EmitCx, l: &Lifted) -> bool {
    std::iter::once(&l.core)
        .chain(&l.opts.realloc)
        .chain(&l.opts.post_return)
        .all(|d| cx.reaches_no_import(d))
}

/// The start of a host-facing lift: the entry checks (and, with the async
/// ABI, the sync task's thread), then `try {`.
fn host_entry(g: &mut FnBuilder, guard: &EntryGuard, e: &HostEntry) {
    g.intr.use_("trap");
    g.line(guard.check());
    let clear = guard.clear();
    if !clear.is_empty() {
        g.line(clear);
    }
    if e.sync_thread {
        // Built-ins called from this sync call find their (pooled) thread here.
        g.intr.use_("scheduler");
        g.line(format!(
            "const thread = enterSync({});",
            e.inst.async_instance()
        ));
    }
    if e.has_result {
        g.line("let res;");
    }
    if e.needs_scope {
        // Outside the try: a throwing call still ends its lends of JS objects.
        g.line("const scope = { borrows: 0, hostRefs: null, guests: null };");
    }
    g.line("try {");
    g.indent();
}

/// The end of a host-facing lift: the flags restored on both paths (no
/// `finally`, which keeps the call path lean), a trap poisons the component.
fn host_exit(g: &mut FnBuilder, guard: &EntryGuard, e: &HostEntry) {
    g.dedent();
    let mut restore = guard.restore();
    if e.sync_thread {
        restore.push_str(" leaveSync(thread);");
    }
    g.line("} catch (e) {");
    if !restore.is_empty() {
        g.line(format!("  {restore}"));
    }
    if e.needs_scope {
        g.line("  endGuestLends(scope);");
    }
    g.line(format!("  {}", guard.poison_on_trap()));
    g.line("  throw e;");
    g.line("}");
    if !restore.is_empty() {
        g.line(restore);
    }
    if e.has_result {
        g.line("return res;");
    }
}

/// Source of `fi{idx}`, the FuncInst of a task-shaped lift (definitions.py:
/// `Store.lift` + `canon_lift`): callback form (`liftCallback`), or a core
/// stack run to completion (`liftStack`: stackful, or an async type lifted
/// without `async`, whose results come back from the core call).
fn task_lifted(cx: &EmitCx, names: &mut Names, idx: LiftedIdx, fname: &str) -> String {
    let l = &cx.plan.lifted[idx];
    let ty = &l.ty;
    names.intrinsics.use_("scheduler");
    let (core, suspends) = names.core_entry(cx, &l.core, core_sig(cx.plan, l));
    let post = l.opts.post_return.as_ref().map(|p| names.core_func(p));
    let callback =
        (l.opts.callback.as_ref()).map(|c| names.core_entry(cx, c, ("iii".into(), "i".into())).0);
    // JSPI: a sync-lifted async function awaits its (suspendable) core call.
    let sync_await = suspends && !l.opts.is_async;
    let sig = if l.opts.is_async {
        let sig = super::async_abi::return_sig(names, &ty.result, &l.opts);
        let mem = super::async_abi::return_mem(names, &l.opts);
        format!("[{sig}, {mem}]")
    } else {
        "null".to_string()
    };
    let (mut g, needs_scope) = lift_builder(cx, names, l);
    g.shared_ends = true;
    let params: Vec<String> = (0..ty.params.len()).map(|i| format!("arg{i}")).collect();
    // The task: to abort on a bad argument, to count borrows, to return to.
    if !params.is_empty() || needs_scope || !l.opts.is_async {
        g.line("const task = store.cur.task;");
    }
    if !params.is_empty() {
        g.line(format!("const [{}] = args;", params.join(", ")));
    }
    if needs_scope {
        // Borrows handed to this task count until it returns (Task.num_borrows).
        g.line("const scope = { borrows: 0, hostRefs: null, guests: null };");
        g.line("task.scope = scope;");
    }
    let flat = if params.is_empty() {
        Vec::new()
    } else {
        lower_task_args(&mut g, l, &params, fname)
    };
    let call = format!(
        "{}{core}({})",
        if sync_await { "await " } else { "" },
        flat.join(", ")
    );
    if l.opts.is_async {
        // Callback form: the packed code (or, JSPI, a Promise of it);
        // stackful: nothing (or a Promise that settles when the stack ends).
        g.line(format!("return {call};"));
    } else {
        // An async type lifted without `async`: results come from the core call.
        let v = call_and_lift(&mut g, l, &call, needs_scope);
        g.line(format!("task.return_([{}]);", v.unwrap_or_default()));
        post_return(cx, &mut g, l, post.as_deref());
    }
    let func = if sync_await {
        "async function"
    } else {
        "function"
    };
    let body = g.finish(names, &format!("{func} {}(args)", idx.task_body()));
    let fi = func_inst(names, idx, l, fname, &sig, callback.as_deref());
    format!("{body}{fi}\n")
}

/// Lowers a task's arguments inside a `try`: a JS value of the wrong type
/// fails the call (the task is aborted) before any core code runs. The flat
/// values are `var`s, so they outlive the block without an array.
fn lower_task_args(g: &mut FnBuilder, l: &Lifted, params: &[String], fname: &str) -> Vec<String> {
    g.line("try {");
    g.indent();
    let exprs = lower_args(g, l, params, fname);
    let vars: Vec<String> = exprs.iter().map(|_| g.tmp("flat")).collect();
    if !vars.is_empty() {
        let decls: Vec<String> = (vars.iter().zip(&exprs))
            .map(|(v, e)| format!("{v} = {e}"))
            .collect();
        g.line(format!("var {};", decls.join(", ")));
    }
    g.dedent();
    g.line(
        "} catch (e) { if (!(e instanceof WebAssembly.RuntimeError)) abortTask(task); throw e; }",
    );
    vars
}

/// `const fiN = liftCallback(…)` / `liftStack(…)`: the FuncInst around `liftN_core`.
fn func_inst(
    names: &mut Names,
    idx: LiftedIdx,
    l: &Lifted,
    fname: &str,
    sig: &str,
    callback: Option<&str>,
) -> String {
    let opts = format!(
        "{{ async: {}, callback: {} }}",
        l.opts.is_async,
        callback.is_some()
    );
    let (fi, ai, core) = (
        idx.form(LiftForm::Task),
        l.component_instance.async_instance(),
        idx.task_body(),
    );
    let name = js_str(fname);
    match callback {
        Some(cb) => {
            names.intrinsics.use_("waitable");
            format!(
                "const {fi} = liftCallback({ai}, true, {opts}, {name}, {sig}, {core}, (c, p1, p2) => {cb}(c, p1, p2), (i) => getAs({ai}.handles, i, WaitableSet, 'callback'));"
            )
        }
        None => format!("const {fi} = liftStack({ai}, true, {opts}, {name}, {sig}, {core});"),
    }
}

/// The host-facing function of a task-shaped export: an `async function`
/// resolving to its result (`result` err rejects with `ComponentError`); a
/// trailing `{ signal }` argument cancels the call.
fn host_task_entry(cx: &EmitCx, names: &mut Names, idx: LiftedIdx, fname: &str) -> String {
    let plan = cx.plan;
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
            let err = err_value(&mut names.intrinsics, cx.opts, "v.val");
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
    let conv = idx.async_result();
    // No parameters: one shared empty array instead of one per call.
    let args = if args.is_empty() {
        "NO_ARGS".to_string()
    } else {
        format!("[{}]", args.join(", "))
    };
    format!(
        "const {conv} = {value};\nasync function {}({}) {{\n  {}\n  const r = startFromHost(store, {fi}, {args}, options?.signal, {conv});\n  return r instanceof Promise ? await r : r;\n}}\n",
        idx.form(LiftForm::Host),
        all.join(", "),
        EntryGuard::from_host(&[], true, cx.flags).check(),
    )
}

/// The call of core function `core` with `flat`: awaited where its entry
/// suspends (JSPI); `rooted`, a host call whose stack may block is rooted in
/// its store (`rootedEntry`), so a trap elsewhere or a deadlock rejects it.
fn core_call(
    g: &mut FnBuilder,
    core: &str,
    flat: &[String],
    suspends: bool,
    rooted: bool,
) -> String {
    let call = format!("{core}({})", flat.join(", "));
    let call = if rooted {
        g.intr.use_("scheduler");
        format!("rootedEntry(store, {call})")
    } else {
        call
    };
    if suspends {
        format!("await {call}")
    } else {
        call
    }
}

/// Calls the core function, lifts its result (a JS expression; `None`
/// without one) and ends the call's borrow scope.
fn call_and_lift(g: &mut FnBuilder, l: &Lifted, call: &str, needs_scope: bool) -> Option<String> {
    let v = match &l.ty.result {
        None => {
            g.line(format!("{call};"));
            None
        }
        Some(rt) => {
            g.line(format!("const ret = {call};"));
            Some(lift_result(g, l, rt))
        }
    };
    if needs_scope {
        g.line("endBorrows(scope);");
    }
    v
}

/// The post-return call `f` of `l`, if any (taking the core result `ret`
/// when there is one); `may_leave` is false while it runs when observable.
fn post_return(cx: &EmitCx, g: &mut FnBuilder, l: &Lifted, f: Option<&str>) {
    let (Some(f), Some(def)) = (f, &l.opts.post_return) else {
        return;
    };
    let arg = if l.ty.result.is_some() { "ret" } else { "" };
    let inst = l.component_instance;
    if cx.guards_may_leave(inst, def) {
        let ml = cx.flags.may_leave(inst);
        g.line(format!("{ml} = false; {f}({arg}); {ml} = true;"));
    } else {
        g.line(format!("{f}({arg});"));
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
