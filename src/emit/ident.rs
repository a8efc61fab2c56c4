//! The glue's JS name for every plan index: each generated-name prefix
//! (`ai`, `lift…_raw`, `bi`, …) is spelled here and nowhere else, so the code
//! that declares a name and the code that uses it cannot drift apart.
//! Names allocated in order of use (`mem0`, `cf0`, `host0`, …) are spelled by
//! `bindings::Names`, which hands them out.

use crate::fuse::flag_byte;
use crate::plan::{
    AsyncTypeIdx, BuiltinIdx, ComponentInstanceIdx, CoreInstanceIdx, ImportIdx, LiftedIdx,
    LoweredIdx, ModuleIdx, ResourceIdx, ResourceOp,
};

/// The forms a lifted function takes in the glue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiftForm {
    /// Host-facing (`liftN`): a top-level `result` returns its ok value and
    /// throws on err; the entry checks run here.
    Host,
    /// Called by another component's sync lower (`liftN_raw`): adapter values
    /// (tagged strings, map entries), raw `result`s, the caller checks `may_enter`.
    Adapter,
    /// Like `Adapter` but with plain JS values, used inside async calls (`liftN_v`).
    Values,
    /// A task-shaped lift (async type or `async` option) as a FuncInst (`fiN`).
    Task,
}

/// `impl Idx { fn name(self) -> String }` returning `<prefix><index>`, per row;
/// `PREFIXES` lists them all (their uniqueness is tested).
macro_rules! js_names {
    ($($ty:ty { $($(#[$doc:meta])* $method:ident => $prefix:literal;)* })*) => {
        $(impl $ty {$(
            $(#[$doc])*
            pub fn $method(self) -> String {
                format!(concat!($prefix, "{}"), self.index())
            }
        )*})*
        #[cfg(test)]
        const PREFIXES: &[&str] = &[$($($prefix,)*)*];
    };
}

js_names! {
    ComponentInstanceIdx {
        /// The instance's async state (`AsyncInstance`, only with the async ABI).
        async_instance => "ai";
        /// Its handle table.
        table => "tbl";
    }
    CoreInstanceIdx {
        /// The instance's exports object.
        exports => "ex";
    }
    ModuleIdx {
        /// The compiled `WebAssembly.Module`.
        module => "module";
    }
    ImportIdx {
        /// The root import as read from the import object.
        import => "imp";
    }
    ResourceIdx {
        /// The run-time resource type (its `.cls` is a guest resource's class).
        resource_type => "rt";
    }
    AsyncTypeIdx {
        /// The `stream<T>`/`future<T>` type descriptor.
        descriptor => "st";
    }
    BuiltinIdx {
        /// The core function of the async built-in.
        func => "bi";
        /// A copy built-in's element loop storing into the guest buffer (reads).
        store_elems => "bs";
        /// A copy built-in's element loop loading from the guest buffer (writes).
        load_elems => "bl";
        /// A copy built-in's range check of the guest buffer.
        check_elems => "bc";
        /// A copy built-in's view of the bytes a guest writes (handed over in place).
        view_elems => "bv";
    }
    LiftedIdx {
        /// The host-facing function wrapped by `--tracing`.
        traced => "traced";
        /// An async export's result converter (made once, not per call).
        async_result => "lift_result";
    }
    LoweredIdx {
        /// The core function `canon lower` makes (a JS function).
        func => "lower";
        /// The host callee wrapper converting streams/futures.
        host_wrapper => "hw";
        /// The host callee of a subtask.
        host_callee => "hc";
        /// The sync callee of a subtask.
        sync_callee => "sc";
        /// The fused adapter's export.
        fused => "fa";
        /// The fused adapter's compiled module.
        fused_module => "fmod";
        /// The fused adapter's import object.
        fused_imports => "fx";
        /// The fused adapter's imported entry check.
        fused_enter => "fe";
        /// The fused adapter's imported exit.
        fused_leave => "fl";
        /// The callee's sync-task thread between the fused adapter's entry and exit.
        fused_thread => "ft";
        /// The fused adapter's imported post-return.
        fused_post_return => "fp";
        /// The fused adapter's handle bookkeeping (lends, borrow scope).
        fused_call => "fc";
    }
}

/// Where the glue keeps each component instance's `may_enter` and `may_leave` flags.
///
/// Sync glue keeps them in its own `var`s (`me0`, `ml0`): only the glue reads them.
/// With the async ABI the runtime reads and writes them too, so they are the plain
/// data fields of the instance's `AsyncInstance` (`ai0.mayEnter`), which the glue
/// reads directly. (Accessor properties over the glue's `var`s would give every
/// `AsyncInstance` its own hidden class, and every runtime function touching
/// instances would turn polymorphic once a page has two of them: a second
/// instantiation made async calls 2-3x slower.) Sync glue with fused adapters keeps
/// the flags those adapters read or write as bytes of a small memory (`mayFlags[0]`,
/// see `fuse::InlineFlags`) that the adapters import, so an adapter checks and sets
/// them in wasm: two calls from wasm into JS per call between components were most of
/// a scalar call's cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagHome {
    /// The glue's `var`s.
    Vars,
    /// The fields of the instance's `AsyncInstance`.
    AsyncInstance,
    /// The flags a fused adapter reads or writes are bytes of the flags memory
    /// (1: set); the others stay `var`s, which host calls read a little faster.
    /// Bit `c` of `enter` (`leave`): instance `c`'s `may_enter` (`may_leave`) is
    /// a byte; from instance 128 on, every flag is.
    Memory { enter: u128, leave: u128 },
}

/// The glue's view of the flags memory (`FlagHome::Memory`).
pub const MAY_FLAGS: &str = "mayFlags";
/// The flags memory itself, imported by the fused adapters.
pub const MAY_FLAGS_MEMORY: &str = "mayFlagsMem";

impl FlagHome {
    /// Where a component that uses the async ABI (or not) and has no fused
    /// adapters keeps its flags.
    pub fn of(uses_async: bool) -> Self {
        if uses_async {
            FlagHome::AsyncInstance
        } else {
            FlagHome::Vars
        }
    }
    /// Sync glue with fused adapters: the `may_enter` flags of `enter` and the
    /// `may_leave` flags of `leave` (those the adapters check) in memory.
    pub fn memory(enter: &[ComponentInstanceIdx], leave: &[ComponentInstanceIdx]) -> Self {
        let bits = |cs: &[ComponentInstanceIdx]| {
            (cs.iter()).fold(0u128, |m, c| {
                m | 1u128.checked_shl(c.index() as u32).unwrap_or(0)
            })
        };
        FlagHome::Memory {
            enter: bits(enter),
            leave: bits(leave),
        }
    }
    /// Whether flag `c` (of the `enter` or `leave` bits) is a byte of the flags memory.
    fn in_memory(bits: u128, c: ComponentInstanceIdx) -> bool {
        c.index() >= 128 || bits & (1u128 << c.index()) != 0
    }
    /// Whether instance `c`'s `may_enter` (`may_leave`) flag is a byte of
    /// the flags memory, declared with it (else a `var` the glue declares).
    pub fn is_byte(self, c: ComponentInstanceIdx, may_leave: bool) -> bool {
        match self {
            FlagHome::Memory { enter, leave } => {
                Self::in_memory(if may_leave { leave } else { enter }, c)
            }
            _ => false,
        }
    }
    /// Whether the glue has a flags memory.
    pub fn has_memory(self) -> bool {
        matches!(self, FlagHome::Memory { .. })
    }
    /// Instance `c`'s `may_enter` flag, as a JS expression that can be assigned
    /// `true` and `false`.
    pub fn may_enter(self, c: ComponentInstanceIdx) -> String {
        match self {
            FlagHome::AsyncInstance => format!("{}.mayEnter", c.async_instance()),
            FlagHome::Memory { enter, .. } if Self::in_memory(enter, c) => {
                format!("{MAY_FLAGS}[{}]", flag_byte(c, false))
            }
            _ => format!("me{}", c.index()),
        }
    }
    /// Instance `c`'s `may_leave` flag, as a JS expression that can be assigned.
    pub fn may_leave(self, c: ComponentInstanceIdx) -> String {
        match self {
            FlagHome::AsyncInstance => format!("{}.mayLeave", c.async_instance()),
            FlagHome::Memory { leave, .. } if Self::in_memory(leave, c) => {
                format!("{MAY_FLAGS}[{}]", flag_byte(c, true))
            }
            _ => format!("ml{}", c.index()),
        }
    }
    /// `me0 !== true`: instance `c` may not be entered. The flags hold only
    /// booleans (bytes 0 and 1 in memory); compared with exactly the set value,
    /// V8 tests one word instead of a generic `ToBoolean`.
    pub fn entry_refused(self, c: ComponentInstanceIdx) -> String {
        let set = match self {
            FlagHome::Memory { enter, .. } if Self::in_memory(enter, c) => "1",
            _ => "true",
        };
        format!("{} !== {set}", self.may_enter(c))
    }
    /// Whether the glue declares the flags that are `var`s (`var me0 = true`).
    pub fn declared_by_glue(self) -> bool {
        self != FlagHome::AsyncInstance
    }
}

impl ResourceIdx {
    /// The core function of `canon resource.new/drop/rep` in `instance`.
    pub fn builtin(self, op: ResourceOp, instance: ComponentInstanceIdx) -> String {
        let op = match op {
            ResourceOp::New => "New",
            ResourceOp::Drop => "Drop",
            ResourceOp::Rep => "Rep",
        };
        format!("res{op}{}_{}", self.index(), instance.index())
    }
}

impl LiftedIdx {
    /// The function for lifted function `self` in `form`.
    pub fn form(self, form: LiftForm) -> String {
        let i = self.index();
        match form {
            LiftForm::Host => format!("lift{i}"),
            LiftForm::Adapter => format!("lift{i}_raw"),
            LiftForm::Values => format!("lift{i}_v"),
            LiftForm::Task => format!("fi{i}"),
        }
    }
    /// The core-calling body of a task-shaped lift (`liftN_core`).
    pub fn task_body(self) -> String {
        format!("lift{}_core", self.index())
    }
}

/// The inner function of a sync lift that runs as a task of its instance.
pub fn inner(name: &str) -> String {
    format!("{name}_in")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Idx;

    /// Two index kinds sharing a prefix would declare the same JS name twice
    /// in one glue (a fused adapter's imports and a task-shaped lift were both
    /// `fiN` until both could appear in one component).
    #[test]
    fn prefixes_are_unique() {
        let lift = LiftedIdx::new(0);
        let forms = [
            LiftForm::Host,
            LiftForm::Adapter,
            LiftForm::Values,
            LiftForm::Task,
        ];
        let mut all: Vec<String> = PREFIXES.iter().map(|p| format!("{p}0")).collect();
        all.extend(forms.iter().map(|f| lift.form(*f)));
        all.push(lift.task_body());
        let mut seen = std::collections::HashSet::new();
        for name in &all {
            assert!(
                seen.insert(name.clone()),
                "{name} is spelled by two prefixes"
            );
        }
    }
}
