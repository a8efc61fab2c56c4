//! JS names for everything an instance body refers to (core instances'
//! exports, memories, host functions, flags), allocated on first use, plus
//! the bookkeeping of which helpers and declarations the body needs.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;

use super::intrinsics::Intrinsics;
use super::values::js_str;
use crate::names::lower_camel;
use crate::plan::{CoreDef, ResourceOp};

/// JS names for everything the instance body refers to, allocated on first use.
#[derive(Default)]
pub struct Names {
    pub intrinsics: Intrinsics,
    pub(super) memories: HashMap<CoreDef, String>,
    pub(super) core_funcs: HashMap<CoreDef, String>,
    pub(super) host_funcs: HashMap<(usize, Vec<String>), String>,
    /// Lifted functions needed in a non-host-facing form.
    pub(super) raw_lifted: Vec<(usize, LiftForm)>,
    /// The export name of a lifted function (for traps and stack traces).
    pub(super) lifted_names: HashMap<usize, String>,
    /// Assignments to run right after core instance N is instantiated.
    pub(super) after_instance: HashMap<usize, Vec<String>>,
    /// Statements resolving host functions at instantiation.
    pub(super) host_resolve: Vec<String>,
    /// Root imports that are a resource's class itself (`HostImportKind::Class`).
    pub(super) class_imports: HashSet<usize>,
    /// Root imports the glue reads.
    pub(super) used_imports: std::collections::BTreeSet<usize>,
    /// Component instances whose `may_enter` flag the glue tracks.
    pub enter_flags: std::collections::BTreeSet<usize>,
    /// Component instances whose `may_leave` flag the glue tracks (those with lowered imports).
    pub leave_flags: std::collections::BTreeSet<usize>,
    /// Realloc wrappers that clear `may_leave` while they run: (instance, core func) -> name.
    pub(super) realloc_wrappers: Vec<(usize, String, String)>,
    /// 64-bit realloc wrappers: (inner JS name, wrapper name); see `addr::realloc`.
    pub(super) realloc64: Vec<(String, String)>,
    /// `canon resource.*` built-ins used as core functions.
    pub(super) resource_builtins: Vec<CoreDef>,
    /// Members of exported resource classes (constructor, methods, statics).
    pub(super) class_members: HashMap<usize, Vec<String>>,
    /// Async built-ins used as core functions (`bi{i}`).
    pub(super) builtins: Vec<usize>,
    /// Interned `task.return` signatures (see `async_abi::return_sig`).
    pub(super) return_sigs: Vec<String>,
    /// The component uses the async ABI (`Plan::uses_async`).
    pub uses_async: bool,
    /// Which core imports may block and which entries may suspend (JSPI).
    pub jspi: crate::plan::JspiPlan,
    /// Core exports entered through `promising` (JSPI): def -> `cpN`.
    pub(super) promising_funcs: HashMap<CoreDef, String>,
    /// The transpile options (for `--async-mode jspi`'s lists).
    pub options: crate::TranspileOptions,
    /// Lowered host imports listed in `--async-imports` (JSPI mode).
    pub jco_imports: HashMap<usize, String>,
    /// Core exports entered for `--async-exports` functions: def -> `cjN`.
    pub(super) jco_entries: HashMap<CoreDef, String>,
    /// Lowers with a fused adapter (`faN`, see `fused.rs`), and those already instantiated.
    pub(super) fused: std::collections::BTreeSet<usize>,
    pub(super) fused_wired: std::collections::BTreeSet<usize>,
}

impl Names {
    pub fn memory(&mut self, def: &CoreDef) -> String {
        if let Some(n) = self.memories.get(def) {
            return n.clone();
        }
        self.intrinsics.use_("memory");
        let name = format!("mem{}", self.memories.len());
        if let CoreDef::Export {
            instance,
            name: export,
        } = def
        {
            self.after_instance
                .entry(*instance)
                .or_default()
                .push(format!("{name}.mem = ex{instance}[{}];", js_str(export)));
        }
        self.memories.insert(def.clone(), name.clone());
        name
    }

    pub fn core_func(&mut self, def: &CoreDef) -> String {
        match def {
            CoreDef::Lowered(i) => format!("lower{i}"),
            CoreDef::Builtin(i) => {
                if !self.builtins.contains(i) {
                    self.builtins.push(*i);
                }
                format!("bi{i}")
            }
            CoreDef::Resource { op, rt, instance } => {
                let name = format!(
                    "res{}{rt}_{instance}",
                    match op {
                        ResourceOp::New => "New",
                        ResourceOp::Drop => "Drop",
                        ResourceOp::Rep => "Rep",
                    }
                );
                if !self.resource_builtins.contains(def) {
                    self.resource_builtins.push(def.clone());
                }
                name
            }
            CoreDef::Export {
                instance,
                name: export,
            } => {
                if let Some(n) = self.core_funcs.get(def) {
                    return n.clone();
                }
                let name = format!("cf{}", self.core_funcs.len());
                self.after_instance
                    .entry(*instance)
                    .or_default()
                    .push(format!("{name} = ex{instance}[{}];", js_str(export)));
                self.core_funcs.insert(def.clone(), name.clone());
                name
            }
        }
    }

    /// The JS expression to call core function `def` from the glue, and
    /// whether it may suspend (then it returns a Promise when JSPI is on).
    pub fn core_entry(&mut self, def: &CoreDef, sig: (String, String)) -> (String, bool) {
        let f = self.core_func(def);
        if !self.jspi.entry(def) && !self.jspi.sync_entry(def) {
            return (f, false);
        }
        if let Some(n) = self.promising_funcs.get(def) {
            return (n.clone(), true);
        }
        let CoreDef::Export { instance, .. } = def else {
            unreachable!("only core exports are JSPI entries")
        };
        self.intrinsics.use_("trampoline");
        let name = format!("cp{}", self.promising_funcs.len());
        self.after_instance
            .entry(*instance)
            .or_default()
            .push(format!(
                "{name} = promisingEntry(store, {f}, '{}', '{}');",
                sig.0, sig.1
            ));
        self.promising_funcs.insert(def.clone(), name.clone());
        (name, true)
    }

    /// Core function `def` entered through `WebAssembly.promising` for an
    /// export listed in `--async-exports` (JSPI mode): `cjN`, a Promise-returning function.
    pub fn jco_entry(&mut self, def: &CoreDef, what: &str) -> String {
        let f = self.core_func(def);
        if let Some(n) = self.jco_entries.get(def) {
            return n.clone();
        }
        let CoreDef::Export { instance, .. } = def else {
            return f;
        };
        self.intrinsics.use_("jspi");
        let name = format!("cj{}", self.jco_entries.len());
        self.after_instance
            .entry(*instance)
            .or_default()
            .push(format!("{name} = jspiExport({f}, {});", js_str(what)));
        self.jco_entries.insert(def.clone(), name.clone());
        name
    }

    /// The JS function implementing host import function `path` of root
    /// import `import`. Resource functions (`[constructor]r`, `[method]r.m`,
    /// `[static]r.s`) call the host's class `R` the way jco's bindings do.
    pub fn host_func(
        &mut self,
        import: usize,
        import_name: &str,
        path: &[String],
        nparams: usize,
    ) -> String {
        let key = (import, path.to_vec());
        if let Some(n) = self.host_funcs.get(&key) {
            return n.clone();
        }
        self.used_imports.insert(import);
        let public = format!("host{}", self.host_funcs.len());
        // --tracing: the function below is wrapped in `traced(...)`.
        let name = if self.options.tracing {
            format!("{public}_f")
        } else {
            public.clone()
        };
        let mut base = format!("imp{import}");
        let (last, parents) = match path.split_last() {
            Some((l, p)) => (Some(l.as_str()), p),
            None => (None, &[][..]),
        };
        for p in parents {
            write!(base, "[{}]", js_str(&lower_camel(p))).unwrap();
        }
        let what = std::iter::once(format!("import `{import_name}`"))
            .chain(path.iter().cloned())
            .collect::<Vec<_>>()
            .join("#");
        let args: Vec<String> = (0..nparams).map(|i| format!("a{i}")).collect();
        let args = args.join(", ");
        let is_class = self.class_imports.contains(&import);
        let class = |r: &str| {
            if is_class {
                base.clone()
            } else {
                format!("{base}[{}]", js_str(&crate::names::upper_camel(r)))
            }
        };
        let check = |expr: &str, kind: &str| {
            format!(
                "if (typeof {expr} !== 'function') throw new TypeError({});",
                js_str(&format!("{what}: expected the host to provide a {kind}"))
            )
        };
        let code = match last.map(resource_func) {
            Some(Some(ResourceFunc::Constructor(r))) => {
                let c = class(r);
                format!(
                    "{}\n  function {name}({args}) {{ return new {c}({args}); }}",
                    check(&c, "class")
                )
            }
            Some(Some(ResourceFunc::Method(_, m))) => {
                let rest = args.split_once(", ").map(|x| x.1).unwrap_or("");
                format!(
                    "function {name}({args}) {{ return a0[{}]({rest}); }}",
                    js_str(&lower_camel(m))
                )
            }
            Some(Some(ResourceFunc::Static(r, m))) => {
                let f = format!("{}[{}]", class(r), js_str(&lower_camel(m)));
                format!(
                    "{}\n  function {name}({args}) {{ return {f}({args}); }}",
                    check(&f, "function")
                )
            }
            _ => {
                let mut expr = base.clone();
                if let Some(l) = last {
                    write!(expr, "[{}]", js_str(&lower_camel(l))).unwrap();
                }
                format!(
                    "const {name} = {expr};\n  {}",
                    check(name.as_str(), "function")
                )
            }
        };
        self.host_resolve.push(code);
        if self.options.tracing {
            self.intrinsics.use_("traced");
            let (iface, func) = match path.split_last() {
                Some((f, parents)) => {
                    let mut iface = import_name.to_string();
                    parents.iter().for_each(|p| write!(iface, "#{p}").unwrap());
                    (iface, f.clone())
                }
                None => (import_name.to_string(), import_name.to_string()),
            };
            let params: Vec<String> = (0..nparams).map(|i| format!("'arg{i}'")).collect();
            self.host_resolve.push(format!(
                "const {public} = traced({}, {}, [{}], {name});",
                js_str(&iface),
                js_str(&func),
                params.join(", ")
            ));
        }
        self.host_funcs.insert(key, public.clone());
        public
    }

    /// The realloc to call for instance `inst`: wrapped so that `may_leave` is
    /// false while it runs, when the instance has lowered imports that could observe it.
    pub fn realloc(&mut self, inst: usize, def: &CoreDef) -> String {
        let f = self.core_func(def);
        if !self.leave_flags.contains(&inst) {
            return f;
        }
        if let Some((_, _, w)) = self
            .realloc_wrappers
            .iter()
            .find(|(i, c, _)| *i == inst && *c == f)
        {
            return w.clone();
        }
        let w = format!("realloc{}", self.realloc_wrappers.len());
        self.realloc_wrappers.push((inst, f, w.clone()));
        w
    }

    /// `me0 = me3 = false` style assignment for a set of flags.
    pub fn flags_assign(prefix: &str, set: &[usize], value: bool) -> String {
        let mut s = String::new();
        for i in set {
            write!(s, "{prefix}{i} = ").unwrap();
        }
        write!(s, "{value};").unwrap();
        s
    }

    /// The name of lifted function `idx` in `form`, generated once.
    pub fn lifted_form(&mut self, idx: usize, form: LiftForm) -> String {
        if !self.raw_lifted.contains(&(idx, form)) {
            self.raw_lifted.push((idx, form));
        }
        match form {
            LiftForm::Adapter => format!("lift{idx}_raw"),
            LiftForm::Values => format!("lift{idx}_v"),
            LiftForm::Task => format!("fi{idx}"),
        }
    }
}

/// The forms a lifted function takes besides the host-facing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiftForm {
    /// Called by another component's sync lower: adapter values (tagged
    /// strings, map entries), raw `result`s, the caller checks `may_enter`.
    Adapter,
    /// Like `Adapter` but with plain JS values (used inside async calls).
    Values,
    /// A task-shaped lift (async type or `async` option) as a FuncInst `fi{i}`.
    Task,
}

/// What a resource-shaped function name means.
pub enum ResourceFunc<'a> {
    Constructor(&'a str),
    Method(&'a str, &'a str),
    Static(&'a str, &'a str),
}

pub fn resource_func(name: &str) -> Option<ResourceFunc<'_>> {
    if let Some(r) = name.strip_prefix("[constructor]") {
        return Some(ResourceFunc::Constructor(r));
    }
    if let Some(rest) = name.strip_prefix("[method]") {
        let (r, m) = rest.split_once('.')?;
        return Some(ResourceFunc::Method(r, m));
    }
    if let Some(rest) = name.strip_prefix("[static]") {
        let (r, m) = rest.split_once('.')?;
        return Some(ResourceFunc::Static(r, m));
    }
    None
}
