//! The glue's JS name for every plan index: each generated-name prefix
//! (`ai`, `lift…_raw`, `bi`, …) is spelled here and nowhere else, so the code
//! that declares a name and the code that uses it cannot drift apart.
//! Names allocated in order of use (`mem0`, `cf0`, `host0`, …) are spelled by
//! `bindings::Names`, which hands them out.

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

impl ComponentInstanceIdx {
    /// The instance's async state (`AsyncInstance`, only with the async ABI).
    pub fn async_instance(self) -> String {
        format!("ai{}", self.index())
    }
    /// Its `may_enter` flag.
    pub fn may_enter(self) -> String {
        format!("me{}", self.index())
    }
    /// Its `may_leave` flag.
    pub fn may_leave(self) -> String {
        format!("ml{}", self.index())
    }
    /// Its handle table.
    pub fn table(self) -> String {
        format!("tbl{}", self.index())
    }
}

impl CoreInstanceIdx {
    /// The instance's exports object.
    pub fn exports(self) -> String {
        format!("ex{}", self.index())
    }
}

impl ModuleIdx {
    /// The compiled `WebAssembly.Module`.
    pub fn module(self) -> String {
        format!("module{}", self.index())
    }
}

impl ImportIdx {
    /// The root import as read from the import object.
    pub fn import(self) -> String {
        format!("imp{}", self.index())
    }
}

impl ResourceIdx {
    /// The run-time resource type (its `.cls` is a guest resource's class).
    pub fn resource_type(self) -> String {
        format!("rt{}", self.index())
    }
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

impl AsyncTypeIdx {
    /// The `stream<T>`/`future<T>` type descriptor.
    pub fn descriptor(self) -> String {
        format!("st{}", self.index())
    }
}

impl BuiltinIdx {
    /// The core function of the async built-in.
    pub fn func(self) -> String {
        format!("bi{}", self.index())
    }
    /// A copy built-in's element loops: storing into the guest buffer
    /// (reads), loading from it (writes), and its range check.
    pub fn store_elems(self) -> String {
        format!("bs{}", self.index())
    }
    pub fn load_elems(self) -> String {
        format!("bl{}", self.index())
    }
    pub fn check_elems(self) -> String {
        format!("bc{}", self.index())
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
    /// The host-facing function wrapped by `--tracing`.
    pub fn traced(self) -> String {
        format!("traced{}", self.index())
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

impl LoweredIdx {
    /// The core function `canon lower` makes (a JS function).
    pub fn func(self) -> String {
        format!("lower{}", self.index())
    }
    /// The host callee wrapper converting streams/futures (`hwN`), the host
    /// callee of a subtask (`hcN`) and the sync callee of one (`scN`).
    pub fn host_wrapper(self) -> String {
        format!("hw{}", self.index())
    }
    pub fn host_callee(self) -> String {
        format!("hc{}", self.index())
    }
    pub fn sync_callee(self) -> String {
        format!("sc{}", self.index())
    }
    /// The fused adapter's export (`faN`), its compiled module (`fmodN`),
    /// its import object (`fiN`) and its imported helpers: entry (`feN`),
    /// exit (`flN`) and post-return (`fpN`).
    pub fn fused(self) -> String {
        format!("fa{}", self.index())
    }
    pub fn fused_module(self) -> String {
        format!("fmod{}", self.index())
    }
    pub fn fused_imports(self) -> String {
        format!("fi{}", self.index())
    }
    pub fn fused_enter(self) -> String {
        format!("fe{}", self.index())
    }
    pub fn fused_leave(self) -> String {
        format!("fl{}", self.index())
    }
    pub fn fused_post_return(self) -> String {
        format!("fp{}", self.index())
    }
}
