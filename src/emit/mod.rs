//! Turns a [`Plan`] into files: the ESM glue (`<name>.js`), one core module
//! file per instantiated module (or base64 inline), and `.d.ts` types.
//! The instance body is generated once and wrapped in one of three shells:
//! plain ESM with top-level await, `instantiate()` async, or `instantiate()` sync.

mod funcs;
mod intrinsics;
mod values;

use std::collections::HashMap;
use std::fmt::Write;

use intrinsics::Intrinsics;
use values::js_str;

use crate::names::{interface_export_name, js_ident, map_import};
use crate::parse::ComponentIr;
use crate::plan::{Callee, CoreDef, CoreInstanceArg, ExportItem, HostImportKind, Plan, ResourceOp};
use crate::{Instantiation, OutputFile, Result, TranspileOptions, Transpiled};

/// JS names for everything the instance body refers to, allocated on first use.
#[derive(Default)]
pub struct Names {
    pub intrinsics: Intrinsics,
    memories: HashMap<CoreDef, String>,
    core_funcs: HashMap<CoreDef, String>,
    host_funcs: HashMap<(usize, Vec<String>), String>,
    /// Lifted functions whose raw (adapter) form is needed.
    raw_lifted: Vec<usize>,
    /// Assignments to run right after core instance N is instantiated.
    after_instance: HashMap<usize, Vec<String>>,
    /// Statements resolving host functions at instantiation.
    host_resolve: Vec<String>,
    /// Root imports the glue reads.
    used_imports: std::collections::BTreeSet<usize>,
    /// Component instances whose `may_enter` flag the glue tracks.
    pub enter_flags: std::collections::BTreeSet<usize>,
    /// Component instances whose `may_leave` flag the glue tracks (those with lowered imports).
    pub leave_flags: std::collections::BTreeSet<usize>,
    /// Realloc wrappers that clear `may_leave` while they run: (instance, core func) -> name.
    realloc_wrappers: Vec<(usize, String, String)>,
    /// `canon resource.*` built-ins used as core functions.
    resource_builtins: Vec<CoreDef>,
    /// Members of exported resource classes (constructor, methods, statics).
    class_members: HashMap<usize, Vec<String>>,
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
        let name = format!("host{}", self.host_funcs.len());
        let mut base = format!("imp{import}");
        let (last, parents) = match path.split_last() {
            Some((l, p)) => (Some(l.as_str()), p),
            None => (None, &[][..]),
        };
        for p in parents {
            write!(base, "[{}]", js_str(&js_ident(p))).unwrap();
        }
        let what = std::iter::once(format!("import `{import_name}`"))
            .chain(path.iter().cloned())
            .collect::<Vec<_>>()
            .join("#");
        let args: Vec<String> = (0..nparams).map(|i| format!("a{i}")).collect();
        let args = args.join(", ");
        let class = |r: &str| format!("{base}[{}]", js_str(&crate::names::to_upper_camel(r)));
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
                    js_str(&js_ident(m))
                )
            }
            Some(Some(ResourceFunc::Static(r, m))) => {
                let f = format!("{}[{}]", class(r), js_str(&js_ident(m)));
                format!(
                    "{}\n  function {name}({args}) {{ return {f}({args}); }}",
                    check(&f, "function")
                )
            }
            _ => {
                let mut expr = base.clone();
                if let Some(l) = last {
                    write!(expr, "[{}]", js_str(&js_ident(l))).unwrap();
                }
                format!(
                    "const {name} = {expr};\n  {}",
                    check(name.as_str(), "function")
                )
            }
        };
        self.host_resolve.push(code);
        self.host_funcs.insert(key, name.clone());
        name
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

    pub fn lifted_raw(&mut self, idx: usize) -> String {
        if !self.raw_lifted.contains(&idx) {
            self.raw_lifted.push(idx);
        }
        format!("lift{idx}_raw")
    }
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

pub fn emit(
    bytes: &[u8],
    ir: &ComponentIr<'_>,
    plan: &Plan,
    opts: &TranspileOptions,
) -> Result<Transpiled> {
    let mut names = Names {
        leave_flags: plan.lowered.iter().map(|l| l.component_instance).collect(),
        ..Names::default()
    };
    for inst in &plan.instances {
        for (_, arg) in &inst.args {
            if let CoreInstanceArg::Bag(items) = arg {
                for (_, d) in items {
                    if let CoreDef::Resource { instance, .. } = d {
                        names.leave_flags.insert(*instance);
                        names.core_func(d);
                    }
                }
            }
        }
    }
    let mut fns = String::new();
    let mut out = Transpiled::default();

    // Exports: host-facing lifted functions (and passthrough host functions).
    let mut export_obj = Vec::new();
    let mut esm_exports: Vec<(String, String)> = Vec::new();
    let mut generated_lifts = Vec::new();
    let mut export_fn =
        |names: &mut Names, fns: &mut String, callee: &Callee, fname: &str| -> String {
            match callee {
                Callee::Lifted(i) => {
                    if !generated_lifts.contains(i) {
                        generated_lifts.push(*i);
                        fns.push_str(&funcs::lifted(plan, names, *i, true, fname));
                    }
                    format!("lift{i}")
                }
                Callee::Host { import, path } => {
                    let n = match &plan.imports[*import].kind {
                        HostImportKind::Func(ty) => ty.params.len(),
                        HostImportKind::Instance | HostImportKind::Module => 0,
                    };
                    names.host_func(*import, &plan.imports[*import].name, path, n)
                }
            }
        };
    let mut camel_taken = std::collections::HashSet::new();
    let mut inst_count = 0;
    let mut classes = String::new();
    for (name, item) in &plan.exports {
        match item {
            ExportItem::Func(callee, _) => {
                let f = export_fn(&mut names, &mut fns, callee, name);
                let camel = js_ident(name);
                export_obj.push(format!("{}: {f}", js_str(name)));
                if camel != *name {
                    export_obj.push(format!("{}: {f}", js_str(&camel)));
                }
                camel_taken.insert(camel.clone());
                esm_exports.push((camel, js_str(name)));
            }
            ExportItem::Resource(rt) => {
                let class = crate::names::to_upper_camel(name);
                export_obj.push(format!("{}: rt{rt}.cls", js_str(&class)));
                if camel_taken.insert(class.clone()) {
                    esm_exports.push((class.clone(), js_str(&class)));
                }
            }
            ExportItem::Instance(items) => {
                let mut members = Vec::new();
                let resources: HashMap<&str, usize> = items
                    .iter()
                    .filter_map(|(n, it)| match it {
                        ExportItem::Resource(rt) => Some((n.as_str(), *rt)),
                        _ => None,
                    })
                    .collect();
                let mut class_members: HashMap<usize, Vec<String>> = HashMap::new();
                for (n, it) in items {
                    match it {
                        ExportItem::Func(callee, ty) => {
                            let f = export_fn(&mut names, &mut fns, callee, &format!("{name}#{n}"));
                            let rf = resource_func(n).and_then(|rf| {
                                let r = match rf {
                                    ResourceFunc::Constructor(r)
                                    | ResourceFunc::Method(r, _)
                                    | ResourceFunc::Static(r, _) => r,
                                };
                                resources.get(r).map(|rt| (*rt, rf))
                            });
                            let args: Vec<String> =
                                (0..ty.params.len()).map(|i| format!("a{i}")).collect();
                            match rf {
                                Some((rt, ResourceFunc::Constructor(_))) => {
                                    let a = args.join(", ");
                                    class_members
                                        .entry(rt)
                                        .or_default()
                                        .push(format!("constructor({a}) {{ return {f}({a}); }}"));
                                }
                                Some((rt, ResourceFunc::Method(_, m))) => {
                                    let rest = args.get(1..).unwrap_or(&[]).join(", ");
                                    let call_args = std::iter::once("this".to_string())
                                        .chain(args.iter().skip(1).cloned())
                                        .collect::<Vec<_>>()
                                        .join(", ");
                                    class_members.entry(rt).or_default().push(format!(
                                        "{}({rest}) {{ return {f}({call_args}); }}",
                                        method_key(m)
                                    ));
                                }
                                Some((rt, ResourceFunc::Static(_, m))) => {
                                    let a = args.join(", ");
                                    class_members.entry(rt).or_default().push(format!(
                                        "static {}({a}) {{ return {f}({a}); }}",
                                        method_key(m)
                                    ));
                                }
                                None => {
                                    members.push(format!("{}: {f}", js_str(&js_ident(n))));
                                    if js_ident(n) != *n {
                                        members.push(format!("{}: {f}", js_str(n)));
                                    }
                                }
                            }
                        }
                        ExportItem::Resource(rt) => {
                            members.push(format!(
                                "{}: rt{rt}.cls",
                                js_str(&crate::names::to_upper_camel(n))
                            ));
                        }
                        ExportItem::Instance(_) => {}
                    }
                }
                for (rt, ms) in class_members {
                    names.class_members.entry(rt).or_default().extend(ms);
                }
                let inst = format!("inst{inst_count}");
                inst_count += 1;
                writeln!(classes, "const {inst} = {{ {} }};", members.join(", ")).unwrap();
                export_obj.push(format!("{}: {inst}", js_str(name)));
                let short = interface_export_name(name);
                if camel_taken.insert(short.clone()) {
                    if short != *name {
                        export_obj.push(format!("{}: {inst}", js_str(&short)));
                    }
                    esm_exports.push((short.clone(), js_str(name)));
                }
                if short != *name && (name.contains(':') || name.contains('/')) {
                    esm_exports.push((js_str(name), js_str(name)));
                }
            }
        }
    }

    // Lowered functions (imports into core wasm, and adapters between components).
    for i in 0..plan.lowered.len() {
        fns.push_str(&funcs::lowered(plan, &mut names, i));
    }
    // Resource built-ins, types, tables and classes.
    let mut i = 0;
    while i < names.resource_builtins.len() {
        let d = names.resource_builtins[i].clone();
        fns.push_str(&resource_builtin(plan, &mut names, &d));
        i += 1;
    }
    if !plan.resources.is_empty() {
        fns.push_str(&resource_decls(plan, &mut names));
    }
    fns.push_str(&classes);
    let mut done_raw = 0;
    while done_raw < names.raw_lifted.len() {
        let i = names.raw_lifted[done_raw];
        fns.push_str(&funcs::lifted(
            plan,
            &mut names,
            i,
            false,
            &format!("lifted function {i}"),
        ));
        done_raw += 1;
    }

    for m in &plan.modules {
        if let crate::plan::ModuleSrc::Host(i) = m {
            names.used_imports.insert(*i);
        }
    }
    // Host imports actually used, bound from the import object as `imp{i}`.
    let mut resolve_imports = String::new();
    let mut import_specs = Vec::new();
    for (i, imp) in plan.imports.iter().enumerate() {
        if !names.used_imports.contains(&i) {
            continue;
        }
        let spec = map_import(&imp.name, &opts.map);
        let key = match &spec.member {
            Some(m) => format!("{}#{m}", spec.module),
            None => spec.module.clone(),
        };
        let is_func = matches!(imp.kind, HostImportKind::Func(_));
        let get = format!("imports[{}]", js_str(&key));
        if matches!(imp.kind, HostImportKind::Module) {
            writeln!(
                resolve_imports,
                "  const imp{i} = {get} instanceof WebAssembly.Module ? {get} : {get}?.default;"
            )
            .unwrap();
            writeln!(
                resolve_imports,
                "  if (!(imp{i} instanceof WebAssembly.Module)) throw new TypeError({});",
                js_str(&format!(
                    "import `{}` (import object key {key}): expected a WebAssembly.Module",
                    imp.name
                ))
            )
            .unwrap();
        } else if is_func {
            writeln!(
                resolve_imports,
                "  const imp{i} = typeof {get} === 'function' ? {get} : {get}?.default;"
            )
            .unwrap();
        } else {
            writeln!(resolve_imports, "  const imp{i} = {get};").unwrap();
            writeln!(
                resolve_imports,
                "  if (imp{i} == null) throw new TypeError({});",
                js_str(&format!(
                    "missing import `{}` (import object key {key})",
                    imp.name
                ))
            )
            .unwrap();
        }
        let default_import = !matches!(imp.kind, HostImportKind::Instance);
        import_specs.push((i, key, spec, default_import));
    }

    // Core modules: files or inline base64.
    let is_async = opts.instantiation != Instantiation::Sync;
    let mut module_srcs = Vec::new();
    for (i, &m) in plan.modules.iter().enumerate() {
        let m = match m {
            crate::plan::ModuleSrc::Static(m) => m,
            crate::plan::ModuleSrc::Host(import) => {
                module_srcs.push(format!("imp{import}"));
                continue;
            }
        };
        let range = ir.modules[m].clone();
        let wasm = &bytes[range];
        let file = format!("{}.core{i}.wasm", opts.name);
        if wasm.len() < opts.base64_cutoff {
            names.intrinsics.use_("base64");
            let b64 = base64(wasm);
            let compile = if is_async {
                format!("WebAssembly.compile(base64Bytes('{b64}'))")
            } else {
                format!("new WebAssembly.Module(base64Bytes('{b64}'))")
            };
            module_srcs.push(compile);
        } else {
            module_srcs.push(format!("getCoreModule({})", js_str(&file)));
            out.files.push(OutputFile {
                path: file,
                contents: wasm.to_vec(),
            });
        }
    }

    // The instance body.
    let aw = if is_async { "await " } else { "" };
    let mut body = String::new();
    body.push_str(&resolve_imports);
    for r in &names.host_resolve {
        writeln!(body, "  {r}").unwrap();
    }
    if !names.enter_flags.is_empty() || !names.leave_flags.is_empty() {
        let mut decl: Vec<String> = vec!["poisoned = false".into()];
        decl.extend(names.enter_flags.iter().map(|i| format!("me{i} = true")));
        decl.extend(names.leave_flags.iter().map(|i| format!("ml{i} = true")));
        writeln!(body, "  let {};", decl.join(", ")).unwrap();
    }
    for (inst, f, w) in &names.realloc_wrappers {
        writeln!(
            body,
            "  function {w}(a, b, c, d) {{ ml{inst} = false; const p = {f}(a, b, c, d); ml{inst} = true; return p; }}"
        )
        .unwrap();
    }
    let mem_names: Vec<&String> = names.memories.values().collect();
    for m in &mem_names {
        writeln!(body, "  const {m} = memoryState();").unwrap();
    }
    if !names.core_funcs.is_empty() {
        let mut cfs: Vec<&String> = names.core_funcs.values().collect();
        cfs.sort();
        writeln!(
            body,
            "  let {};",
            cfs.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
        .unwrap();
    }
    for (i, src) in module_srcs.iter().enumerate() {
        writeln!(body, "  const module{i} = {src};").unwrap();
    }
    for line in fns.lines() {
        writeln!(body, "  {line}").unwrap();
    }
    for (i, inst) in plan.instances.iter().enumerate() {
        let mut args = Vec::new();
        for (name, arg) in &inst.args {
            let v = match arg {
                CoreInstanceArg::Instance(j) => format!("ex{j}"),
                CoreInstanceArg::Bag(items) => {
                    let fields: Vec<String> = items
                        .iter()
                        .map(|(n, d)| format!("{}: {}", js_str(n), core_def_expr(&mut names, d)))
                        .collect();
                    format!("{{ {} }}", fields.join(", "))
                }
            };
            args.push(format!("{}: {v}", js_str(name)));
        }
        writeln!(
            body,
            "  const ex{i} = ({aw}instantiateCore({aw}module{}, {{ {} }})).exports;",
            inst.module,
            args.join(", ")
        )
        .unwrap();
        if let Some(assigns) = names.after_instance.get(&i) {
            for a in assigns {
                writeln!(body, "  {a}").unwrap();
            }
        }
    }
    writeln!(body, "  return {{ {} }};", export_obj.join(", ")).unwrap();

    let js = shell(
        opts,
        &names.intrinsics,
        &import_specs,
        &body,
        &esm_exports,
        is_async,
    );
    let js = if opts.minify {
        crate::minify::minify(&js)?
    } else {
        js
    };
    out.files.insert(
        0,
        OutputFile {
            path: format!("{}.js", opts.name),
            contents: js.into_bytes(),
        },
    );
    out.imports = import_specs.iter().map(|(_, k, _, _)| k.clone()).collect();
    out.exports = esm_exports.iter().map(|(n, _)| n.clone()).collect();
    Ok(out)
}

fn core_def_expr(names: &mut Names, d: &CoreDef) -> String {
    match d {
        CoreDef::Lowered(i) => format!("lower{i}"),
        CoreDef::Resource { .. } => names.core_func(d),
        CoreDef::Export { instance, name } => format!("ex{instance}[{}]", js_str(name)),
    }
}

/// Wraps the instance body in the requested module shape.
fn shell(
    opts: &TranspileOptions,
    intr: &Intrinsics,
    imports: &[(usize, String, crate::names::Specifier, bool)],
    body: &str,
    esm_exports: &[(String, String)],
    is_async: bool,
) -> String {
    let mut js = String::from("// Generated by weft. Do not edit.\n");
    let mut intr = intr.clone();
    if opts.instantiation == Instantiation::Esm {
        intr.use_("fetchCompile");
        for (i, _, spec, is_func) in imports {
            let what = match (&spec.member, is_func) {
                (Some(m), _) => format!("{{ {} as imp{i} }}", js_str_or_ident(m)),
                (None, true) => format!("imp{i}"),
                (None, false) => format!("* as imp{i}"),
            };
            writeln!(js, "import {what} from {};", js_str(&spec.module)).unwrap();
        }
    }
    js.push_str(&intr.render());
    let func_kw = if is_async {
        "async function"
    } else {
        "function"
    };
    let default_core = if is_async {
        "WebAssembly.instantiate"
    } else {
        "(module, imports) => new WebAssembly.Instance(module, imports)"
    };
    writeln!(
        js,
        "{func_kw} $instantiate(getCoreModule, imports, instantiateCore = {default_core}) {{\n{body}}}"
    )
    .unwrap();
    match opts.instantiation {
        Instantiation::Async | Instantiation::Sync => {
            writeln!(js, "export {{ $instantiate as instantiate }};").unwrap();
        }
        Instantiation::Esm => {
            let import_obj: Vec<String> = imports
                .iter()
                .map(|(i, k, _, _)| format!("{}: imp{i}", js_str(k)))
                .collect();
            let get = "(file) => fetchCompile(new URL('./' + file, import.meta.url))";
            let locals: Vec<String> = (0..esm_exports.len()).map(|i| format!("e{i}")).collect();
            let call = format!("$instantiate({get}, {{ {} }})", import_obj.join(", "));
            if opts.tla_compat {
                if !locals.is_empty() {
                    writeln!(js, "let {};", locals.join(", ")).unwrap();
                }
                let assigns: Vec<String> = esm_exports
                    .iter()
                    .zip(&locals)
                    .map(|((_, key), l)| format!("{l} = $e[{key}];"))
                    .collect();
                writeln!(
                    js,
                    "export const $init = {call}.then(($e) => {{ {} }});",
                    assigns.join(" ")
                )
                .unwrap();
            } else {
                writeln!(js, "const $e = await {call};").unwrap();
                for ((_, key), l) in esm_exports.iter().zip(&locals) {
                    writeln!(js, "const {l} = $e[{key}];").unwrap();
                }
            }
            let list: Vec<String> = esm_exports
                .iter()
                .zip(&locals)
                .map(|((n, _), l)| format!("{l} as {n}"))
                .collect();
            if !list.is_empty() {
                writeln!(js, "export {{ {} }};", list.join(", ")).unwrap();
            }
        }
    }
    js
}

fn js_str_or_ident(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    {
        s.to_string()
    } else {
        js_str(s)
    }
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn method_key(m: &str) -> String {
    let id = js_ident(m);
    if id == "constructor" {
        js_str(&id)
    } else {
        id
    }
}

/// `resNew/Rep/Drop{rt}_{instance}`: the core function for a `canon resource.*`.
fn resource_builtin(plan: &Plan, names: &mut Names, d: &CoreDef) -> String {
    let CoreDef::Resource { op, rt, instance } = d else {
        unreachable!()
    };
    names.intrinsics.use_("resources");
    names.intrinsics.use_("trap");
    let name = names.core_func(d);
    let leave = format!("if (!ml{instance}) cannotLeave();");
    match op {
        ResourceOp::New => format!(
            "function {name}(rep) {{ {leave} return resourceNew(tbl{instance}, rt{rt}, rep); }}\n"
        ),
        ResourceOp::Rep => {
            format!("function {name}(i) {{ return resourceRep(tbl{instance}, rt{rt}, i); }}\n")
        }
        ResourceOp::Drop => {
            let r = &plan.resources[*rt];
            let dtor = match (r.impl_instance, &r.dtor) {
                (None, _) => format!("hostRelease(rt{rt}, h.rep, true);"),
                (Some(_), None) => String::new(),
                (Some(imp), Some(dtor)) => {
                    let f = names.core_func(dtor);
                    let entering = plan.entering_set(imp, Some(*instance));
                    names.enter_flags.extend(entering.iter().copied());
                    enter_call(&entering, &format!("{f}(h.rep)"))
                }
            };
            format!(
                "function {name}(i) {{\n  {leave}\n  const h = resourceDropHandle(tbl{instance}, rt{rt}, i);\n  if (h.own) {{ {dtor} }}\n}}\n"
            )
        }
    }
}

/// A call wrapped in the may_enter checks of `entering`.
fn enter_call(entering: &[usize], call: &str) -> String {
    if entering.is_empty() {
        return format!("{call};");
    }
    let check: Vec<String> = entering.iter().map(|i| format!("!me{i}")).collect();
    format!(
        "if ({}) cannotEnter(poisoned); {} try {{ {call}; }} finally {{ {} }}",
        check.join(" || "),
        Names::flags_assign("me", entering, false),
        Names::flags_assign("me", entering, true)
    )
}

/// Run-time resource types, one handle table per component instance, and a
/// class per guest resource (with the exported constructor/methods/statics).
fn resource_decls(plan: &Plan, names: &mut Names) -> String {
    names.intrinsics.use_("resources");
    let mut out = String::new();
    for c in 0..plan.component_instances.len() {
        writeln!(out, "const tbl{c} = new HandleTable();").unwrap();
    }
    for (i, r) in plan.resources.iter().enumerate() {
        let name = if r.name.is_empty() {
            format!("resource{i}")
        } else {
            r.name.clone()
        };
        let imp = r
            .impl_instance
            .map(|i| i.to_string())
            .unwrap_or_else(|| "HOST".into());
        writeln!(out, "const rt{i} = resourceType({}, {imp});", js_str(&name)).unwrap();
        if let Some(imp) = r.impl_instance {
            let class = crate::names::to_upper_camel(&name);
            let members = names.class_members.remove(&i).unwrap_or_default();
            let has_ctor = members.iter().any(|m| m.starts_with("constructor("));
            let mut body = members.join(" ");
            if !has_ctor {
                write!(
                    body,
                    " constructor() {{ throw new TypeError({}); }}",
                    js_str(&format!("{class} has no constructor"))
                )
                .unwrap();
            }
            writeln!(out, "rt{i}.cls = class {class} {{ {body} [Symbol.dispose]() {{ disposeGuest(this); }} }};").unwrap();
            if let Some(d) = &r.dtor {
                let f = names.core_func(d);
                let entering = plan.entering_set(imp, None);
                names.enter_flags.extend(entering.iter().copied());
                names.intrinsics.use_("trap");
                let check: Vec<String> = entering.iter().map(|i| format!(" || !me{i}")).collect();
                writeln!(
                    out,
                    "rt{i}.dtor = (rep) => {{ if (poisoned{}) cannotEnter(poisoned); {} try {{ {f}(rep); }} catch (e) {{ if (e instanceof WebAssembly.RuntimeError) poisoned = true; throw e; }} finally {{ {} }} }};",
                    check.concat(),
                    Names::flags_assign("me", &entering, false),
                    Names::flags_assign("me", &entering, true)
                )
                .unwrap();
            }
        }
    }
    out
}
