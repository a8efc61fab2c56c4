//! Wires fused adapters (`crate::fuse`) into the glue. For each covered
//! `canon lower` the glue loads the adapter's core module like the
//! component's own (a `<name>.coreN.wasm` file numbered after them, or inline
//! base64 under `--base64-cutoff`), only where the engine runs fused adapters;
//! it instantiates it right before the first core instance importing the lower,
//! and passes its export instead of the JS adapter `lowerN`. The JS adapter
//! stays generated: on an engine without multi-memory (`fusedAdapters` false)
//! the import is `lowerN` as before.

use std::fmt::Write;

use super::bindings::Names;
use super::core_def::core_def_expr;
use super::cx::EmitCx;
use super::entry::EntryGuard;
use super::ident::MAY_FLAGS_MEMORY;
use super::lift::reaches_no_import;
use super::module_src::module_source;
use crate::fuse::{Adapter, HandleOp, Import};
use crate::names::quote as js_str;
use crate::plan::{
    Callee, ComponentInstanceIdx, CoreDef, CoreInstanceArg, CoreInstantiation, Idx, Lifted,
    LoweredIdx, ResourceIdx,
};
use crate::OutputFile;

/// The JS helpers adapter `idx` imports (`feN`/`flN`: the entry checks and
/// their undoing, with the async ABI also the callee's sync task; `fpN`:
/// post-return with `may_leave` cleared). Its module `fmodN` is declared with
/// the core modules ([`modules`]).
pub fn helpers(cx: &EmitCx, names: &mut Names, idx: LoweredIdx, a: &Adapter) -> String {
    let (entering, _) = entering_set(cx, idx);
    names.enter_flags.extend(entering.iter().copied());
    names.intrinsics.use_("trap");
    names.intrinsics.use_("fused");
    let mut js = String::new();
    // Flags in memory: the adapter checks and sets them itself (`fuse::InlineFlags`).
    if !cx.flags.has_memory() {
        write_enter_leave(cx, names, idx, &mut js);
    }
    for (_, imp) in &a.imports {
        if let Import::PostReturn { inst, def, nargs } = imp {
            if cx.guards_may_leave(*inst, def) {
                let f = names.core_func(def);
                let args: Vec<String> = (0..*nargs).map(|i| format!("a{i}")).collect();
                let args = args.join(", ");
                let ml = cx.flags.may_leave(*inst);
                writeln!(
                    js,
                    "function {}({args}) {{ {ml} = false; {f}({args}); {ml} = true; }}",
                    idx.fused_post_return()
                )
                .unwrap();
            }
        }
    }
    if a.imports
        .iter()
        .any(|(_, i)| matches!(i, Import::Handle { .. }))
    {
        names.intrinsics.use_("resourcesFused");
        if a.imports.iter().any(|(_, i)| {
            matches!(
                i,
                Import::Handle {
                    op: HandleOp::End,
                    ..
                }
            )
        }) {
            writeln!(js, "const {} = fusedCall();", idx.fused_call()).unwrap();
        }
    }
    // The import object, built when the adapter is instantiated.
    let imports: Vec<String> = a
        .imports
        .iter()
        .map(|(n, imp)| format!("{}: {}", js_str(n), import_expr(cx, names, idx, imp)))
        .collect();
    writeln!(
        js,
        "function {}() {{ return {{ '': {{ {} }} }}; }}",
        idx.fused_imports(),
        imports.join(", ")
    )
    .unwrap();
    js
}

/// The entering set of adapter `idx`'s callee, and the lift it calls.
fn entering_set<'p>(cx: &EmitCx<'p>, idx: LoweredIdx) -> (Vec<ComponentInstanceIdx>, &'p Lifted) {
    let l = &cx.plan.lowered[idx];
    let Callee::Lifted(li) = l.callee else {
        unreachable!("fused adapters call lifted functions")
    };
    let lift = &cx.plan.lifted[li];
    let set = cx
        .plan
        .entering_set(lift.component_instance, Some(l.component_instance));
    (set, lift)
}

/// The adapter's imported `enter`/`leave` (`feN`/`flN`): the caller's
/// `may_leave` checked, the entering set checked and cleared, then restored;
/// with the async ABI also the callee's sync task.
fn write_enter_leave(cx: &EmitCx, names: &mut Names, idx: LoweredIdx, js: &mut String) {
    let (entering, lift) = entering_set(cx, idx);
    let caller = cx.plan.lowered[idx].component_instance;
    let guard = EntryGuard::from_component(&entering, cx.flags);
    let mut enter = format!("if (!{}) cannotLeave();", cx.flags.may_leave(caller));
    let mut leave = String::new();
    if !guard.is_empty() {
        write!(enter, " {} {}", guard.check(), guard.clear()).unwrap();
        leave = guard.restore();
    }
    // As the JS adapter's `liftN_raw`: the callee's built-ins find its sync
    // task's thread. One variable serves: the callee cannot be re-entered
    // while the call runs (its `may_enter` is clear).
    if cx.uses_async && !reaches_no_import(cx, lift) {
        names.intrinsics.use_("scheduler");
        let t = idx.fused_thread();
        writeln!(js, "let {t} = null;").unwrap();
        let ai = lift.component_instance.async_instance();
        write!(enter, " {t} = enterSync({ai});").unwrap();
        leave = format!("leaveSync({t}); {t} = null; {leave}");
    }
    writeln!(js, "function {}() {{ {enter} }}", idx.fused_enter()).unwrap();
    writeln!(js, "function {}() {{ {leave} }}", idx.fused_leave()).unwrap();
}

/// Statements instantiating the adapters core instance `inst` imports that
/// are not instantiated yet (`faN`: the adapter, or `lowerN` without fused support).
pub fn before_instance(cx: &EmitCx, names: &mut Names, inst: &CoreInstantiation) -> String {
    let aw = cx.aw();
    let mut out = String::new();
    for (_, arg) in &inst.args {
        let CoreInstanceArg::Bag(items) = arg else {
            continue;
        };
        for (_, d) in items {
            let CoreDef::Lowered(idx) = d else { continue };
            if !cx.fused.contains_key(idx) || !names.fused_wired.insert(*idx) {
                continue;
            }
            writeln!(
                out,
                "  const {} = fusedAdapters ? ({aw}instantiateCore({aw}{}, {}())).exports.adapter : {};",
                idx.fused(),
                idx.fused_module(),
                idx.fused_imports(),
                idx.func()
            )
            .unwrap();
        }
    }
    out
}

/// The JS expression passed as one import of adapter `idx`.
fn import_expr(cx: &EmitCx, names: &mut Names, idx: LoweredIdx, imp: &Import) -> String {
    match imp {
        Import::Enter => idx.fused_enter(),
        Import::Leave => idx.fused_leave(),
        Import::FlagsMemory => MAY_FLAGS_MEMORY.to_string(),
        Import::CannotEnter => "() => cannotEnter(poisoned)".to_string(),
        Import::CannotLeave => "cannotLeave".to_string(),
        Import::Memory(CoreDef::Export { instance, name }) => {
            format!("{}[{}]", instance.exports(), js_str(name))
        }
        Import::Memory(d) | Import::Callee(d) => core_def_expr(cx, names, d),
        Import::Realloc { inst, def } => names.realloc(cx, *inst, def),
        Import::PostReturn { inst, def, .. } => {
            if cx.guards_may_leave(*inst, def) {
                idx.fused_post_return()
            } else {
                names.core_func(def)
            }
        }
        Import::Handle { op, caller, callee } => {
            handle_helper(idx, *op, caller.table(), callee.table())
        }
    }
}

/// The handle helper `op` of adapter `idx` between tables `caller` and
/// `callee` (`js-runtime/intrinsics/resourcesFused.js`).
fn handle_helper(idx: LoweredIdx, op: HandleOp, caller: String, callee: String) -> String {
    let call = idx.fused_call();
    let rt = |rt: usize| ResourceIdx::new(rt).resource_type();
    match op {
        HandleOp::OwnIn(r) => format!("(i) => moveOwn({caller}, {callee}, {}, i)", rt(r)),
        HandleOp::OwnOut(r) => format!("(i) => moveOwn({callee}, {caller}, {}, i)", rt(r)),
        HandleOp::Rep(r) => format!("(i) => handleRep({caller}, {}, i)", rt(r)),
        HandleOp::Borrow(r) => {
            format!("(i) => addBorrow({caller}, {callee}, {}, i, {call})", rt(r))
        }
        HandleOp::LendRep(r) => format!("(i) => lendRep({caller}, {}, i, {call})", rt(r)),
        HandleOp::LendBorrow(r) => format!(
            "(i) => lendBorrow({caller}, {callee}, {}, i, {call})",
            rt(r)
        ),
        HandleOp::End => format!("() => endCall({call})"),
        HandleOp::Abort => format!("() => abortCall({call})"),
    }
}

/// `const fmodN = fusedAdapters ? <module> : null;` for every adapter, the
/// module loaded as [`super::module_src::module_source`] says; `first_file` is the
/// core file number of the first adapter (after the component's modules).
pub fn modules(cx: &EmitCx, names: &mut Names, first_file: usize) -> (String, Vec<OutputFile>) {
    let mut decls = String::new();
    let mut files = Vec::new();
    for (k, (idx, a)) in cx.fused.iter().enumerate() {
        let (src, file) = module_source(cx, names, &a.bytes, first_file + k);
        writeln!(
            decls,
            "const {} = fusedAdapters ? {src} : null;",
            idx.fused_module()
        )
        .unwrap();
        files.extend(file);
    }
    (decls, files)
}
