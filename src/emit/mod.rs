//! Turns a [`Plan`] into files: the ESM glue (`<name>.js`), one core module
//! file per instantiated module (or base64 inline), and `.d.ts` types.
//!
//! One pass, in this order: the exports (`exports`), the lowered functions
//! (`lower`, with fused adapters from `fused`), then whatever those named and
//! is still [`pending`] (lifts in other forms, async and resource built-ins),
//! resource types and classes (`resources`), the imports the code uses
//! (`imports`), and finally the instance body (`body`) wrapped in one of three
//! shells (`shell`): plain ESM with top-level await, `instantiate()` async, or
//! `instantiate()` sync. Everything reads one [`EmitCx`]; names are handed out
//! by [`Names`].

mod addr;
mod async_abi;
mod bindings;
mod body;
mod builder;
mod core_def;
mod cx;
mod entry;
mod exports;
mod fused;
mod ident;
mod imports;
mod intrinsics;
mod lift;
mod lower;
mod module_src;
mod namespaces;
mod pending;
mod reentry;
mod resources;
mod shell;
mod values;

use bindings::Names;
use cx::EmitCx;
use pending::Work;

use crate::parse::ComponentIr;
use crate::plan::{CoreDef, CoreInstanceArg, Plan};
use crate::{OutputFile, Result, TranspileOptions, Transpiled};

pub fn emit(
    bytes: &[u8],
    ir: &ComponentIr<'_>,
    plan: &Plan,
    opts: &TranspileOptions,
) -> Result<Transpiled> {
    let cx = EmitCx::new(plan, opts, bytes, &ir.modules);
    let mut names = Names::default();
    if cx.uses_async {
        // The async runtime reads every instance's flags (`ai{c}.mayEnter`).
        names.enter_flags.extend(plan.component_instances.keys());
    }
    // Built-ins core instances import directly are generated first.
    for inst in &plan.instances {
        for (_, arg) in &inst.args {
            if let CoreInstanceArg::Bag(items) = arg {
                for (_, d) in items {
                    if matches!(d, CoreDef::Resource { .. } | CoreDef::Builtin(_)) {
                        names.core_func(d);
                    }
                }
            }
        }
    }
    let surface = exports::surface(&cx);
    let ns = namespaces::Namespaces::of(bytes, opts.value_style);
    let exports = exports::exports(&cx, &mut names, &surface, &ns);
    let mut fns = exports.fns;
    // Lowered functions (imports into core wasm, and adapters between components).
    for i in plan.lowered.keys() {
        fns.push_str(&lower::lowered(&cx, &mut names, i));
        if let Some(a) = cx.fused.get(&i) {
            fns.push_str(&fused::helpers(&cx, &mut names, i, a));
        }
    }
    // Functions generated late (raw lifts, async built-ins): after the classes.
    let mut tail = String::new();
    while let Some(work) = names.pending.next() {
        match work {
            Work::Lift(i, form) => tail.push_str(&lift::form_lifted(&cx, &mut names, i, form)),
            Work::Builtin(i) => tail.push_str(&async_abi::builtin(&cx, &mut names, i)),
            Work::Resource(d) => fns.push_str(&resources::resource_builtin(&cx, &mut names, &d)),
        }
    }
    if !plan.resources.is_empty() {
        fns.push_str(&resources::resource_decls(
            &cx,
            &mut names,
            exports.class_members,
        ));
    }
    fns.push_str(&exports.objects);
    fns.push_str(&tail);
    let glue = body::Glue {
        fns,
        properties: exports.properties,
    };
    let (js, files) = body::assemble(&cx, &mut names, bytes, ir, glue, &exports.esm)?;
    let mut out = Transpiled::default();
    out.files.push(OutputFile {
        path: format!("{}.js", opts.name),
        contents: js.into_bytes(),
    });
    out.files.extend(files.files);
    if !cx.jspi.instances.is_empty() {
        out.warnings.push(format!(
            "{} core instance(s) may block in a synchronous wait (a sync `waitable-set.wait`, stream or future copy, call of an async function, or thread switch): where such a wait must really block, the wasm stack suspends through JSPI (WebAssembly.Suspending: Chromium >= 137, Node 24 with --experimental-wasm-jspi); engines without JSPI trap at that point",
            cx.jspi.instances.len()
        ));
    }
    out.imports = files.imports;
    out.exports = exports.esm.iter().map(|(n, _)| n.clone()).collect();
    Ok(out)
}
