//! [`Names`]: the JS names an instance body declares (memories, core
//! exports, host functions, realloc wrappers, entry flags), each allocated on
//! first use, with what its declaration needs (helpers, an assignment right
//! after a core instance exists, a host function lookup). Names of plan
//! indices are spelled in `ident`; analysis results live in `EmitCx`.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

use super::cx::EmitCx;
use super::ident::LiftForm;
use super::intrinsics::Intrinsics;
use super::pending::Pending;
use crate::export_surface::{resource_func, ResourceFunc};
use crate::names::lower_camel;
use crate::names::quote as js_str;
use crate::plan::{
    ComponentInstanceIdx, CoreDef, CoreInstanceIdx, ImportIdx, LiftedIdx, LoweredIdx,
};

/// JS names for everything the instance body refers to, allocated on first
/// use, and what their declarations need (helpers, assignments after a core
/// instance exists, host function lookups).
#[derive(Default)]
pub struct Names {
    /// The runtime helpers the glue uses.
    pub intrinsics: Intrinsics,
    /// Functions named but not generated yet.
    pub pending: Pending,
    memories: HashMap<CoreDef, String>,
    core_funcs: HashMap<CoreDef, String>,
    host_funcs: HashMap<(ImportIdx, Vec<String>), String>,
    /// The export name of a lifted function (for traps and stack traces).
    pub(super) lifted_names: HashMap<LiftedIdx, String>,
    /// Assignments to run right after core instance N is instantiated.
    pub(super) after_instance: HashMap<CoreInstanceIdx, Vec<String>>,
    /// Statements resolving host functions at instantiation.
    pub(super) host_resolve: Vec<String>,
    /// Root imports the glue reads.
    pub(super) used_imports: BTreeSet<ImportIdx>,
    /// Component instances whose `may_enter` flag the glue tracks.
    pub enter_flags: BTreeSet<ComponentInstanceIdx>,
    /// A call from the host poisons through `poison()` (folded flags).
    pub poison: bool,
    /// Realloc wrappers that clear `may_leave` while they run: (instance, core func) -> name.
    pub(super) realloc_wrappers: Vec<(ComponentInstanceIdx, String, String)>,
    /// 64-bit realloc wrappers: (inner JS name, wrapper name); see `addr::realloc`.
    pub(super) realloc64: Vec<(String, String)>,
    /// Interned `task.return` signatures (see `async_abi::return_sig`).
    pub(super) return_sigs: Vec<String>,
    /// Core exports entered through `promising` (JSPI): def -> `cpN`.
    promising_funcs: HashMap<CoreDef, String>,
    /// Core exports entered for `--async-exports` functions (`--async-mode jspi`): def -> `cjN`.
    promise_exports: HashMap<CoreDef, String>,
    /// Fused adapters already instantiated.
    pub(super) fused_wired: BTreeSet<LoweredIdx>,
}

impl Names {
    /// The `memoryState()` object of core memory `def` (`memN`).
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
            self.after(
                *instance,
                format!("{name}.mem = {}[{}];", instance.exports(), js_str(export)),
            );
        }
        self.memories.insert(def.clone(), name.clone());
        name
    }

    /// The JS function for core function `def`; built-ins are queued for generation.
    pub fn core_func(&mut self, def: &CoreDef) -> String {
        match def {
            CoreDef::Lowered(i) => i.func(),
            CoreDef::Builtin(i) => {
                self.pending.builtin(*i);
                i.func()
            }
            CoreDef::Resource { op, rt, instance } => {
                self.pending.resource(def);
                rt.builtin(*op, *instance)
            }
            CoreDef::Export {
                instance,
                name: export,
            } => {
                if let Some(n) = self.core_funcs.get(def) {
                    return n.clone();
                }
                let name = format!("cf{}", self.core_funcs.len());
                self.after(
                    *instance,
                    format!("{name} = {}[{}];", instance.exports(), js_str(export)),
                );
                self.core_funcs.insert(def.clone(), name.clone());
                name
            }
        }
    }

    /// A statement to run right after core instance `instance` is instantiated.
    fn after(&mut self, instance: CoreInstanceIdx, statement: String) {
        self.after_instance
            .entry(instance)
            .or_default()
            .push(statement);
    }

    /// The JS expression to call core function `def` from the glue, and
    /// whether it may suspend (then it returns a Promise when JSPI is on).
    pub fn core_entry(
        &mut self,
        cx: &EmitCx,
        def: &CoreDef,
        sig: (String, String),
    ) -> (String, bool) {
        let f = self.core_func(def);
        if !cx.jspi.entry(def) && !cx.jspi.sync_entry(def) {
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
        self.after(
            *instance,
            format!(
                "{name} = promisingEntry(store, {f}, '{}', '{}');",
                sig.0, sig.1
            ),
        );
        self.promising_funcs.insert(def.clone(), name.clone());
        (name, true)
    }

    /// Core function `def` entered through `WebAssembly.promising` for an
    /// export listed in `--async-exports` (`--async-mode jspi`): `cjN`, a
    /// Promise-returning function.
    pub fn promise_export(&mut self, def: &CoreDef, what: &str) -> String {
        let f = self.core_func(def);
        if let Some(n) = self.promise_exports.get(def) {
            return n.clone();
        }
        let CoreDef::Export { instance, .. } = def else {
            return f;
        };
        self.intrinsics.use_("jspi");
        let name = format!("cj{}", self.promise_exports.len());
        self.after(
            *instance,
            format!("{name} = jspiExport({f}, {});", js_str(what)),
        );
        self.promise_exports.insert(def.clone(), name.clone());
        name
    }

    /// The JS function implementing host import function `path` of root
    /// import `import`. Resource functions (`[constructor]r`, `[method]r.m`,
    /// `[static]r.s`) call the host's class `R` the way jco's bindings do.
    pub fn host_func(
        &mut self,
        cx: &EmitCx,
        import: ImportIdx,
        path: &[String],
        nparams: usize,
    ) -> String {
        let key = (import, path.to_vec());
        if let Some(n) = self.host_funcs.get(&key) {
            return n.clone();
        }
        let import_name = &cx.plan.imports[import].name;
        self.used_imports.insert(import);
        let public = format!("host{}", self.host_funcs.len());
        // --tracing: the function below is wrapped in `traced(...)`.
        let name = if cx.opts.tracing {
            format!("{public}_f")
        } else {
            public.clone()
        };
        let code = host_lookup(cx, import, path, nparams, &name);
        self.host_resolve.push(code);
        if cx.opts.tracing {
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
    /// false while it runs, when something it calls could observe that
    /// (`EmitCx::guards_may_leave`).
    pub fn realloc(&mut self, cx: &EmitCx, inst: ComponentInstanceIdx, def: &CoreDef) -> String {
        let f = self.core_func(def);
        if !cx.guards_may_leave(inst, def) {
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

    /// The name of lifted function `idx` in `form`, queued for generation
    /// (the host-facing form is generated with the exports).
    pub fn lifted_form(&mut self, idx: LiftedIdx, form: LiftForm) -> String {
        if form != LiftForm::Host {
            self.pending.lift(idx, form);
        }
        idx.form(form)
    }

    /// The declarations of the allocated memories and core functions, in
    /// allocation order (the same output on every run).
    pub fn declarations(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut mems: Vec<&String> = self.memories.values().collect();
        mems.sort_by_key(|n| name_index(n));
        for m in &mems {
            out.push(format!("const {m} = memoryState();"));
        }
        if !self.core_funcs.is_empty() {
            let sorted = |m: &HashMap<CoreDef, String>| {
                let mut v: Vec<String> = m.values().cloned().collect();
                v.sort_by_key(|n| name_index(n));
                v
            };
            let mut cfs = sorted(&self.core_funcs);
            cfs.extend(sorted(&self.promising_funcs));
            cfs.extend(sorted(&self.promise_exports));
            // `var`: no temporal-dead-zone check on each call (see `body::flag_decls`).
            out.push(format!("var {};", cfs.join(", ")));
        }
        out
    }
}

/// The statements defining `name` as host function `path` of `import`,
/// checked at instantiation: the function itself, or for a resource's
/// `[constructor]`/`[method]`/`[static]` a call of the host's class.
fn host_lookup(
    cx: &EmitCx,
    import: ImportIdx,
    path: &[String],
    nparams: usize,
    name: &str,
) -> String {
    let mut base = import.import();
    let (last, parents) = match path.split_last() {
        Some((l, p)) => (Some(l.as_str()), p),
        None => (None, &[][..]),
    };
    for p in parents {
        write!(base, "[{}]", js_str(&lower_camel(p))).unwrap();
    }
    let what = std::iter::once(format!("import `{}`", cx.plan.imports[import].name))
        .chain(path.iter().cloned())
        .collect::<Vec<_>>()
        .join("#");
    let args: Vec<String> = (0..nparams).map(|i| format!("a{i}")).collect();
    let args = args.join(", ");
    let is_class = cx.class_imports.contains(&import);
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
    match last.map(resource_func) {
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
            format!("const {name} = {expr};\n  {}", check(name, "function"))
        }
    }
}

/// The number a generated name ends with (`mem3` -> 3), for stable ordering.
fn name_index(name: &str) -> usize {
    name.trim_start_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .unwrap_or(0)
}
