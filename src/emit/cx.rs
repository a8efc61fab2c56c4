//! [`EmitCx`]: everything the glue generators read and never change — the
//! plan, the options, and what was decided about the plan before any code is
//! generated (JSPI, async, which flags exist, which adapters are fused).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::rc::Rc;

use super::ident::FlagHome;
use crate::fuse::Adapter;
use crate::plan::{
    Callee, CanonOpts, ComponentInstanceIdx, CoreDef, CoreInstanceArg, HostImportKind, ImportIdx,
    JspiPlan, LiftedIdx, LoweredIdx, Plan, StringEncoding,
};
use crate::plan::{ModuleIdx, ModuleSrc};
use crate::{Instantiation, TranspileOptions};

/// The read-only context of one glue generation.
pub struct EmitCx<'a> {
    pub plan: &'a Plan,
    pub opts: &'a TranspileOptions,
    /// Which core imports may block and which entries may suspend (the async
    /// ABI's blocking waits through JSPI, see [`Plan::jspi`]).
    pub jspi: JspiPlan,
    /// The component uses the async ABI ([`Plan::uses_async`]).
    pub uses_async: bool,
    /// Where the `may_enter`/`may_leave` flags live (follows `uses_async`, and
    /// whether any adapter is fused: `FlagHome::of`).
    pub flags: FlagHome,
    /// `instantiate()` is async (else sync, or plain ESM with top-level await).
    pub async_instantiation: bool,
    /// Component instances whose `may_leave` flag the glue tracks.
    pub leave_flags: BTreeSet<ComponentInstanceIdx>,
    /// Root imports that are a resource's class itself (`HostImportKind::Class`).
    pub class_imports: HashSet<ImportIdx>,
    /// `--async-mode jspi` (jco's flag): lowered host imports listed in
    /// `--async-imports`, which may return Promises, by their full name.
    pub promise_imports: HashMap<LoweredIdx, String>,
    /// Lowers with a fused adapter (`src/fuse/`), decided statically.
    pub fused: BTreeMap<LoweredIdx, Adapter>,
    /// `poisoned` is folded into the `may_enter` flags (see `super::entry`):
    /// a sync component inside whose core code no host code can run.
    pub folded_poison: bool,
    /// Lifts whose JS adapter passes strings and plain lists as views of the
    /// source memory ([`view_lifts`]).
    pub view_lifts: HashSet<LiftedIdx>,
    /// Which core exports reach no core import, read per module when asked.
    import_free: ImportFree<'a>,
}

/// The component's core modules and, per module once asked, the names of its
/// exported functions that reach none of its imports ([`crate::import_free`]).
struct ImportFree<'a> {
    bytes: &'a [u8],
    modules: &'a [Range<usize>],
    cache: RefCell<HashMap<ModuleIdx, Rc<HashSet<String>>>>,
}

impl<'a> EmitCx<'a> {
    /// `bytes` is the component and `modules` its core modules' ranges in it.
    pub fn new(
        plan: &'a Plan,
        opts: &'a TranspileOptions,
        bytes: &'a [u8],
        modules: &'a [Range<usize>],
    ) -> Self {
        let uses_async = plan.uses_async();
        let mut leave_flags: BTreeSet<_> =
            plan.lowered.iter().map(|l| l.component_instance).collect();
        if uses_async {
            // The async runtime reads every instance's flags (`ai{c}.mayLeave`).
            leave_flags.extend(plan.component_instances.keys());
        }
        for inst in &plan.instances {
            for (_, arg) in &inst.args {
                if let CoreInstanceArg::Bag(items) = arg {
                    for (_, d) in items {
                        if let CoreDef::Resource { instance, .. } = d {
                            leave_flags.insert(*instance);
                        }
                    }
                }
            }
        }
        let class_imports = (plan.imports.iter_enumerated())
            .filter(|(_, i)| matches!(i.kind, HostImportKind::Class(_)))
            .map(|(i, _)| i)
            .collect();
        let mut promise_imports = HashMap::new();
        for (i, l) in plan.lowered.iter_enumerated() {
            if let Callee::Host { import, path } = &l.callee {
                let name = plan.host_func_name(*import, path);
                if !plan.lowers_to_subtask(i) && opts.is_async_import(&name) {
                    promise_imports.insert(i, name);
                }
            }
        }
        let jspi = plan.jspi();
        let fused = if opts.fused_adapters {
            plan.lowered
                .keys()
                .filter(|i| !jspi.blocking.contains(&CoreDef::Lowered(*i)))
                .filter_map(|i| crate::fuse::adapter(plan, i).map(|a| (i, a)))
                .collect()
        } else {
            BTreeMap::new()
        };
        EmitCx {
            plan,
            opts,
            uses_async,
            flags: flag_home(plan, uses_async, &fused),
            async_instantiation: opts.instantiation != Instantiation::Sync,
            leave_flags,
            class_imports,
            promise_imports,
            fused,
            folded_poison: !uses_async && !super::reentry::host_code_inside(plan),
            view_lifts: view_lifts(plan, &jspi),
            jspi,
            import_free: ImportFree {
                bytes,
                modules,
                cache: Default::default(),
            },
        }
    }

    /// Whether `may_leave` of instance `inst` must be cleared while its core
    /// function `d` (a realloc or post-return) runs: only something `d` calls
    /// could observe it, so not when `d` reaches no core import.
    pub fn guards_may_leave(&self, inst: ComponentInstanceIdx, d: &CoreDef) -> bool {
        self.leave_flags.contains(&inst) && !self.reaches_no_import(d)
    }

    /// Whether core function `d` runs no JS: an export of a core instance of
    /// an embedded module whose calls reach none of its imports.
    pub fn reaches_no_import(&self, d: &CoreDef) -> bool {
        let CoreDef::Export { instance, name } = d else {
            return false;
        };
        let module = self.plan.instances[*instance].module;
        let ModuleSrc::Static(m) = self.plan.modules[module] else {
            return false;
        };
        let f = &self.import_free;
        let free = f.cache.borrow().get(&module).cloned();
        let free = free.unwrap_or_else(|| {
            // Validated already; a module that does not read counts as impure.
            let wasm = &f.bytes[f.modules[m].clone()];
            let free = Rc::new(crate::import_free::import_free_exports(wasm).unwrap_or_default());
            f.cache.borrow_mut().insert(module, free.clone());
            free
        });
        free.contains(name)
    }

    /// `await ` where instantiation is async.
    pub fn aw(&self) -> &'static str {
        if self.async_instantiation {
            "await "
        } else {
            ""
        }
    }
}

/// Where the flags live: with fused adapters (and no async ABI), the
/// `may_enter` flags of the callees' entering sets and the callers'
/// `may_leave` flags in memory, where the adapters check them.
fn flag_home(plan: &Plan, uses_async: bool, fused: &BTreeMap<LoweredIdx, Adapter>) -> FlagHome {
    if uses_async || fused.is_empty() {
        return FlagHome::of(uses_async);
    }
    let (mut enter, mut leave) = (Vec::new(), Vec::new());
    for idx in fused.keys() {
        let l = &plan.lowered[*idx];
        if let Callee::Lifted(li) = l.callee {
            let callee = plan.lifted[li].component_instance;
            enter.extend(plan.entering_set(callee, Some(l.component_instance)));
            leave.push(l.component_instance);
        }
    }
    FlagHome::memory(&enter, &leave)
}

/// Lifts whose JS adapter (`liftN_raw`, called by sync lowers in other
/// components) can pass views (`values::views`): the lift and every such
/// caller use utf8 and 32-bit memories, and no such call suspends, so each
/// caller stores the result inside the call, before the callee's post-return
/// (the view's bytes are the callee's until then).
fn view_lifts(plan: &Plan, jspi: &JspiPlan) -> HashSet<LiftedIdx> {
    let fits = |o: &CanonOpts| {
        o.string_encoding == StringEncoding::Utf8 && !plan.addr(o.memory.as_ref()).is_64()
    };
    let mut ok: HashMap<LiftedIdx, bool> = HashMap::new();
    for (i, l) in plan.lowered.iter_enumerated() {
        let Callee::Lifted(c) = &l.callee else {
            continue;
        };
        let lift = &plan.lifted[*c];
        if l.opts.is_async || super::lift::is_task(lift) {
            continue; // a subtask: the lift's `Values` form, not its adapter
        }
        let fine = fits(&l.opts)
            && fits(&lift.opts)
            && !jspi.blocking.contains(&CoreDef::Lowered(i))
            && !jspi.sync_entry(&lift.core);
        *ok.entry(*c).or_insert(true) &= fine;
    }
    ok.into_iter().filter(|(_, v)| *v).map(|(k, _)| k).collect()
}
