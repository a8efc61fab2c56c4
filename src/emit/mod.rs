//! Turns a [`Plan`] into files: the ESM glue (`<name>.js`), one core module
//! file per instantiated module (or base64 inline), and `.d.ts` types.
//! The instance body is generated once and wrapped in one of three shells:
//! plain ESM with top-level await, `instantiate()` async, or `instantiate()` sync.

mod async_abi;
mod funcs;
mod fused;
mod intrinsics;
mod names;
mod resources;
mod shell;
mod values;

use std::collections::HashMap;
use std::fmt::Write;

use names::{resource_func, Names, ResourceFunc};
use resources::{method_key, resource_builtin, resource_decls};
use shell::{base64, shell};
use values::js_str;

use crate::names::{interface_export_name, lower_camel, map_import};
use crate::parse::ComponentIr;
use crate::plan::{Callee, CoreDef, CoreInstanceArg, ExportItem, HostImportKind, Plan};
use crate::{Instantiation, OutputFile, Result, TranspileOptions, Transpiled};

pub fn emit(
    bytes: &[u8],
    ir: &ComponentIr<'_>,
    plan: &Plan,
    opts: &TranspileOptions,
) -> Result<Transpiled> {
    let uses_async = plan.uses_async();
    let mut names = Names {
        leave_flags: plan.lowered.iter().map(|l| l.component_instance).collect(),
        uses_async,
        ..Names::default()
    };
    names.jspi = plan.jspi();
    names.class_imports = (plan.imports.iter().enumerate())
        .filter(|(_, i)| matches!(i.kind, HostImportKind::Class(_)))
        .map(|(i, _)| i)
        .collect();
    names.options = opts.clone();
    // `--async-mode jspi`: sync host imports that may return Promises.
    for (i, l) in plan.lowered.iter().enumerate() {
        if let Callee::Host { import, path } = &l.callee {
            let name = plan.host_func_name(*import, path);
            if !plan.lowers_to_subtask(i) && opts.is_async_import(&name) {
                names.jco_imports.insert(i, name);
            }
        }
    }
    if uses_async {
        // The async runtime reads every instance's flags (`ai{c}.mayEnter/mayLeave`).
        names.enter_flags.extend(0..plan.component_instances.len());
        names.leave_flags.extend(0..plan.component_instances.len());
    }
    for inst in &plan.instances {
        for (_, arg) in &inst.args {
            if let CoreInstanceArg::Bag(items) = arg {
                for (_, d) in items {
                    if let CoreDef::Resource { instance, .. } = d {
                        names.leave_flags.insert(*instance);
                        names.core_func(d);
                    }
                    if let CoreDef::Builtin(_) = d {
                        names.core_func(d);
                    }
                }
            }
        }
    }
    let mut fns = String::new();
    // Functions generated late (raw lifts, built-ins): after the classes.
    let mut tail = String::new();
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
                        fns.push_str(&funcs::host_lifted(plan, names, *i, fname));
                        if opts.tracing {
                            let ty = &plan.lifted[*i].ty;
                            let t = traced(names, fname, ty, &format!("lift{i}"));
                            fns.push_str(&format!("const traced{i} = {t};\n"));
                        }
                    }
                    if opts.tracing {
                        format!("traced{i}")
                    } else {
                        format!("lift{i}")
                    }
                }
                Callee::Host { import, path } => {
                    let n = match &plan.imports[*import].kind {
                        HostImportKind::Func(ty) => ty.params.len(),
                        HostImportKind::Class(fs) => fs
                            .iter()
                            .find(|(n, _)| path.first() == Some(n))
                            .map_or(0, |(_, t)| t.params.len()),
                        HostImportKind::Instance | HostImportKind::Module => 0,
                    };
                    names.host_func(*import, &plan.imports[*import].name, path, n)
                }
            }
        };
    let mut camel_taken = std::collections::HashSet::new();
    let mut inst_count = 0;
    let mut classes = String::new();
    let root_resources = exported_resources(&plan.exports);
    for (name, item) in &plan.exports {
        match item {
            ExportItem::Func(callee, ty) => {
                let f = export_fn(&mut names, &mut fns, callee, name);
                // World-level resource functions become members of the class.
                if let Some((rt, rf)) = resource_method(&root_resources, name) {
                    let member = class_member(&rf, &f, ty.params.len());
                    names.class_members.entry(rt).or_default().push(member);
                    continue;
                }
                let camel = lower_camel(name);
                export_obj.push(format!("{}: {f}", js_str(name)));
                if camel != *name {
                    export_obj.push(format!("{}: {f}", js_str(&camel)));
                }
                camel_taken.insert(camel.clone());
                esm_exports.push((camel, js_str(name)));
            }
            ExportItem::Resource(rt) => {
                let class = crate::names::upper_camel(name);
                export_obj.push(format!("{}: rt{rt}.cls", js_str(&class)));
                if camel_taken.insert(class.clone()) {
                    esm_exports.push((class.clone(), js_str(&class)));
                }
            }
            ExportItem::Instance(items) => {
                let mut members = Vec::new();
                let resources = exported_resources(items);
                let mut class_members: HashMap<usize, Vec<String>> = HashMap::new();
                for (n, it) in items {
                    match it {
                        ExportItem::Func(callee, ty) => {
                            let f = export_fn(&mut names, &mut fns, callee, &format!("{name}#{n}"));
                            let rf = resource_method(&resources, n);
                            match rf {
                                Some((rt, rf)) => {
                                    class_members.entry(rt).or_default().push(class_member(
                                        &rf,
                                        &f,
                                        ty.params.len(),
                                    ));
                                }
                                None => {
                                    members.push(format!("{}: {f}", js_str(&lower_camel(n))));
                                    if lower_camel(n) != *n {
                                        members.push(format!("{}: {f}", js_str(n)));
                                    }
                                }
                            }
                        }
                        ExportItem::Resource(rt) => {
                            members.push(format!(
                                "{}: rt{rt}.cls",
                                js_str(&crate::names::upper_camel(n))
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
                let namespaced = name.contains(':') || name.contains('/');
                if short != *name && namespaced && opts.namespaced_exports {
                    esm_exports.push((js_str(name), js_str(name)));
                }
            }
        }
    }

    // Lowered functions (imports into core wasm, and adapters between components).
    let is_async = opts.instantiation != Instantiation::Sync;
    let adapters = fused::decide(plan, &mut names);
    for i in 0..plan.lowered.len() {
        fns.push_str(&funcs::lowered(plan, &mut names, i));
        if let Some(a) = adapters.get(&i) {
            fns.push_str(&fused::helpers(plan, &mut names, i, a, is_async));
        }
    }
    // Whatever the generated code named so far: raw lifts, resource and
    // async built-ins (each may name more, so run until nothing is pending).
    let (mut done_res, mut done_raw, mut done_builtins) = (0, 0, 0);
    loop {
        if done_raw < names.raw_lifted.len() {
            let (i, form) = names.raw_lifted[done_raw];
            done_raw += 1;
            tail.push_str(&funcs::form_lifted(plan, &mut names, i, form));
        } else if done_builtins < names.builtins.len() {
            let i = names.builtins[done_builtins];
            done_builtins += 1;
            tail.push_str(&async_abi::builtin(plan, &mut names, i));
        } else if done_res < names.resource_builtins.len() {
            let d = names.resource_builtins[done_res].clone();
            done_res += 1;
            fns.push_str(&resource_builtin(plan, &mut names, &d));
        } else {
            break;
        }
    }
    // Resource types, tables and classes.
    if !plan.resources.is_empty() {
        fns.push_str(&resource_decls(plan, &mut names));
    }
    fns.push_str(&classes);
    fns.push_str(&tail);
    let async_decls = if uses_async {
        async_abi::instance_decls(plan, &mut names)
    } else {
        String::new()
    };

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
        // A root resource's class is, like a function, a default export.
        let is_func = matches!(imp.kind, HostImportKind::Func(_) | HostImportKind::Class(_));
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
    let mut module_srcs = Vec::new();
    for &m in &plan.modules {
        let m = match m {
            crate::plan::ModuleSrc::Static(m) => m,
            crate::plan::ModuleSrc::Host(import) => {
                module_srcs.push(format!("imp{import}"));
                continue;
            }
        };
        let range = ir.modules[m].clone();
        let wasm = &bytes[range];
        let file = core_file_name(&opts.name, m);
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
    let loads_files = module_srcs.iter().any(|m| m.starts_with("getCoreModule("));
    if loads_files && opts.instantiation != Instantiation::Esm && opts.default_core_loader {
        body.push_str(&default_core_loader(is_async, &mut names.intrinsics));
    }
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
    for line in async_decls.lines() {
        writeln!(body, "  {line}").unwrap();
    }
    for (inst, f, w) in &names.realloc_wrappers {
        writeln!(
            body,
            "  function {w}(a, b, c, d) {{ ml{inst} = false; const p = {f}(a, b, c, d); ml{inst} = true; return p; }}"
        )
        .unwrap();
    }
    // Declared in allocation order, so the output is the same on every run.
    let mut mem_names: Vec<&String> = names.memories.values().collect();
    mem_names.sort_by_key(|n| name_index(n));
    for m in &mem_names {
        writeln!(body, "  const {m} = memoryState();").unwrap();
    }
    if !names.core_funcs.is_empty() {
        let mut cfs: Vec<&String> = names.core_funcs.values().collect();
        cfs.sort_by_key(|n| name_index(n));
        let mut cps: Vec<&String> = names.promising_funcs.values().collect();
        cps.sort_by_key(|n| name_index(n));
        cfs.extend(cps);
        let mut cjs: Vec<&String> = names.jco_entries.values().collect();
        cjs.sort_by_key(|n| name_index(n));
        cfs.extend(cjs);
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
        body.push_str(&fused::before_instance(&mut names, &adapters, inst, aw));
        let mut args = Vec::new();
        for (name, arg) in &inst.args {
            let v = match arg {
                CoreInstanceArg::Instance(j) => format!("ex{j}"),
                CoreInstanceArg::Bag(items) => {
                    let fields: Vec<String> = items
                        .iter()
                        .map(|(n, d)| {
                            format!("{}: {}", js_str(n), core_def_expr(plan, &mut names, d))
                        })
                        .collect();
                    format!("{{ {} }}", fields.join(", "))
                }
            };
            args.push(format!("{}: {v}", js_str(name)));
        }
        let instantiate = format!(
            "({aw}instantiateCore({aw}module{}, {{ {} }})).exports",
            inst.module,
            args.join(", ")
        );
        if uses_async {
            // A start function runs as a synchronous task of its instance.
            let c = inst.component_instance;
            writeln!(
                body,
                "  const ex{i} = {aw}runStart(ai{c}, {}() => {instantiate});",
                if is_async { "async " } else { "" }
            )
            .unwrap();
        } else {
            writeln!(body, "  const ex{i} = {instantiate};").unwrap();
        }
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
    if !names.jspi.instances.is_empty() {
        out.warnings.push(format!(
            "{} core instance(s) may block in a synchronous wait (a sync `waitable-set.wait`, stream or future copy, call of an async function, or thread switch): where such a wait must really block, the wasm stack suspends through JSPI (WebAssembly.Suspending: Chromium >= 137, Node 24 with --experimental-wasm-jspi); engines without JSPI trap at that point",
            names.jspi.instances.len()
        ));
    }
    out.imports = import_specs.iter().map(|(_, k, _, _)| k.clone()).collect();
    out.exports = esm_exports.iter().map(|(n, _)| n.clone()).collect();
    Ok(out)
}

fn core_def_expr(plan: &Plan, names: &mut Names, d: &CoreDef) -> String {
    if let CoreDef::Lowered(i) = d {
        if names.fused.contains(i) {
            return format!("fa{i}");
        }
    }
    let f = match d {
        CoreDef::Lowered(i) => format!("lower{i}"),
        CoreDef::Resource { .. } | CoreDef::Builtin(_) => names.core_func(d),
        CoreDef::Export { instance, name } => format!("ex{instance}[{}]", js_str(name)),
    };
    if names.jspi.blocking.contains(d) {
        // May have to wait: with JSPI, a shim that suspends only when it must.
        names.intrinsics.use_("trampoline");
        let (p, r) = async_abi::blocking_sig(plan, d);
        format!("suspendingImport(store, {f}, '{p}', '{r}')")
    } else if let Some(what) = match d {
        CoreDef::Lowered(i) => names.jco_imports.get(i).cloned(),
        _ => None,
    } {
        names.intrinsics.use_("jspi");
        format!("jspiImport({f}, {})", js_str(&format!("import `{what}`")))
    } else {
        f
    }
}

/// Exported resource types of an export list, by name.
fn exported_resources(items: &[(String, ExportItem)]) -> HashMap<&str, usize> {
    items
        .iter()
        .filter_map(|(n, it)| match it {
            ExportItem::Resource(rt) => Some((n.as_str(), *rt)),
            _ => None,
        })
        .collect()
}

/// The exported resource a `[constructor]r` / `[method]r.m` / `[static]r.s` function belongs to.
fn resource_method<'a>(
    resources: &HashMap<&str, usize>,
    name: &'a str,
) -> Option<(usize, ResourceFunc<'a>)> {
    let rf = resource_func(name)?;
    let r = match rf {
        ResourceFunc::Constructor(r) | ResourceFunc::Method(r, _) | ResourceFunc::Static(r, _) => r,
    };
    resources.get(r).map(|rt| (*rt, rf))
}

/// A class member calling the host-facing lifted function `f`.
fn class_member(rf: &ResourceFunc<'_>, f: &str, nparams: usize) -> String {
    let args: Vec<String> = (0..nparams).map(|i| format!("a{i}")).collect();
    match rf {
        ResourceFunc::Constructor(_) => {
            let a = args.join(", ");
            format!("constructor({a}) {{ return {f}({a}); }}")
        }
        ResourceFunc::Method(_, m) => {
            let rest = args.get(1..).unwrap_or(&[]).join(", ");
            let call = std::iter::once("this".to_string())
                .chain(args.iter().skip(1).cloned())
                .collect::<Vec<_>>();
            format!(
                "{}({rest}) {{ return {f}({}); }}",
                method_key(m),
                call.join(", ")
            )
        }
        ResourceFunc::Static(_, m) => {
            let a = args.join(", ");
            format!("static {}({a}) {{ return {f}({a}); }}", method_key(m))
        }
    }
}

/// The number a generated name ends with (`mem3` -> 3), for stable ordering.
fn name_index(name: &str) -> usize {
    name.trim_start_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .unwrap_or(0)
}

/// jco's core module file names: `<name>.core.wasm`, `<name>.core2.wasm`,
/// `<name>.core3.wasm`, … (numbered by where the module appears in the input).
fn core_file_name(name: &str, index: usize) -> String {
    match index {
        0 => format!("{name}.core.wasm"),
        i => format!("{name}.core{}.wasm", i + 1),
    }
}

/// As jco: `instantiate()` without `getCoreModule` loads the core modules
/// next to the glue (fetch in browsers, fs in Node; sync: Node only).
fn default_core_loader(is_async: bool, intr: &mut intrinsics::Intrinsics) -> String {
    let compile = if is_async {
        "fetchCompile"
    } else {
        "compileSync"
    };
    intr.use_(compile);
    format!("  getCoreModule ??= (file) => {compile}(new URL('./' + file, import.meta.url));\n")
}

/// `traced(iface, function, params, f)`: `f` logging its calls (`--tracing`).
/// `what` is `iface#func` or a world function's name.
fn traced(names: &mut Names, what: &str, ty: &crate::types::FuncType, f: &str) -> String {
    names.intrinsics.use_("traced");
    let (iface, func) = what.rsplit_once('#').unwrap_or((what, what));
    let params: Vec<String> = ty.params.iter().map(|(n, _)| js_str(n)).collect();
    format!(
        "traced({}, {}, [{}], {f})",
        js_str(iface),
        js_str(func),
        params.join(", ")
    )
}
