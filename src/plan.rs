//! The flattened, ordered description of what runs: which core modules are
//! instantiated with which imports, which functions are lifted or lowered with
//! which options, and what the component exports. Produced by `flatten`,
//! consumed by `emit`. No JS knowledge here.

use std::collections::HashSet;

use crate::addr::AddrWidth;
pub use crate::index::{
    AsyncTypeIdx, BuiltinIdx, ComponentInstanceIdx, CoreInstanceIdx, Idx, ImportIdx, IndexVec,
    LiftedIdx, LoweredIdx, ModuleIdx, ResourceIdx,
};
use crate::types::{FuncType, ValType};

/// A core item (function, memory, table, global) some core instance exports,
/// or a function the glue synthesizes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CoreDef {
    /// Export `name` of core instance `instance` (a global instance index).
    Export {
        instance: CoreInstanceIdx,
        name: String,
    },
    /// The core function made by `canon lower` number `n` (see [`Plan::lowered`]).
    Lowered(LoweredIdx),
    /// `canon resource.new/drop/rep` of resource type `rt` in component instance `instance`.
    Resource {
        op: ResourceOp,
        rt: ResourceIdx,
        instance: ComponentInstanceIdx,
    },
    /// An async built-in (`task.return`, `stream.read`, ...): index into [`Plan::builtins`].
    Builtin(BuiltinIdx),
}

/// A canonical built-in of the async ABI, defined in component instance `instance`.
#[derive(Debug, Clone)]
pub struct Builtin {
    pub op: AsyncOp,
    pub instance: ComponentInstanceIdx,
}

/// Stream or future (their built-ins mirror each other).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyKind {
    Stream,
    Future,
}

/// The async ABI's built-ins. `ty` fields index [`Plan::async_types`] (the
/// `stream<T>`/`future<T>` type); `is_async` is the `async` immediate.
#[derive(Debug, Clone)]
pub enum AsyncOp {
    TaskReturn {
        result: Option<ValType>,
        opts: CanonOpts,
    },
    TaskCancel,
    /// `wide`: an i64 slot (cm64).
    ContextGet {
        slot: u32,
        wide: bool,
    },
    ContextSet {
        slot: u32,
        wide: bool,
    },
    BackpressureInc,
    BackpressureDec,
    ThreadYield,
    WaitableSetNew,
    WaitableSetWait(CoreDef),
    WaitableSetPoll(CoreDef),
    WaitableSetDrop,
    WaitableJoin,
    SubtaskCancel {
        is_async: bool,
    },
    SubtaskDrop,
    New {
        kind: CopyKind,
        ty: AsyncTypeIdx,
    },
    /// `stream.read`/`stream.write`/`future.read`/`future.write`.
    Copy {
        kind: CopyKind,
        ty: AsyncTypeIdx,
        read: bool,
        opts: CanonOpts,
    },
    Cancel {
        kind: CopyKind,
        ty: AsyncTypeIdx,
        read: bool,
        is_async: bool,
    },
    Drop {
        kind: CopyKind,
        ty: AsyncTypeIdx,
        readable: bool,
    },
    ThreadIndex,
    /// `thread.new-indirect` over core table `table`; start functions take an
    /// i32, or an i64 (`wide`, cm64).
    ThreadNewIndirect {
        table: CoreDef,
        wide: bool,
    },
    ThreadResumeLater,
    ThreadSuspend,
    /// `thread.yield-then-resume` (`yielding`) / `thread.suspend-then-resume`.
    ThreadSwitch {
        yielding: bool,
    },
    /// `thread.yield-then-promote` (`yielding`) / `thread.suspend-then-promote`.
    ThreadPromote {
        yielding: bool,
    },
    ErrorContextNew(CanonOpts),
    ErrorContextDebugMessage(CanonOpts),
    ErrorContextDrop,
}

impl AsyncOp {
    /// True when the built-in may have to suspend the calling core stack
    /// (a synchronous wait whose condition may not hold yet). A sync
    /// `subtask.cancel` waits only for a callee that is a lifted function
    /// (`cancel_may_wait`: a host callee resolves as cancelled at once). A
    /// sync `stream/future.cancel-*` never waits: every shared end in the
    /// runtime (`copy.js`, `host.js`) reports the cancelled copy at once.
    pub fn may_block(&self, cancel_may_wait: bool) -> bool {
        match self {
            AsyncOp::WaitableSetWait(_)
            | AsyncOp::ThreadYield
            | AsyncOp::ThreadSuspend
            | AsyncOp::ThreadSwitch { .. }
            | AsyncOp::ThreadPromote { .. } => true,
            AsyncOp::SubtaskCancel { is_async } => !is_async && cancel_may_wait,
            AsyncOp::Copy { opts, .. } => !opts.is_async,
            _ => false,
        }
    }

    /// The core signature (type codes, see [`crate::abi`]) of a built-in
    /// that may block; `w`: the width of the memory its options (or
    /// immediate) name.
    pub fn blocking_sig(&self, w: AddrWidth) -> (String, String) {
        let (p, r) = match (self, w) {
            (AsyncOp::WaitableSetWait(_), AddrWidth::W32) => ("ii", "i"),
            (AsyncOp::WaitableSetWait(_), AddrWidth::W64) => ("iI", "i"),
            (AsyncOp::ThreadYield | AsyncOp::ThreadSuspend, _) => ("", "i"),
            (
                AsyncOp::Copy {
                    kind: CopyKind::Stream,
                    ..
                },
                AddrWidth::W32,
            ) => ("iii", "i"),
            // 64-bit: an i64 pointer and count, an i64 result.
            (
                AsyncOp::Copy {
                    kind: CopyKind::Stream,
                    ..
                },
                AddrWidth::W64,
            ) => ("iII", "I"),
            (AsyncOp::Copy { .. }, AddrWidth::W32) => ("ii", "i"),
            (AsyncOp::Copy { .. }, AddrWidth::W64) => ("iI", "i"),
            (
                AsyncOp::Cancel { .. }
                | AsyncOp::SubtaskCancel { .. }
                | AsyncOp::ThreadSwitch { .. }
                | AsyncOp::ThreadPromote { .. },
                _,
            ) => ("i", "i"),
            (other, _) => unreachable!("{other:?} does not block"),
        };
        (p.to_string(), r.to_string())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceOp {
    New,
    Drop,
    Rep,
}

/// A resource type at run time: one per definition per instantiation.
#[derive(Debug, Clone)]
pub struct ResourceType {
    /// The component instance that defined it; `None` for a host resource.
    pub impl_instance: Option<ComponentInstanceIdx>,
    pub dtor: Option<CoreDef>,
    /// For host resources: the root import and export name it came from.
    pub host: Option<(ImportIdx, String)>,
    /// The resource's name (for JS class names and messages).
    pub name: String,
}

/// Where a core module comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModuleSrc {
    /// Embedded in the component (index into `ComponentIr::modules`).
    Static(usize),
    /// A `WebAssembly.Module` the host passes as root import `n`.
    Host(ImportIdx),
}

/// What a core instance gets as one of its import modules.
#[derive(Debug, Clone)]
pub enum CoreInstanceArg {
    /// All exports of an instantiated core instance.
    Instance(CoreInstanceIdx),
    /// A bag of individual items (a core instance made "from exports").
    Bag(Vec<(String, CoreDef)>),
}

/// `instantiate` of a core module.
#[derive(Debug, Clone)]
pub struct CoreInstantiation {
    /// Index into [`Plan::modules`].
    pub module: ModuleIdx,
    pub args: Vec<(String, CoreInstanceArg)>,
    /// The component instance doing the instantiation (its start function runs there).
    pub component_instance: ComponentInstanceIdx,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StringEncoding {
    #[default]
    Utf8,
    Utf16,
    Latin1Utf16,
}

/// Canonical options of a lift or lower (default: utf8, nothing else).
#[derive(Debug, Clone, Default)]
pub struct CanonOpts {
    pub string_encoding: StringEncoding,
    pub memory: Option<CoreDef>,
    pub realloc: Option<CoreDef>,
    pub post_return: Option<CoreDef>,
    pub is_async: bool,
    pub callback: Option<CoreDef>,
}

/// Who implements a component-level function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callee {
    /// A host import: root import `import`, then nested export names.
    Host {
        import: ImportIdx,
        path: Vec<String>,
    },
    /// A function lifted from core wasm (index into [`Plan::lifted`]).
    Lifted(LiftedIdx),
}

/// `canon lift`: a core function exposed with a component type.
#[derive(Debug, Clone)]
pub struct Lifted {
    pub core: CoreDef,
    pub ty: FuncType,
    pub opts: CanonOpts,
    /// The static component instance this function belongs to (for traps and
    /// reentrance rules).
    pub component_instance: ComponentInstanceIdx,
}

/// `canon lower`: a component function turned into a core import.
#[derive(Debug, Clone)]
pub struct Lowered {
    pub callee: Callee,
    pub ty: FuncType,
    pub opts: CanonOpts,
    pub component_instance: ComponentInstanceIdx,
}

/// A root import of the component.
#[derive(Debug, Clone)]
pub struct HostImport {
    /// The import name, e.g. `wasi:cli/stdout@0.2.0` or `greet`.
    pub name: String,
    pub kind: HostImportKind,
}

#[derive(Debug, Clone)]
pub enum HostImportKind {
    Func(FuncType),
    Instance,
    /// A core module (`WebAssembly.Module`).
    Module,
    /// A resource imported at the world root: the host's class (the default
    /// export of the specifier named after the resource, as in jco), with the
    /// `[constructor]r`/`[method]r.m`/`[static]r.s` functions it implements.
    Class(Vec<(String, FuncType)>),
}

/// An item of the root component's exports.
#[derive(Debug, Clone)]
pub enum ExportItem {
    Func(Callee, FuncType),
    /// An exported resource type (a JS class).
    Resource(ResourceIdx),
    Instance(Vec<(String, ExportItem)>),
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Component instances in creation order, each with its parent (None: the root).
    pub component_instances: IndexVec<ComponentInstanceIdx, Option<ComponentInstanceIdx>>,
    /// The core modules instantiated, one per plan module.
    pub modules: IndexVec<ModuleIdx, ModuleSrc>,
    /// Core instantiations in the order they run.
    pub instances: IndexVec<CoreInstanceIdx, CoreInstantiation>,
    pub lifted: IndexVec<LiftedIdx, Lifted>,
    pub lowered: IndexVec<LoweredIdx, Lowered>,
    pub imports: IndexVec<ImportIdx, HostImport>,
    pub exports: Vec<(String, ExportItem)>,
    pub resources: IndexVec<ResourceIdx, ResourceType>,
    /// Async built-ins used as core functions.
    pub builtins: IndexVec<BuiltinIdx, Builtin>,
    /// Structurally distinct `stream<T>`/`future<T>` types the built-ins name.
    pub async_types: IndexVec<AsyncTypeIdx, ValType>,
    /// The core memories that are `memory64` (canonical options naming one
    /// use i64 pointers and lengths).
    pub memory64: HashSet<CoreDef>,
}

/// Where a wasm stack may have to suspend (JSPI), decided statically.
#[derive(Debug, Clone, Default)]
pub struct JspiPlan {
    /// Core functions that may block: imported through a JSPI shim.
    pub blocking: HashSet<CoreDef>,
    /// Core instances that import one of them (directly or re-exported):
    /// async-typed entries into them go through `WebAssembly.promising`.
    pub instances: HashSet<CoreInstanceIdx>,
    /// Core instances whose sync-typed entries may suspend too (they import
    /// thread switching, or call a sync-typed function of such an instance).
    pub sync_instances: HashSet<CoreInstanceIdx>,
    /// Sync lowers into such an instance (they await the callee).
    pub blocking_adapters: HashSet<CoreDef>,
}

impl JspiPlan {
    /// Whether entering `core` for an async-typed call may suspend.
    pub fn entry(&self, core: &CoreDef) -> bool {
        matches!(core, CoreDef::Export { instance, .. } if self.instances.contains(instance))
    }

    /// Whether entering `core` for a sync-typed call may suspend.
    pub fn sync_entry(&self, core: &CoreDef) -> bool {
        matches!(core, CoreDef::Export { instance, .. } if self.sync_instances.contains(instance))
    }
}

impl Plan {
    /// The address width of canonical options naming `memory` (none: 32-bit).
    pub fn addr(&self, memory: Option<&CoreDef>) -> AddrWidth {
        AddrWidth::of_memory64(memory.is_some_and(|m| self.memory64.contains(m)))
    }

    /// The address width of the memory async built-in `op` names (in its
    /// options or its immediate).
    pub fn builtin_addr(&self, op: &AsyncOp) -> AddrWidth {
        match op {
            AsyncOp::WaitableSetWait(m) | AsyncOp::WaitableSetPoll(m) => self.addr(Some(m)),
            AsyncOp::TaskReturn { opts, .. }
            | AsyncOp::Copy { opts, .. }
            | AsyncOp::ErrorContextNew(opts)
            | AsyncOp::ErrorContextDebugMessage(opts) => self.addr(opts.memory.as_ref()),
            _ => AddrWidth::W32,
        }
    }

    /// Whether any canonical option names a 64-bit memory.
    pub fn uses_memory64(&self) -> bool {
        !self.memory64.is_empty()
    }

    /// A host function's full name: the root import's, then `#`-joined export
    /// names (`wasi:io/poll@0.2.0#poll`), for messages and `--async-imports`.
    pub fn host_func_name(&self, import: ImportIdx, path: &[String]) -> String {
        let mut name = self.imports[import].name.clone();
        for p in path {
            name.push('#');
            name.push_str(p);
        }
        name
    }

    /// Whether a lowered call makes a subtask (an `async` lower, or a callee of async type).
    pub fn lowers_to_subtask(&self, i: LoweredIdx) -> bool {
        let l = &self.lowered[i];
        l.opts.is_async
            || match &l.callee {
                Callee::Lifted(j) => self.lifted[*j].ty.is_async,
                Callee::Host { .. } => l.ty.is_async,
            }
    }

    /// Decides which core imports may block and which core instances must be
    /// entered through JSPI's `promising`: blocking built-ins, sync lowers of
    /// async callees, and (to a fixpoint) sync lowers into a `promising` instance.
    pub fn jspi(&self) -> JspiPlan {
        let mut j = JspiPlan::default();
        // A subtask whose cancellation may leave it running: a call into a
        // lifted function (of another instance).
        let cancel_may_wait = self
            .lowered
            .iter_enumerated()
            .any(|(i, l)| self.lowers_to_subtask(i) && matches!(l.callee, Callee::Lifted(_)));
        for (i, b) in self.builtins.iter_enumerated() {
            if b.op.may_block(cancel_may_wait) {
                j.blocking.insert(CoreDef::Builtin(i));
            }
        }
        for (i, l) in self.lowered.iter_enumerated() {
            if self.lowers_to_subtask(i) && !l.opts.is_async {
                j.blocking.insert(CoreDef::Lowered(i));
            }
        }
        if j.blocking.is_empty() {
            return j;
        }
        // Only thread switching can suspend a synchronous task's stack (every
        // other wait in a sync task traps first), so sync-typed entries use
        // `promising` only in instances that import a switching built-in.
        let switching: HashSet<CoreDef> = self
            .builtins
            .iter_enumerated()
            .filter(|(_, b)| {
                matches!(
                    b.op,
                    AsyncOp::ThreadSuspend
                        | AsyncOp::ThreadSwitch { .. }
                        | AsyncOp::ThreadPromote { .. }
                )
            })
            .map(|(i, _)| CoreDef::Builtin(i))
            .collect();
        j.instances = self.importers_of(&j.blocking);
        loop {
            j.sync_instances =
                self.importers_of(&switching.union(&j.blocking_adapters).cloned().collect());
            let before = j.blocking_adapters.len();
            for (i, l) in self.lowered.iter_enumerated() {
                if let Callee::Lifted(k) = &l.callee {
                    let core = &self.lifted[*k].core;
                    if !self.lowers_to_subtask(i) && j.sync_entry(core) {
                        j.blocking_adapters.insert(CoreDef::Lowered(i));
                        j.blocking.insert(CoreDef::Lowered(i));
                    }
                }
            }
            if before == j.blocking_adapters.len() {
                j.instances = self.importers_of(&j.blocking);
                return j;
            }
        }
    }

    /// The core instances that import one of `defs`, directly or through
    /// another core instance's exports (which may re-export them).
    fn importers_of(&self, defs: &HashSet<CoreDef>) -> HashSet<CoreInstanceIdx> {
        let mut found: HashSet<CoreInstanceIdx> = HashSet::new();
        loop {
            let before = found.len();
            for (i, inst) in self.instances.iter_enumerated() {
                let imports = inst.args.iter().any(|(_, a)| match a {
                    CoreInstanceArg::Instance(k) => found.contains(k),
                    CoreInstanceArg::Bag(items) => items.iter().any(|(_, d)| {
                        defs.contains(d)
                            || matches!(d, CoreDef::Export { instance, .. } if found.contains(instance))
                    }),
                });
                if imports {
                    found.insert(i);
                }
            }
            if before == found.len() {
                return found;
            }
        }
    }

    /// Whether anything of the async ABI is used: an async built-in, an
    /// `async` option or function type, or a stream/future/error-context
    /// value. When false the glue carries none of the async runtime.
    pub fn uses_async(&self) -> bool {
        let async_ty = |ty: &FuncType| ty.is_async || ty.passes_async_handles();
        !self.builtins.is_empty()
            || self
                .lifted
                .iter()
                .any(|l| l.opts.is_async || async_ty(&l.ty))
            || self
                .lowered
                .iter()
                .any(|l| l.opts.is_async || async_ty(&l.ty))
            || self.imports.iter().any(|i| match &i.kind {
                HostImportKind::Func(t) => async_ty(t),
                HostImportKind::Class(fs) => fs.iter().any(|(_, t)| async_ty(t)),
                HostImportKind::Instance | HostImportKind::Module => false,
            })
    }

    /// Interns every `stream<T>`/`future<T>` type a function type mentions
    /// (the glue's descriptors for values that cross in its signature).
    pub fn intern_async_types(&mut self, ty: &FuncType) {
        fn walk(plan: &mut Plan, t: &ValType) {
            match t {
                ValType::Stream(e) | ValType::Future(e) => {
                    plan.async_type(t.clone());
                    if let Some(e) = e {
                        walk(plan, e);
                    }
                }
                ValType::List(e) | ValType::FixedList(e, _) | ValType::Option(e) => walk(plan, e),
                ValType::Map(k, v) => {
                    walk(plan, k);
                    walk(plan, v);
                }
                ValType::Record(fs) => fs.iter().for_each(|(_, t)| walk(plan, t)),
                ValType::Tuple(ts) => ts.iter().for_each(|t| walk(plan, t)),
                ValType::Variant(cs) => cs.iter().flat_map(|(_, t)| t).for_each(|t| walk(plan, t)),
                ValType::Result(ok, err) => {
                    ok.iter().chain(err).for_each(|t| walk(plan, t));
                }
                _ => {}
            }
        }
        for (_, t) in &ty.params {
            walk(self, t);
        }
        if let Some(t) = &ty.result {
            walk(self, t);
        }
    }

    /// Interns a `stream<T>`/`future<T>` type; returns its index.
    pub fn async_type(&mut self, t: ValType) -> AsyncTypeIdx {
        match self.async_types.iter().position(|x| *x == t) {
            Some(i) => AsyncTypeIdx::new(i),
            None => self.async_types.push(t),
        }
    }

    /// An instance and its ancestors, innermost first.
    pub fn self_and_ancestors(&self, mut inst: ComponentInstanceIdx) -> Vec<ComponentInstanceIdx> {
        let mut out = vec![inst];
        while let Some(p) = self.component_instances[inst] {
            out.push(p);
            inst = p;
        }
        out
    }

    /// Whether a call between two component instances where one is the
    /// other's ancestor (parent to child or child to parent) must trap: the
    /// reference tests (`async/trap-on-reenter.wast`) require it "for now",
    /// although the spec's `entering_set` would allow it.
    pub fn nested_call_traps(
        &self,
        callee: ComponentInstanceIdx,
        caller: ComponentInstanceIdx,
    ) -> bool {
        callee != caller
            && (self.self_and_ancestors(caller).contains(&callee)
                || self.self_and_ancestors(callee).contains(&caller))
    }

    /// The instances whose `may_enter` flag a call from `caller` (None: the
    /// host) into `callee` must check and clear (the spec's `entering_set`).
    pub fn entering_set(
        &self,
        callee: ComponentInstanceIdx,
        caller: Option<ComponentInstanceIdx>,
    ) -> Vec<ComponentInstanceIdx> {
        let exclude = caller
            .map(|c| self.self_and_ancestors(c))
            .unwrap_or_default();
        self.self_and_ancestors(callee)
            .into_iter()
            .filter(|i| !exclude.contains(i))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(i: usize) -> ComponentInstanceIdx {
        ComponentInstanceIdx::new(i)
    }

    fn func(is_async: bool, params: Vec<ValType>) -> FuncType {
        FuncType {
            params: params
                .into_iter()
                .enumerate()
                .map(|(i, t)| (format!("p{i}"), t))
                .collect(),
            result: None,
            is_async,
        }
    }

    /// Root 0 with children 1 and 3; 2 is a child of 1.
    fn tree() -> Plan {
        let mut p = Plan::default();
        for parent in [None, Some(c(0)), Some(c(1)), Some(c(0))] {
            p.component_instances.push(parent);
        }
        p
    }

    #[test]
    fn entering_sets_leave_out_what_the_caller_is_already_in() {
        let p = tree();
        assert_eq!(p.entering_set(c(2), None), [c(2), c(1), c(0)]);
        assert_eq!(p.entering_set(c(2), Some(c(3))), [c(2), c(1)]);
        assert_eq!(p.entering_set(c(1), Some(c(1))), []);
        assert!(p.nested_call_traps(c(2), c(1)) && p.nested_call_traps(c(0), c(2)));
        assert!(!p.nested_call_traps(c(2), c(3)) && !p.nested_call_traps(c(2), c(2)));
    }

    /// Instance 1 lifts an async-typed function out of core instance 0;
    /// instance 2 lowers it synchronously into core instance 1.
    fn sync_call_of_async_callee() -> Plan {
        let mut p = tree();
        let core = CoreDef::Export {
            instance: CoreInstanceIdx::new(0),
            name: "f".into(),
        };
        let lifted = p.lifted.push(Lifted {
            core,
            ty: func(true, vec![]),
            opts: CanonOpts::default(),
            component_instance: c(1),
        });
        let lowered = p.lowered.push(Lowered {
            callee: Callee::Lifted(lifted),
            ty: func(true, vec![]),
            opts: CanonOpts::default(),
            component_instance: c(2),
        });
        let module = p.modules.push(ModuleSrc::Static(0));
        for (inst, args) in [
            (c(1), vec![]),
            (
                c(2),
                vec![(
                    "env".to_string(),
                    CoreInstanceArg::Bag(vec![("g".into(), CoreDef::Lowered(lowered))]),
                )],
            ),
            // Imports core instance 1's exports, which may re-export the lower.
            (
                c(2),
                vec![(
                    "dep".to_string(),
                    CoreInstanceArg::Instance(CoreInstanceIdx::new(1)),
                )],
            ),
        ] {
            p.instances.push(CoreInstantiation {
                module,
                args,
                component_instance: inst,
            });
        }
        p
    }

    #[test]
    fn a_sync_lower_of_an_async_callee_blocks_its_importers() {
        let p = sync_call_of_async_callee();
        assert!(p.uses_async());
        assert!(p.lowers_to_subtask(LoweredIdx::new(0)));
        let j = p.jspi();
        assert!(j.blocking.contains(&CoreDef::Lowered(LoweredIdx::new(0))));
        let mut importers: Vec<usize> = j.instances.iter().map(|i| i.index()).collect();
        importers.sort();
        assert_eq!(importers, [1, 2]);
        // No thread switching: sync entries never suspend.
        assert!(j.sync_instances.is_empty());
    }

    #[test]
    fn sync_plans_use_no_async_abi_and_nothing_blocks() {
        let mut p = sync_call_of_async_callee();
        p.lifted[LiftedIdx::new(0)].ty.is_async = false;
        p.lowered[LoweredIdx::new(0)].ty.is_async = false;
        assert!(!p.uses_async());
        assert!(p.jspi().blocking.is_empty());
        // A stream anywhere in a signature needs the async ABI.
        p.lowered[LoweredIdx::new(0)].ty = func(false, vec![ValType::Stream(None)]);
        assert!(p.uses_async());
    }

    /// Core instance 1 imports a sync `subtask.cancel` and a sync `stream.cancel-read`.
    fn sync_cancels(p: &mut Plan) -> [CoreDef; 2] {
        let ops = [
            AsyncOp::SubtaskCancel { is_async: false },
            AsyncOp::Cancel {
                kind: CopyKind::Stream,
                ty: AsyncTypeIdx::new(0),
                read: true,
                is_async: false,
            },
        ];
        let defs = ops.map(|op| CoreDef::Builtin(p.builtins.push(Builtin { op, instance: c(2) })));
        let bag = defs.iter().map(|d| ("x".to_string(), d.clone())).collect();
        p.instances[CoreInstanceIdx::new(1)].args = vec![("env".into(), CoreInstanceArg::Bag(bag))];
        defs
    }

    #[test]
    fn sync_cancels_block_only_where_a_cancelled_callee_may_run_on() {
        // A lifted callee may keep running after subtask.cancel: it waits.
        let mut p = sync_call_of_async_callee();
        let [subtask_cancel, stream_cancel] = sync_cancels(&mut p);
        let j = p.jspi();
        assert!(j.blocking.contains(&subtask_cancel));
        assert!(!j.blocking.contains(&stream_cancel));
        // Only host callees (cancelled at once) and stream copies (cancelled at
        // once): nothing blocks, no JSPI.
        p.lowered[LoweredIdx::new(0)].callee = Callee::Host {
            import: ImportIdx::new(0),
            path: vec![],
        };
        p.lowered[LoweredIdx::new(0)].opts.is_async = true;
        let j = p.jspi();
        assert!(j.blocking.is_empty() && j.instances.is_empty());
    }

    #[test]
    fn async_types_are_interned_once() {
        let mut p = Plan::default();
        let s = ValType::Stream(Some(Box::new(ValType::U8)));
        let ty = func(false, vec![s.clone(), ValType::List(Box::new(s.clone()))]);
        p.intern_async_types(&ty);
        assert_eq!(p.async_types.len(), 1);
        assert_eq!(p.async_type(s).index(), 0);
        assert_eq!(p.async_type(ValType::Future(None)).index(), 1);
    }
}
