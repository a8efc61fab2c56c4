//! Wires fused adapters (`crate::fuse`) into the glue. For each covered
//! `canon lower` the glue compiles the adapter's core module (inline base64),
//! instantiates it right before the first core instance importing the lower,
//! and passes its export instead of the JS adapter `lowerN`. The JS adapter
//! stays generated: on an engine without multi-memory (`fusedAdapters` false)
//! the import is `lowerN` as before.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::names::Names;
use super::shell::base64;
use super::values::js_str;
use crate::fuse::{self, Adapter, Import};
use crate::plan::{Callee, CoreDef, CoreInstanceArg, CoreInstantiation, Plan};

/// The lowers that get a fused adapter (statically covered ones, unless the
/// options ask for JS adapters); marks them in `names.fused`.
pub fn decide(plan: &Plan, names: &mut Names) -> BTreeMap<usize, Adapter> {
    if !names.options.fused_adapters {
        return BTreeMap::new();
    }
    let found: BTreeMap<usize, Adapter> = (0..plan.lowered.len())
        .filter(|i| !names.jspi.blocking.contains(&CoreDef::Lowered(*i)))
        .filter_map(|i| fuse::adapter(plan, i).map(|a| (i, a)))
        .collect();
    names.fused.extend(found.keys().copied());
    found
}

/// The JS helpers adapter `idx` imports (`feN`/`flN`: the entry checks and
/// their undoing; `fpN`: post-return with `may_leave` cleared) and its
/// compiled module `fmodN` (only where the engine runs fused adapters).
pub fn helpers(plan: &Plan, names: &mut Names, idx: usize, a: &Adapter, is_async: bool) -> String {
    let l = &plan.lowered[idx];
    let Callee::Lifted(li) = l.callee else {
        unreachable!("fused adapters call lifted functions")
    };
    let caller = l.component_instance;
    let entering = plan.entering_set(plan.lifted[li].component_instance, Some(caller));
    names.enter_flags.extend(entering.iter().copied());
    names.intrinsics.use_("trap");
    names.intrinsics.use_("fused");
    names.intrinsics.use_("base64");
    let mut js = String::new();
    let mut enter = format!("if (!ml{caller}) cannotLeave();");
    if !entering.is_empty() {
        let check: Vec<String> = entering.iter().map(|i| format!("!me{i}")).collect();
        write!(
            enter,
            " if ({}) cannotEnter(poisoned); {}",
            check.join(" || "),
            Names::flags_assign("me", &entering, false)
        )
        .unwrap();
    }
    writeln!(js, "function fe{idx}() {{ {enter} }}").unwrap();
    writeln!(
        js,
        "function fl{idx}() {{ {} }}",
        if entering.is_empty() {
            String::new()
        } else {
            Names::flags_assign("me", &entering, true)
        }
    )
    .unwrap();
    for (_, imp) in &a.imports {
        if let Import::PostReturn { inst, def, nargs } = imp {
            if names.leave_flags.contains(inst) {
                let f = names.core_func(def);
                let args: Vec<String> = (0..*nargs).map(|i| format!("a{i}")).collect();
                let args = args.join(", ");
                writeln!(
                    js,
                    "function fp{idx}({args}) {{ ml{inst} = false; {f}({args}); ml{inst} = true; }}"
                )
                .unwrap();
            }
        }
    }
    // The import object, built when the adapter is instantiated.
    let imports: Vec<String> = a
        .imports
        .iter()
        .map(|(n, imp)| format!("{}: {}", js_str(n), import_expr(plan, names, idx, imp)))
        .collect();
    writeln!(
        js,
        "function fi{idx}() {{ return {{ '': {{ {} }} }}; }}",
        imports.join(", ")
    )
    .unwrap();
    let bytes = format!("base64Bytes('{}')", base64(&a.bytes));
    let compile = if is_async {
        format!("WebAssembly.compile({bytes})")
    } else {
        format!("new WebAssembly.Module({bytes})")
    };
    writeln!(js, "const fmod{idx} = fusedAdapters ? {compile} : null;").unwrap();
    js
}

/// Statements instantiating the adapters core instance `inst` imports that
/// are not instantiated yet (`faN`: the adapter, or `lowerN` without fused support).
pub fn before_instance(
    names: &mut Names,
    adapters: &BTreeMap<usize, Adapter>,
    inst: &CoreInstantiation,
    aw: &str,
) -> String {
    let mut out = String::new();
    for (_, arg) in &inst.args {
        let CoreInstanceArg::Bag(items) = arg else {
            continue;
        };
        for (_, d) in items {
            let CoreDef::Lowered(idx) = d else { continue };
            if !adapters.contains_key(idx) || !names.fused_wired.insert(*idx) {
                continue;
            }
            writeln!(
                out,
                "  const fa{idx} = fusedAdapters ? ({aw}instantiateCore({aw}fmod{idx}, fi{idx}())).exports.adapter : lower{idx};"
            )
            .unwrap();
        }
    }
    out
}

/// The JS expression passed as one import of adapter `idx`.
fn import_expr(plan: &Plan, names: &mut Names, idx: usize, imp: &Import) -> String {
    match imp {
        Import::Enter => format!("fe{idx}"),
        Import::Leave => format!("fl{idx}"),
        Import::Memory(CoreDef::Export { instance, name }) => {
            format!("ex{instance}[{}]", js_str(name))
        }
        Import::Memory(d) | Import::Callee(d) => super::core_def_expr(plan, names, d),
        Import::Realloc { inst, def } => names.realloc(*inst, def),
        Import::PostReturn { inst, def, .. } => {
            if names.leave_flags.contains(inst) {
                format!("fp{idx}")
            } else {
                names.core_func(def)
            }
        }
    }
}
