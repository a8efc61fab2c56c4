//! The async ABI in the glue: the store and each component instance's async
//! state (emitted only when [`Plan::uses_async`]), stream/future type
//! descriptors, and the async built-ins (`task.return`, waitable sets,
//! subtasks, streams, futures, error contexts, ...) as core functions. The
//! state machines themselves live in `js-runtime/async/`.

use std::fmt::Write;

use super::addr;
use super::bindings::Names;
use super::builder::FnBuilder;
use super::cx::EmitCx;
use crate::abi::{self, AddrWidth};
use crate::names::quote as js_str;
use crate::plan::{AsyncOp, AsyncTypeIdx, BuiltinIdx, CanonOpts, CopyKind, Idx, Plan};
use crate::types::ValType;

/// `store`, `ai{c}` per component instance (its `mayEnter`/`mayLeave` are the
/// glue's `me{c}`/`ml{c}` flags, so sync and async code share one truth) and
/// the `st{k}` stream/future type descriptors.
pub fn instance_decls(cx: &EmitCx, names: &mut Names) -> String {
    let plan = cx.plan;
    names.intrinsics.use_("scheduler");
    // A failure of the store (a trap, wherever it happens) poisons the component.
    let mut out = String::from("const store = new Store(() => { poisoned = true; });\n");
    if !cx.jspi.instances.is_empty() {
        // Blocking waits suspend the wasm stack where the engine has JSPI.
        out.push_str("store.jspi = HAS_JSPI;\n");
    }
    for (c, parent) in plan.component_instances.iter_enumerated() {
        let parent = parent.map(|p| p.async_instance()).unwrap_or("null".into());
        // Its `mayEnter`/`mayLeave` fields are the flags the glue reads too
        // (`ident::FlagHome`).
        writeln!(
            out,
            "const {} = new AsyncInstance(store, {parent});",
            c.async_instance()
        )
        .unwrap();
    }
    for (k, t) in plan.async_types.iter_enumerated() {
        let (name, numeric) = match t {
            ValType::Stream(e) | ValType::Future(e) => (
                type_name(t),
                e.as_deref().is_none_or(|e| {
                    matches!(
                        e,
                        ValType::U8
                            | ValType::U16
                            | ValType::U32
                            | ValType::U64
                            | ValType::S8
                            | ValType::S16
                            | ValType::S32
                            | ValType::S64
                            | ValType::F32
                            | ValType::F64
                    )
                }),
            ),
            _ => unreachable!("only streams and futures are interned"),
        };
        // `stream<u8>` reaches JS as Uint8Array chunks.
        let bytes = matches!(t, ValType::Stream(Some(e)) if **e == ValType::U8);
        // One descriptor per glue module: two instantiations pass streams
        // of the same type to each other.
        names.intrinsics.use_("copy");
        writeln!(
            out,
            "const {} = typeDesc({}, {}, {numeric}, {bytes});",
            k.descriptor(),
            k.index(),
            js_str(&name)
        )
        .unwrap();
    }
    out
}

/// A short WIT-like rendering of a type for messages.
fn type_name(t: &ValType) -> String {
    match t {
        ValType::Stream(None) => "stream".into(),
        ValType::Future(None) => "future".into(),
        ValType::Stream(Some(e)) => format!("stream<{}>", type_name(e)),
        ValType::Future(Some(e)) => format!("future<{}>", type_name(e)),
        other => format!("{other:?}").to_lowercase(),
    }
}

/// The identity of a `task.return` signature's result type and string
/// encoding: a lift and a `task.return` match iff they get the same number.
/// The memory is checked apart (`return_mem`): a `task.return` that names
/// one must name the lift's, and one that names none is accepted (wasmtime;
/// `wit-bindgen` emits lifts with a memory for their parameters and
/// `task.return`s without one for results such as `stream<string>`).
pub fn return_sig(names: &mut Names, result: &Option<ValType>, opts: &CanonOpts) -> usize {
    let key = format!("{result:?}|{:?}", opts.string_encoding);
    match names.return_sigs.iter().position(|k| *k == key) {
        Some(i) => i,
        None => {
            names.return_sigs.push(key);
            names.return_sigs.len() - 1
        }
    }
}

/// The JS expression naming the memory of a lift or `task.return` (its
/// `memoryState()` object, shared by every use of the same core memory), or
/// `null` without one.
pub fn return_mem(names: &mut Names, opts: &CanonOpts) -> String {
    opts.memory
        .as_ref()
        .map_or_else(|| "null".to_string(), |m| names.memory(m))
}

/// Source of `function bi{idx}(...)`, the core function of async built-in `idx`.
pub fn builtin(cx: &EmitCx, names: &mut Names, idx: BuiltinIdx) -> String {
    let plan = cx.plan;
    let b = &plan.builtins[idx];
    let c = b.instance;
    let ai = c.async_instance();
    let name = idx.func();
    let use_ = |names: &mut Names, h: &'static str| names.intrinsics.use_(h);
    let one = |params: &str, body: String| format!("function {name}({params}) {{ {body} }}\n");
    match &b.op {
        AsyncOp::TaskReturn { result, opts } => {
            use_(names, "scheduler");
            let sig = return_sig(names, result, opts);
            let mem = return_mem(names, opts);
            let mut g = FnBuilder::new(cx, names, c, Some(opts));
            g.shared_ends = true;
            g.line(format!(
                "const task = taskReturnCheck(store, {sig}, {mem});"
            ));
            let mut params = Vec::new();
            let value = match result {
                None => None,
                Some(t) => {
                    let w = g.addr;
                    let flat = w.flat_of(t);
                    if flat.len() > abi::MAX_FLAT_PARAMS {
                        params.push("ptr".to_string());
                        let ptr = g.ptr_from_core("ptr");
                        g.check_range(&ptr, &w.size(t).to_string(), w.alignment(t), "task.return");
                        Some(g.load(t, &ptr))
                    } else {
                        params = (0..flat.len()).map(|i| format!("k{i}")).collect();
                        Some(g.lift_flat(t, &mut params.clone().into_iter()))
                    }
                }
            };
            match value {
                Some(v) => g.line(format!("task.return_([{v}]);")),
                None => g.line("task.return_([]);"),
            }
            g.finish(names, &format!("function {name}({})", params.join(", ")))
        }
        AsyncOp::TaskCancel => {
            use_(names, "scheduler");
            one("", "taskCancel(store);".into())
        }
        AsyncOp::ContextGet {
            slot: i,
            wide: false,
        } => {
            use_(names, "scheduler");
            one("", format!("return contextGet(store, {i});"))
        }
        // An i64 slot (cm64): slots start as the number 0.
        AsyncOp::ContextGet {
            slot: i,
            wide: true,
        } => {
            use_(names, "scheduler");
            one("", format!("return BigInt(contextGet(store, {i}));"))
        }
        AsyncOp::ContextSet { slot: i, .. } => {
            use_(names, "scheduler");
            one("v", format!("contextSet(store, {i}, v);"))
        }
        AsyncOp::BackpressureInc => {
            use_(names, "scheduler");
            one("", format!("backpressureInc({ai});"))
        }
        AsyncOp::BackpressureDec => {
            use_(names, "scheduler");
            one("", format!("backpressureDec({ai});"))
        }
        AsyncOp::ThreadYield => {
            use_(names, "scheduler");
            one("", "return threadYield(store, false);".into())
        }
        AsyncOp::WaitableSetNew => {
            use_(names, "waitable");
            one("", format!("return waitableSetNew({ai});"))
        }
        AsyncOp::WaitableSetWait(mem) | AsyncOp::WaitableSetPoll(mem) => {
            use_(names, "waitable");
            use_(names, "memory");
            let m = names.memory(mem);
            // 64-bit: the event is still two u32s, at an i64 pointer.
            let w = plan.addr(Some(mem));
            let conv = match w {
                AddrWidth::W32 => String::new(),
                w => format!(
                    "ptr = {}; ",
                    addr::from_core(w, &mut names.intrinsics, "ptr")
                ),
            };
            let check = addr::check_range(w, &mut names.intrinsics);
            let store_ev = format!(
                "{conv}{check}({m}, ptr, 8, 4, 'event'); {m}.dv.setUint32(ptr, ev[1], true); {m}.dv.setUint32(ptr + 4, ev[2], true); return ev[0];"
            );
            if matches!(b.op, AsyncOp::WaitableSetWait(_)) {
                one(
                    "si, ptr",
                    format!(
                        "return afterBlock(waitableSetWait(store, si, false), (ev) => {{ {store_ev} }});"
                    ),
                )
            } else {
                one(
                    "si, ptr",
                    format!("const ev = waitableSetPoll(store, si, false); {store_ev}"),
                )
            }
        }
        AsyncOp::WaitableSetDrop => {
            use_(names, "waitable");
            one("si", format!("waitableSetDrop({ai}, si);"))
        }
        AsyncOp::WaitableJoin => {
            use_(names, "waitable");
            one("wi, si", format!("waitableJoin({ai}, wi, si);"))
        }
        AsyncOp::SubtaskCancel { is_async } => {
            use_(names, "subtask");
            one("i", format!("return subtaskCancel(store, i, {is_async});"))
        }
        AsyncOp::SubtaskDrop => {
            use_(names, "subtask");
            one("i", format!("subtaskDrop({ai}, i);"))
        }
        AsyncOp::New { kind, ty } => {
            use_(names, "copy");
            let f = match kind {
                CopyKind::Stream => "streamNew",
                CopyKind::Future => "futureNew",
            };
            one("", format!("return {f}({ai}, {});", ty.descriptor()))
        }
        AsyncOp::Copy {
            kind,
            ty,
            read,
            opts,
        } => copy_builtin(cx, names, idx, *kind, *ty, *read, opts),
        AsyncOp::Cancel {
            kind,
            ty,
            read,
            is_async,
        } => {
            use_(names, "copy");
            let cls = end_class(*kind, *read);
            one(
                "i",
                format!(
                    "return cancelCopy(store, {cls}, {}, {is_async}, i);",
                    ty.descriptor()
                ),
            )
        }
        AsyncOp::Drop { kind, ty, readable } => {
            use_(names, "copy");
            let cls = end_class(*kind, *readable);
            one(
                "i",
                format!("dropEnd({ai}, {cls}, {}, i);", ty.descriptor()),
            )
        }
        AsyncOp::ThreadIndex => {
            use_(names, "scheduler");
            one("", "return threadIndex(store);".into())
        }
        AsyncOp::ThreadNewIndirect { table, wide } => {
            use_(names, "scheduler");
            use_(names, "trampoline");
            let t = names.core_func(table);
            let sig = if *wide { 'I' } else { 'i' };
            one(
                "fi, c",
                format!(
                    "return threadNewIndirect(store, {t}, fi, c, (f) => promisingEntry(store, f, '{sig}', ''));"
                ),
            )
        }
        AsyncOp::ThreadResumeLater => {
            use_(names, "scheduler");
            one("i", "threadResumeLater(store, i);".into())
        }
        AsyncOp::ThreadSuspend => {
            use_(names, "scheduler");
            one("", "return threadSuspend(store, false);".into())
        }
        AsyncOp::ThreadSwitch { yielding } => {
            use_(names, "scheduler");
            one(
                "i",
                format!("return threadSwitch(store, false, i, {yielding});"),
            )
        }
        AsyncOp::ThreadPromote { yielding } => {
            use_(names, "scheduler");
            one(
                "i",
                format!("return threadPromote(store, false, i, {yielding});"),
            )
        }
        AsyncOp::ErrorContextNew(opts) => {
            use_(names, "errorContext");
            let mut g = FnBuilder::new(cx, names, c, Some(opts));
            g.line(format!("checkMayLeave({ai});"));
            let (p, l) = g.pair_from_core(&ValType::String, "ptr".into(), "len".into());
            let s = g.lift_string(&p, &l);
            g.line(format!("return errorContextNew({ai}, {s});"));
            g.finish(names, &format!("function {name}(ptr, len)"))
        }
        AsyncOp::ErrorContextDebugMessage(opts) => {
            use_(names, "errorContext");
            let mut g = FnBuilder::new(cx, names, c, Some(opts));
            g.line(format!("const s = errorContextDebugMessage({ai}, i);"));
            let ptr = g.ptr_from_core("ptr");
            g.store(&ValType::String, "s", &ptr, "error-context.debug-message");
            g.finish(names, &format!("function {name}(i, ptr)"))
        }
        AsyncOp::ErrorContextDrop => {
            use_(names, "errorContext");
            one("i", format!("errorContextDrop({ai}, i);"))
        }
    }
}

fn end_class(kind: CopyKind, readable: bool) -> &'static str {
    match (kind, readable) {
        (CopyKind::Stream, true) => "ReadableStreamEnd",
        (CopyKind::Stream, false) => "WritableStreamEnd",
        (CopyKind::Future, true) => "ReadableFutureEnd",
        (CopyKind::Future, false) => "WritableFutureEnd",
    }
}

/// `stream.read/write`, `future.read/write`: the built-in plus its guest
/// buffer's monomorphic element loops over this built-in's memory.
fn copy_builtin(
    cx: &EmitCx,
    names: &mut Names,
    idx: BuiltinIdx,
    kind: CopyKind,
    ty: AsyncTypeIdx,
    read: bool,
    opts: &CanonOpts,
) -> String {
    let plan = cx.plan;
    names.intrinsics.use_("copy");
    let c = plan.builtins[idx].instance;
    let elem = match &plan.async_types[ty] {
        ValType::Stream(e) | ValType::Future(e) => e.as_deref().cloned(),
        _ => unreachable!(),
    };
    let cls = end_class(kind, read);
    let is_async = opts.is_async;
    let w = plan.addr(opts.memory.as_ref());
    let (params, f, n) = match kind {
        CopyKind::Stream => ("i, ptr, n", "streamCopy", "n"),
        CopyKind::Future => ("i, ptr", "futureCopy", "1"),
    };
    let mut out = String::new();
    let buffer = match &elem {
        None => format!("new GuestBuffer(0, ptr, {n}, null, null, null)"),
        Some(e) => {
            let size = w.size(e);
            let align = w.alignment(e);
            // Reading: the guest's buffer receives values (store); writing: it supplies them (load).
            let mut g = FnBuilder::new(cx, names, c, Some(opts));
            let g_mem = g.mem.clone();
            let at = format!("{} element", type_name(&plan.async_types[ty]));
            if read && *e == ValType::U8 {
                // Bytes: one copy (values come from a guest's memory or a Uint8Array).
                let m = g.mem.clone().expect("validated: memory option present");
                g.line(format!("memView({m});"));
                g.line(format!("{m}.u8.set(vs, ptr);"));
            } else if read {
                g.lower_list_loop(e, "vs", "vs.length", "ptr", &at);
            } else {
                let r = g.load_buffer_elems(e, "ptr", "n");
                g.line(format!("return {r};"));
            }
            let (load, store) = if read {
                ("null".to_string(), idx.store_elems())
            } else {
                (idx.load_elems(), "null".to_string())
            };
            // Bytes a guest writes can also be handed over in place (see `GuestBuffer.view`).
            let view = match (read, e, &g_mem) {
                (false, ValType::U8, Some(m)) => {
                    let bv = idx.view_elems();
                    writeln!(
                        out,
                        "function {bv}(ptr, n) {{ memView({m}); return {m}.u8.subarray(ptr, ptr + n); }}"
                    )
                    .unwrap();
                    format!(", {bv}")
                }
                _ => String::new(),
            };
            let sig = if read { "ptr, vs" } else { "ptr, n" };
            let elems = g.finish(
                names,
                &format!("function {}({sig})", if read { &store } else { &load }),
            );
            out.push_str(&elems);
            let mut cg = FnBuilder::new(cx, names, c, Some(opts));
            cg.check_range("ptr", &format!("n * {size}"), align, &at);
            let bc = idx.check_elems();
            out.push_str(&cg.finish(names, &format!("function {bc}(ptr, n)")));
            format!("new GuestBuffer({size}, ptr, {n}, {load}, {store}, {bc}{view})")
        }
    };
    let call = format!(
        "{f}(store, {cls}, {}, {is_async}, i, () => {buffer})",
        ty.descriptor()
    );
    let body = match w {
        AddrWidth::W32 => format!("return {call};"),
        // 64-bit: `ptr` and `n` become numbers; a stream's result is an i64.
        AddrWidth::W64 => {
            let mut b = String::new();
            let conv = addr::from_core(w, &mut names.intrinsics, "ptr");
            write!(b, "ptr = {conv}; ").unwrap();
            if kind == CopyKind::Stream {
                let conv = addr::len_from_core(w, &mut names.intrinsics, false, "n");
                write!(b, "n = {conv}; ").unwrap();
                names.intrinsics.use_("scheduler");
                write!(b, "return afterBlock({call}, (r) => BigInt(r >>> 0));").unwrap();
            } else {
                write!(b, "return {call};").unwrap();
            }
            b
        }
    };
    writeln!(out, "function {}({params}) {{ {body} }}", idx.func()).unwrap();
    out
}

/// Whether values of `t` carry streams or futures (then they cross the
/// host boundary through a conversion).
pub fn has_ends(t: &ValType) -> bool {
    t.any(&|t| matches!(t, ValType::Stream(_) | ValType::Future(_)))
}

/// A JS expression converting `v` (a value of `t` whose streams/futures are
/// shared states) into what the host sees (`ReadableStream`s, Promises);
/// `None` when there is nothing to convert.
pub fn to_host(names: &mut Names, plan: &Plan, t: &ValType, v: &str) -> Option<String> {
    convert(names, plan, t, v, true, 0, "")
}

/// The inverse of [`to_host`]: JS streams/Promises (or iterables, values) to
/// shared states; `at` names the value in errors.
pub fn from_host(names: &mut Names, plan: &Plan, t: &ValType, v: &str, at: &str) -> Option<String> {
    convert(names, plan, t, v, false, 0, at)
}

fn convert(
    names: &mut Names,
    plan: &Plan,
    t: &ValType,
    v: &str,
    to_host: bool,
    depth: usize,
    at: &str,
) -> Option<String> {
    if !has_ends(t) {
        return None;
    }
    let x = format!("x{depth}");
    let sub = |names: &mut Names, t: &ValType, e: &str| {
        convert(names, plan, t, e, to_host, depth + 1, at).unwrap_or_else(|| e.to_string())
    };
    Some(match t {
        ValType::Stream(_) | ValType::Future(_) => {
            names.intrinsics.use_("host");
            let k = plan
                .async_types
                .iter()
                .position(|x| x == t)
                .expect("interned");
            let st = AsyncTypeIdx::new(k).descriptor();
            match (t, to_host) {
                (ValType::Stream(_), true) => format!("streamToJs(store, {v})"),
                (ValType::Stream(_), false) => {
                    format!("streamFromJs(store, {st}, {v}, {})", js_str(at))
                }
                (_, true) => format!("futureToJs(store, {v})"),
                (_, false) => format!("futureFromJs(store, {st}, {v})"),
            }
        }
        ValType::Option(e) => {
            let inner = sub(names, e, &x);
            format!("(({x}) => {x} === undefined ? undefined : {inner})({v})")
        }
        ValType::List(e) | ValType::FixedList(e, _) => {
            let inner = sub(names, e, &x);
            format!("Array.from({v}, ({x}) => {inner})")
        }
        ValType::Record(fields) => {
            let items: Vec<String> = fields
                .iter()
                .map(|(n, ft)| {
                    let key = crate::names::lower_camel(n);
                    let e = format!("{x}.{key}");
                    format!("{key}: {}", sub(names, ft, &e))
                })
                .collect();
            format!("(({x}) => ({{ {} }}))({v})", items.join(", "))
        }
        ValType::Tuple(ts) => {
            let items: Vec<String> = ts
                .iter()
                .enumerate()
                .map(|(i, et)| sub(names, et, &format!("{x}[{i}]")))
                .collect();
            format!("(({x}) => [{}])({v})", items.join(", "))
        }
        ValType::Variant(_) | ValType::Result(..) => {
            let cases: Vec<(String, Option<&ValType>)> = match t {
                ValType::Variant(cs) => cs.iter().map(|(n, t)| (n.clone(), t.as_ref())).collect(),
                ValType::Result(ok, err) => {
                    vec![("ok".into(), ok.as_deref()), ("err".into(), err.as_deref())]
                }
                _ => unreachable!(),
            };
            let mut expr = x.clone();
            for (n, ct) in cases.iter().rev() {
                if let Some(ct) = ct.filter(|ct| has_ends(ct)) {
                    let inner = sub(names, ct, &format!("{x}.val"));
                    expr = format!(
                        "{x}.tag === {} ? {{ tag: {x}.tag, val: {inner} }} : {expr}",
                        js_str(n)
                    );
                }
            }
            format!("(({x}) => {expr})({v})")
        }
        // Maps of streams are left as they are (rare; values pass unchanged).
        _ => return None,
    })
}
