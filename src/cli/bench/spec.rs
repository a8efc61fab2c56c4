//! What `weft bench` measures, as the JSON the driver reads: every exported
//! function with its JS path in `instantiate()`'s result, its WIT types laid
//! out by the Canonical ABI (sizes, alignments, offsets, flat core types), and
//! where its core export, memory, realloc and post-return live (a core
//! instance index in instantiation order plus an export name), so the driver
//! can generate the hand-lowering a native engine would do. Functions or
//! columns that cannot be measured carry the reason.

use serde_json::{json, Value};
use weft::abi;
use weft::names::{interface_export_name, lower_camel, strip_version, upper_camel};
use weft::plan::{
    Callee, CanonOpts, CoreDef, CoreInstanceArg, ExportItem, HostImportKind, ModuleSrc, Plan,
    ResourceOp, StringEncoding,
};
use weft::types::CoreTy;
use weft::types::{FuncType, ValType};

use super::native_async;

/// The bench spec of a component (see the module comment); `name` is the
/// glue's base name (core module files are `<name>.core{,2,…}.wasm`).
pub fn spec(plan: &Plan, name: &str) -> Value {
    let mut funcs = Vec::new();
    for (export, item) in &plan.exports {
        match item {
            ExportItem::Func(callee, ty) => {
                funcs.push(func(plan, &[], export, export, callee, ty));
            }
            ExportItem::Instance(items) => {
                for (n, it) in items {
                    if let ExportItem::Func(callee, ty) = it {
                        funcs.push(func(
                            plan,
                            &[export.as_str()],
                            &format!("{export}#{n}"),
                            n,
                            callee,
                            ty,
                        ));
                    }
                }
            }
            ExportItem::Resource(_) => {}
        }
    }
    json!({
        "instances": instances(plan, name),
        "resourceNews": resource_news(plan),
        "imports": imports(plan),
        "funcs": funcs,
    })
}

/// The core module file of each core instance, in instantiation order (null
/// for a module the host passes in).
fn instances(plan: &Plan, name: &str) -> Vec<Value> {
    plan.instances
        .iter()
        .map(|inst| match plan.modules[inst.module] {
            ModuleSrc::Static(0) => json!(format!("{name}.core.wasm")),
            ModuleSrc::Static(i) => json!(format!("{name}.core{}.wasm", i + 1)),
            ModuleSrc::Host(_) => Value::Null,
        })
        .collect()
}

/// Where each `resource.new` is imported: the driver wraps it to learn the rep
/// of the resource a method is benchmarked on.
fn resource_news(plan: &Plan) -> Vec<Value> {
    let mut out = Vec::new();
    for (i, inst) in plan.instances.iter().enumerate() {
        for (module, arg) in &inst.args {
            let CoreInstanceArg::Bag(items) = arg else {
                continue;
            };
            for (field, def) in items {
                if let CoreDef::Resource {
                    op: ResourceOp::New,
                    rt,
                    ..
                } = def
                {
                    out.push(json!({ "instance": i, "module": module, "field": field, "rt": rt.index() }));
                }
            }
        }
    }
    out
}

/// The host functions the component imports, for generated stubs: the
/// import's name (as the glue looks it up) and each function's result type.
fn imports(plan: &Plan) -> Vec<Value> {
    let mut out = Vec::new();
    for lowered in &plan.lowered {
        let Callee::Host { import, path } = &lowered.callee else {
            continue;
        };
        let imp = &plan.imports[*import];
        let func = match (&imp.kind, path.as_slice()) {
            (HostImportKind::Func(_), []) => None,
            (HostImportKind::Instance, [f]) => Some(f.clone()),
            _ => continue,
        };
        out.push(json!({
            "import": strip_version(&imp.name),
            "func": func,
            "result": lowered.ty.result.as_ref().map(ty_json),
        }));
    }
    out
}

/// Which JS member a resource function is: `[constructor]r`, `[method]r.m`, `[static]r.s`.
fn resource_member(name: &str) -> Option<(&'static str, &str, Option<&str>)> {
    if let Some(r) = name.strip_prefix("[constructor]") {
        return Some(("constructor", r, None));
    }
    for (prefix, kind) in [("[method]", "method"), ("[static]", "static")] {
        if let Some(rest) = name.strip_prefix(prefix) {
            let (r, m) = rest.split_once('.')?;
            return Some((kind, r, Some(m)));
        }
    }
    None
}

fn func(
    plan: &Plan,
    at: &[&str],
    label: &str,
    name: &str,
    callee: &Callee,
    ty: &FuncType,
) -> Value {
    let mut path: Vec<String> = at.iter().map(|s| s.to_string()).collect();
    let (kind, member) = match resource_member(name) {
        Some((kind, r, m)) => {
            path.push(upper_camel(r));
            (kind, m.map(lower_camel))
        }
        None => {
            path.push(lower_camel(name));
            ("func", None)
        }
    };
    // The JS path as users write it: the interface's short name (`api.echoString`).
    let mut js: Vec<String> = path.clone();
    if let Some(first) = js.first_mut().filter(|_| !at.is_empty()) {
        *first = interface_export_name(first);
    }
    js.extend(member.clone());
    let mut out = json!({
        "name": label,
        "js": js.join("."),
        "path": path,
        "kind": kind,
        "member": member,
        "async": ty.is_async,
        "params": ty.params.iter().map(|(n, t)| json!({ "name": n, "t": ty_json(t) })).collect::<Vec<_>>(),
        "result": ty.result.as_ref().map(ty_json),
    });
    let skip = skip_reason(kind, ty);
    if let Some(reason) = skip {
        out["skip"] = json!(reason);
        return out;
    }
    let Callee::Lifted(i) = callee else {
        out["skip"] = json!("re-exports a host import: nothing of the component runs");
        return out;
    };
    let lifted = &plan.lifted[*i];
    match native_reason(kind, ty, &lifted.core, &lifted.opts) {
        Some(reason) => out["nativeSkip"] = json!(reason),
        None if lifted.opts.is_async => match native_async::native(plan, kind, ty, lifted) {
            Ok(native) => out["native"] = native,
            Err(reason) => out["nativeSkip"] = json!(reason),
        },
        None => {
            let sig = abi::flat_sig(ty);
            let params = abi::params_tuple(ty);
            out["native"] = json!({
                "core": def(&lifted.core),
                "memory": lifted.opts.memory.as_ref().and_then(def),
                "realloc": lifted.opts.realloc.as_ref().and_then(def),
                "postReturn": lifted.opts.post_return.as_ref().and_then(def),
                "spillParams": sig.params_spilled,
                "spillResult": sig.results_spilled,
                "paramsTuple": ty_json(&params),
            });
        }
    }
    out
}

/// Why a function is not benchmarked at all (no column).
fn skip_reason(kind: &str, ty: &FuncType) -> Option<String> {
    let streams = |t: &ValType| matches!(t, ValType::Future(_) | ValType::Stream(_));
    let all = ty.params.iter().map(|(_, t)| t).chain(ty.result.iter());
    if all.clone().any(|t| t.any(&streams)) {
        return Some(
            "takes or returns a stream or future (bench/async.mjs measures stream throughput)"
                .into(),
        );
    }
    if kind == "constructor" {
        return Some(
            "constructor: run once to make the instance its methods are measured on".into(),
        );
    }
    let handles = |t: &ValType| matches!(t, ValType::Own(_) | ValType::Borrow(_));
    let rest = if kind == "method" { 1 } else { 0 };
    if ty.params.iter().skip(rest).any(|(_, t)| t.any(&handles)) {
        return Some("takes a resource handle (only a method's `self` is generated)".into());
    }
    None
}

/// Why there is no native column for a benchmarked function (an async lift
/// has more reasons: `native_async`).
fn native_reason(kind: &str, ty: &FuncType, core: &CoreDef, opts: &CanonOpts) -> Option<String> {
    if def(core).is_none() {
        return Some("the lifted function is not a core export".into());
    }
    let hard = |t: &ValType| {
        matches!(
            t,
            ValType::ErrorContext | ValType::Map(..) | ValType::FixedList(..)
        )
    };
    let rest = if kind == "method" { 1 } else { 0 };
    let params = ty.params.iter().skip(rest).map(|(_, t)| t);
    if params.chain(ty.result.iter()).any(|t| t.any(&hard)) {
        return Some("error-context, map or fixed-length list: not generated".into());
    }
    if ty
        .result
        .as_ref()
        .is_some_and(|t| t.any(&|t| matches!(t, ValType::Own(_) | ValType::Borrow(_))))
    {
        return Some("returns a resource handle".into());
    }
    let strings = ty.params.iter().map(|(_, t)| t).chain(ty.result.iter());
    if opts.string_encoding != StringEncoding::Utf8
        && strings.clone().any(|t| t.any(&|t| *t == ValType::String))
    {
        return Some("strings in utf16 or latin1+utf16: only utf8 is generated".into());
    }
    None
}

pub(super) fn def(d: &CoreDef) -> Option<Value> {
    match d {
        CoreDef::Export { instance, name } => {
            Some(json!({ "instance": instance.index(), "name": name }))
        }
        _ => None,
    }
}

pub(super) fn core_ty(t: CoreTy) -> &'static str {
    match t {
        CoreTy::I32 => "i32",
        CoreTy::I64 => "i64",
        CoreTy::F32 => "f32",
        CoreTy::F64 => "f64",
    }
}

/// A value type with its Canonical ABI layout.
pub(super) fn ty_json(t: &ValType) -> Value {
    let flat: Vec<&str> = abi::flat_of(t).into_iter().map(core_ty).collect();
    let mut v = match t {
        ValType::Bool => json!({ "k": "bool" }),
        ValType::S8 => json!({ "k": "s8" }),
        ValType::U8 => json!({ "k": "u8" }),
        ValType::S16 => json!({ "k": "s16" }),
        ValType::U16 => json!({ "k": "u16" }),
        ValType::S32 => json!({ "k": "s32" }),
        ValType::U32 => json!({ "k": "u32" }),
        ValType::S64 => json!({ "k": "s64" }),
        ValType::U64 => json!({ "k": "u64" }),
        ValType::F32 => json!({ "k": "f32" }),
        ValType::F64 => json!({ "k": "f64" }),
        ValType::Char => json!({ "k": "char" }),
        ValType::String => json!({ "k": "string" }),
        ValType::ErrorContext => json!({ "k": "error-context" }),
        ValType::List(e) => json!({ "k": "list", "t": ty_json(e) }),
        ValType::FixedList(e, n) => json!({ "k": "fixed-list", "t": ty_json(e), "n": n }),
        ValType::Map(k, v) => json!({ "k": "map", "key": ty_json(k), "t": ty_json(v) }),
        ValType::Record(fields) => {
            let offs = abi::field_offsets(fields.iter().map(|(_, t)| t));
            let fs: Vec<Value> = fields
                .iter()
                .zip(offs)
                .map(|((n, t), off)| json!({ "js": lower_camel(n), "t": ty_json(t), "off": off }))
                .collect();
            json!({ "k": "record", "fields": fs })
        }
        ValType::Tuple(ts) => {
            let offs = abi::field_offsets(ts.iter());
            let fs: Vec<Value> = ts
                .iter()
                .zip(offs)
                .map(|(t, off)| json!({ "t": ty_json(t), "off": off }))
                .collect();
            json!({ "k": "tuple", "fields": fs })
        }
        ValType::Flags(names) => {
            json!({ "k": "flags", "names": names.iter().map(|n| lower_camel(n)).collect::<Vec<_>>() })
        }
        ValType::Own(rt) => json!({ "k": "own", "rt": rt }),
        ValType::Borrow(rt) => json!({ "k": "borrow", "rt": rt }),
        ValType::Future(_) => json!({ "k": "future" }),
        ValType::Stream(_) => json!({ "k": "stream" }),
        ValType::Variant(_) | ValType::Enum(_) | ValType::Option(_) | ValType::Result(..) => {
            variant_json(t)
        }
    };
    v["size"] = json!(abi::size(t));
    v["align"] = json!(abi::alignment(t));
    v["flat"] = json!(flat);
    v
}

/// Variant-like types: cases (JS tag and payload), discriminant size, payload
/// offset and the joined flat payload types.
fn variant_json(t: &ValType) -> Value {
    let cases = abi::variant_cases(t).unwrap_or_default();
    let names: Vec<String> = match t {
        ValType::Variant(cs) => cs.iter().map(|(n, _)| n.clone()).collect(),
        ValType::Enum(ns) => ns.clone(),
        ValType::Option(_) => vec!["none".into(), "some".into()],
        _ => vec!["ok".into(), "err".into()],
    };
    let kind = match t {
        ValType::Variant(_) => "variant",
        ValType::Enum(_) => "enum",
        ValType::Option(_) => "option",
        _ => "result",
    };
    let cs: Vec<Value> = names
        .iter()
        .zip(&cases)
        .map(|(n, c)| json!({ "tag": n, "t": c.map(ty_json) }))
        .collect();
    let joined: Vec<&str> = abi::variant_payload_flat(&cases)
        .into_iter()
        .map(core_ty)
        .collect();
    json!({
        "k": kind,
        "cases": cs,
        "disc": abi::discriminant_size(cases.len()),
        "payloadOff": abi::payload_offset(&cases),
        "joined": joined,
    })
}
