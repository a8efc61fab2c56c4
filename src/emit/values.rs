//! Specialised JS for moving one value across the boundary: lowering a JS
//! value to flat core values or into linear memory, and lifting it back. The
//! generated code is monomorphic per type: no generic walker runs at call time.

use std::fmt::Write;

use super::intrinsics::Intrinsics;
use crate::abi::{self, CoreTy};
use crate::names::lower_camel;
use crate::plan::StringEncoding;
use crate::types::ValType;
use crate::value_style::ValueStyle;

mod styled;

/// Handle context of one generated function.
#[derive(Default, Clone)]
pub struct HandleCx {
    /// The component instance whose handle table is used.
    pub inst: usize,
    /// The callee's borrow scope variable (lifted functions with borrow params).
    pub scope: Option<String>,
    /// The caller's lent-handles list variable (lowered functions with borrow params).
    pub lent: Option<String>,
}

/// Builds the body of one generated function.
pub struct ValueGen<'a> {
    pub code: String,
    pub intr: &'a mut Intrinsics,
    /// JS name of the memory state object (`memoryState()`), if the options have one.
    pub mem: Option<String>,
    /// JS name of the realloc function, if any.
    pub realloc: Option<String>,
    pub encoding: StringEncoding,
    /// Which instance's handle table resources go into or come out of, and
    /// the names of the call's borrow scope / lent-handle list, if any.
    pub handles: HandleCx,
    /// Each run-time resource type's implementing instance (None: host).
    pub resource_impls: Vec<Option<usize>>,
    /// The plan's interned `stream<T>`/`future<T>` types (`st{i}` descriptors in the glue).
    pub async_types: Vec<ValType>,
    /// Generating an adapter between two components: strings travel as
    /// `taggedString`s (keeping their source encoding, so the destination's
    /// realloc sees the spec's calls) and maps as entry arrays (keeping duplicates).
    pub adapter: bool,
    /// Streams and futures travel as their shared state (between components,
    /// and inside async calls whose other side may be a component); the host
    /// boundary converts them (`async_abi::to_host` / `from_host`).
    pub shared_ends: bool,
    /// jco's value style of flags and enums (`values/styled.rs`).
    pub style: ValueStyle,
    indent: usize,
    tmp: usize,
    /// Whether `dv` holds a current view of `mem` (false after any call into wasm).
    view_valid: bool,
}

impl<'a> ValueGen<'a> {
    pub fn new(
        intr: &'a mut Intrinsics,
        mem: Option<String>,
        realloc: Option<String>,
        encoding: StringEncoding,
    ) -> Self {
        // The glue declares the memory's state with `memoryState()`.
        if mem.is_some() {
            intr.use_("memory");
        }
        ValueGen {
            code: String::new(),
            intr,
            mem,
            realloc,
            encoding,
            handles: HandleCx::default(),
            resource_impls: Vec::new(),
            async_types: Vec::new(),
            adapter: false,
            shared_ends: false,
            style: ValueStyle::default(),
            indent: 1,
            tmp: 0,
            view_valid: false,
        }
    }

    pub fn line(&mut self, s: impl AsRef<str>) {
        for _ in 0..self.indent {
            self.code.push_str("  ");
        }
        self.code.push_str(s.as_ref());
        self.code.push('\n');
    }

    pub fn tmp(&mut self, prefix: &str) -> String {
        self.tmp += 1;
        format!("{prefix}{}", self.tmp)
    }

    pub fn indent(&mut self) {
        self.indent += 1;
    }

    pub fn dedent(&mut self) {
        self.indent -= 1;
    }

    /// Marks the memory view stale (call after any call into wasm).
    pub fn invalidate_view(&mut self) {
        self.view_valid = false;
    }

    fn mem(&self) -> String {
        self.mem.clone().expect("validated: memory option present")
    }

    fn realloc(&self) -> String {
        self.realloc
            .clone()
            .expect("validated: realloc option present")
    }

    /// Returns the DataView expression, refreshing it first if stale.
    fn dv(&mut self) -> String {
        if !self.view_valid {
            self.intr.use_("memory");
            let m = self.mem();
            self.line(format!("dv = memView({m});"));
            self.view_valid = true;
        }
        "dv".to_string()
    }

    fn bad(&mut self, v: &str, expected: &str, at: &str) -> String {
        self.intr.use_("badValue");
        format!("badValue({v}, {}, {})", js_str(expected), js_str(at))
    }

    // ---------------------------------------------------------------- lowering

    /// Validates JS value `v` and pushes its flat core values (JS expressions
    /// that are safe to evaluate once, in order) onto `out`.
    pub fn lower_flat(&mut self, ty: &ValType, v: &str, at: &str, out: &mut Vec<String>) {
        match ty {
            ValType::Bool => {
                let b = self.bad(v, "bool", at);
                self.line(format!("if (typeof {v} !== 'boolean') {b};"));
                out.push(format!("({v} ? 1 : 0)"));
            }
            ValType::S8
            | ValType::U8
            | ValType::S16
            | ValType::U16
            | ValType::S32
            | ValType::U32 => {
                self.check_int(ty, v, at);
                out.push(v.to_string());
            }
            ValType::S64 | ValType::U64 => {
                let t = self.tmp("i");
                let signed = matches!(ty, ValType::S64);
                self.intr.use_("toInt64");
                let check = if signed { "asIntN" } else { "asUintN" };
                self.line(format!(
                    "const {t} = typeof {v} === 'bigint' && BigInt.{check}(64, {v}) === {v} ? {v} : toInt64({v}, {signed}, {});",
                    js_str(at)
                ));
                out.push(t);
            }
            ValType::F32 | ValType::F64 => {
                let b = self.bad(v, "number", at);
                self.line(format!("if (typeof {v} !== 'number') {b};"));
                out.push(v.to_string());
            }
            ValType::Char => {
                self.intr.use_("char");
                let t = self.tmp("c");
                self.line(format!("const {t} = lowerChar({v}, {});", js_str(at)));
                out.push(t);
            }
            ValType::String => {
                let (p, l) = self.lower_string(v, at);
                out.push(p);
                out.push(l);
            }
            ValType::List(elem) => {
                let (p, l) = self.lower_list(elem, v, at);
                out.push(p);
                out.push(l);
            }
            ValType::Map(k, val) => {
                let (p, l) = self.lower_map(k, val, v, at);
                out.push(p);
                out.push(l);
            }
            ValType::FixedList(elem, n) => {
                self.check_fixed_list(v, *n, at);
                for i in 0..*n {
                    let e = self.tmp("e");
                    self.line(format!("const {e} = {v}[{i}];"));
                    self.lower_flat(elem, &e, &format!("{at}[{i}]"), out);
                }
            }
            ValType::Record(fields) => {
                self.check_object(v, "record", at);
                for (name, t) in fields {
                    let f = self.tmp("f");
                    self.line(format!("const {f} = {v}.{};", lower_camel(name)));
                    self.lower_flat(t, &f, &format!("{at}.{}", lower_camel(name)), out);
                }
            }
            ValType::Tuple(ts) => {
                self.check_fixed_list(v, ts.len() as u32, at);
                for (i, t) in ts.iter().enumerate() {
                    let e = self.tmp("e");
                    self.line(format!("const {e} = {v}[{i}];"));
                    self.lower_flat(t, &e, &format!("{at}[{i}]"), out);
                }
            }
            ValType::Flags(names) => {
                let words = self.lower_flags(names, v, at);
                out.extend(words);
            }
            ValType::Enum(names) => {
                let d = self.lower_enum(names, v, at);
                out.push(d);
            }
            ValType::Own(rt) => {
                self.intr.use_("resources");
                let h = self.tmp("h");
                let tbl = format!("tbl{}", self.handles.inst);
                self.line(format!(
                    "const {h} = lowerOwn({tbl}, rt{rt}, {v}, {});",
                    js_str(at)
                ));
                out.push(h);
            }
            ValType::Borrow(rt) => {
                self.intr.use_("resources");
                let h = self.tmp("h");
                if self.resource_impls.get(*rt).copied().flatten() == Some(self.handles.inst) {
                    self.line(format!(
                        "const {h} = {v}?.[RESOURCE]?.rt === rt{rt} && !{v}[RESOURCE].dead ? {v}[RESOURCE].rep : borrowRep(rt{rt}, {v}, {});",
                        js_str(at)
                    ));
                } else {
                    let tbl = format!("tbl{}", self.handles.inst);
                    let scope = self
                        .handles
                        .scope
                        .clone()
                        .expect("borrow params have a scope");
                    self.line(format!(
                        "const {h} = lowerBorrow({tbl}, rt{rt}, {v}, {scope}, {});",
                        js_str(at)
                    ));
                }
                out.push(h);
            }
            ValType::Stream(_) | ValType::Future(_) | ValType::ErrorContext => {
                let h = self.tmp("h");
                let expr = self.lower_async_value(ty, v, at);
                self.line(format!("const {h} = {expr};"));
                out.push(h);
            }
            _ => self.lower_flat_variant(ty, v, at, out),
        }
    }

    fn check_int(&mut self, ty: &ValType, v: &str, at: &str) {
        let (norm, desc) = match ty {
            ValType::S8 => (format!("({v} << 24 >> 24)"), "s8 (integer in -128..127)"),
            ValType::U8 => (format!("({v} & 0xff)"), "u8 (integer in 0..255)"),
            ValType::S16 => (
                format!("({v} << 16 >> 16)"),
                "s16 (integer in -32768..32767)",
            ),
            ValType::U16 => (format!("({v} & 0xffff)"), "u16 (integer in 0..65535)"),
            ValType::S32 => (format!("({v} | 0)"), "s32 (integer in -2^31..2^31-1)"),
            _ => (format!("({v} >>> 0)"), "u32 (integer in 0..2^32-1)"),
        };
        let b = self.bad(v, desc, at);
        // `norm !== v` is true for every non-number, fraction and out-of-range value.
        self.line(format!("if ({norm} !== {v}) {b};"));
    }

    fn check_object(&mut self, v: &str, what: &str, at: &str) {
        let b = self.bad(v, what, at);
        self.line(format!("if ({v} === null || typeof {v} !== 'object') {b};"));
    }

    fn check_fixed_list(&mut self, v: &str, n: u32, at: &str) {
        let b = self.bad(v, &format!("an array of length {n}"), at);
        self.line(format!(
            "if (!Array.isArray({v}) || {v}.length !== {n}) {b};"
        ));
    }

    fn lower_flags(&mut self, names: &[String], v: &str, at: &str) -> Vec<String> {
        if self.style.bigint_flags() {
            return self.lower_bigint_flags(names, v, at);
        }
        self.check_object(v, "flags object", at);
        let mut words = Vec::new();
        for chunk in names.chunks(32) {
            let t = self.tmp("fl");
            let mut expr = String::from("0");
            for (i, n) in chunk.iter().enumerate() {
                write!(expr, " | ({v}.{} ? {} : 0)", lower_camel(n), 1u64 << i).unwrap();
            }
            self.line(format!("const {t} = {expr};"));
            words.push(t);
        }
        words
    }

    fn lower_enum(&mut self, names: &[String], v: &str, at: &str) -> String {
        let d = self.tmp("d");
        self.line(format!("let {d};"));
        self.line(format!("switch ({v}) {{"));
        for (i, n) in names.iter().enumerate() {
            let value = self.style.enum_value(n);
            self.line(format!("  case {}: {d} = {i}; break;", js_str(&value)));
        }
        let b = self.bad(
            v,
            &format!(
                "one of {}",
                names
                    .iter()
                    .map(|n| format!("'{}'", self.style.enum_value(n)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            at,
        );
        self.line(format!("  default: {b};"));
        self.line("}");
        d
    }

    /// Per case, in case order: the JS test that `v` is that case, and the
    /// expression of its payload (if the case has one).
    fn variant_shape(&self, ty: &ValType, v: &str) -> Vec<(String, Option<String>)> {
        match ty {
            ValType::Option(inner) => {
                if is_option(inner) {
                    vec![
                        (format!("{v}.tag === 'none'"), None),
                        (format!("{v}.tag === 'some'"), Some(format!("{v}.val"))),
                    ]
                } else {
                    vec![
                        (format!("{v} === undefined || {v} === null"), None),
                        ("true".into(), Some(v.to_string())),
                    ]
                }
            }
            ValType::Result(ok, err) => vec![
                (
                    format!("{v}.tag === 'ok'"),
                    ok.as_ref().map(|_| format!("{v}.val")),
                ),
                (
                    format!("{v}.tag === 'err'"),
                    err.as_ref().map(|_| format!("{v}.val")),
                ),
            ],
            ValType::Variant(cases) => cases
                .iter()
                .map(|(n, t)| {
                    (
                        format!("{v}.tag === {}", js_str(n)),
                        t.as_ref().map(|_| format!("{v}.val")),
                    )
                })
                .collect(),
            _ => unreachable!(),
        }
    }

    fn variant_desc(ty: &ValType) -> String {
        match ty {
            ValType::Option(_) => "option ({tag: 'none'} or {tag: 'some', val})".into(),
            ValType::Result(..) => "result ({tag: 'ok', val} or {tag: 'err', val})".into(),
            ValType::Variant(cases) => format!(
                "variant with tag {}",
                cases
                    .iter()
                    .map(|(n, _)| format!("'{n}'"))
                    .collect::<Vec<_>>()
                    .join(" | ")
            ),
            _ => String::new(),
        }
    }

    fn lower_flat_variant(&mut self, ty: &ValType, v: &str, at: &str, out: &mut Vec<String>) {
        let cases = abi::variant_cases(ty).unwrap();
        let joined = abi::variant_payload_flat(&cases);
        let d = self.tmp("d");
        let slots: Vec<String> = joined.iter().map(|_| self.tmp("p")).collect();
        let mut decl = format!("let {d} = 0");
        for (s, t) in slots.iter().zip(&joined) {
            write!(decl, ", {s} = {}", zero(*t)).unwrap();
        }
        self.line(format!("{decl};"));
        let needs_object = !matches!(ty, ValType::Option(inner) if !is_option(inner));
        if needs_object {
            self.check_object(v, &Self::variant_desc(ty), at);
        }
        let shape = self.variant_shape(ty, v);
        for (i, ((test, payload), case_ty)) in shape.iter().zip(&cases).enumerate() {
            let kw = if i == 0 { "if" } else { "} else if" };
            self.line(format!("{kw} ({test}) {{"));
            self.indent += 1;
            self.line(format!("{d} = {i};"));
            if let (Some(p), Some(t)) = (payload, case_ty) {
                let pv = self.tmp("v");
                self.line(format!("const {pv} = {p};"));
                let mut flat = Vec::new();
                let case_at = format!("{at}.val");
                self.lower_flat(t, &pv, &case_at, &mut flat);
                let have = abi::flat_of(t);
                for ((val, h), (slot, want)) in
                    flat.iter().zip(&have).zip(slots.iter().zip(&joined))
                {
                    let coerced = self.coerce_to_slot(val, *h, *want);
                    self.line(format!("{slot} = {coerced};"));
                }
            }
            self.indent -= 1;
        }
        let b = self.bad(v, &Self::variant_desc(ty), at);
        self.line(format!("}} else {{ {b}; }}"));
        out.push(d);
        out.extend(slots);
    }

    fn coerce_to_slot(&mut self, val: &str, have: CoreTy, want: CoreTy) -> String {
        use CoreTy::*;
        match (have, want) {
            (a, b) if a == b => val.to_string(),
            (F32, I32) => {
                self.intr.use_("bitcast");
                format!("f32ToI32({val})")
            }
            (I32, I64) => format!("BigInt({val} >>> 0)"),
            (F32, I64) => {
                self.intr.use_("bitcast");
                format!("BigInt(f32ToI32({val}) >>> 0)")
            }
            (F64, I64) => {
                self.intr.use_("bitcast");
                format!("f64ToI64({val})")
            }
            _ => unreachable!("invalid flat join {have:?} -> {want:?}"),
        }
    }

    pub(super) fn lower_string(&mut self, v: &str, at: &str) -> (String, String) {
        if self.adapter {
            self.intr.use_("transcode");
            let (m, r) = (self.mem(), self.realloc());
            let (p, l) = (self.tmp("sp"), self.tmp("sl"));
            let dst = encoding_id(self.encoding);
            self.line(format!(
                "const {p} = storeString({v}, {m}, {r}, {dst}), {l} = transcodedLen;"
            ));
            self.invalidate_view();
            return (p, l);
        }
        let b = self.bad(v, "string", at);
        self.line(format!("if (typeof {v} !== 'string') {b};"));
        let (m, r) = (self.mem(), self.realloc());
        let (p, l) = (self.tmp("sp"), self.tmp("sl"));
        match self.encoding {
            StringEncoding::Utf8 => {
                self.intr.use_("utf8");
                self.line(format!(
                    "const {p} = utf8Encode({v}, {m}, {r}), {l} = utf8EncodedLen;"
                ));
            }
            StringEncoding::Utf16 => {
                self.intr.use_("utf16");
                self.line(format!(
                    "const {p} = utf16Encode({v}, {m}, {r}), {l} = {v}.length;"
                ));
            }
            StringEncoding::Latin1Utf16 => {
                self.intr.use_("latin1");
                self.line(format!(
                    "const {p} = latin1Encode({v}, {m}, {r}), {l} = latin1EncodedLen;"
                ));
            }
        }
        self.invalidate_view();
        (p, l)
    }

    /// Allocates `size` bytes aligned to `align` via realloc; returns the pointer variable.
    fn alloc(&mut self, align: u32, size: &str, what: &str) -> String {
        self.intr.use_("memory");
        let (m, r) = (self.mem(), self.realloc());
        let p = self.tmp("a");
        self.line(format!(
            "const {p} = alloc({m}, {r}, {align}, {size}, {});",
            js_str(what)
        ));
        self.invalidate_view();
        p
    }

    fn lower_list(&mut self, elem: &ValType, v: &str, at: &str) -> (String, String) {
        let size = abi::size(elem);
        let align = abi::alignment(elem);
        let n = self.tmp("n");
        let ptr;
        if let Some(ta) = typed_array(elem) {
            let b = self.bad(v, &format!("{ta} or array of numbers"), at);
            self.line(format!(
                "if (!({v} instanceof {ta}) && !Array.isArray({v})) {b};"
            ));
            self.line(format!("const {n} = {v}.length;"));
            ptr = self.alloc(align, &format!("{n} * {size}"), at);
            let m = self.mem();
            self.line(format!("if ({v} instanceof {ta}) {{"));
            if ta == "Uint8Array" {
                // One memcpy, no intermediate view.
                self.line(format!("  {m}.u8.set({v}, {ptr});"));
            } else {
                self.line(format!(
                    "  {m}.u8.set(new Uint8Array({v}.buffer, {v}.byteOffset, {n} * {size}), {ptr});"
                ));
            }
            self.line("} else {");
            self.indent += 1;
            self.view_valid = false;
            self.lower_list_loop(elem, v, &n, &ptr, at);
            self.indent -= 1;
            self.line("}");
        } else {
            let b = self.bad(v, "array", at);
            self.line(format!("if (!Array.isArray({v})) {b};"));
            self.line(format!("const {n} = {v}.length;"));
            ptr = self.alloc(align, &format!("{n} * {size}"), at);
            self.lower_list_loop(elem, v, &n, &ptr, at);
        }
        self.view_valid = false;
        (ptr, n)
    }

    /// `map<K, V>` is `list<tuple<K, V>>` in memory; JS passes a `Map` or an
    /// array of `[key, value]` entries.
    fn lower_map(&mut self, k: &ValType, val: &ValType, v: &str, at: &str) -> (String, String) {
        let entries = self.tmp("m");
        self.line(format!(
            "const {entries} = {v} instanceof Map ? Array.from({v}) : {v};"
        ));
        let tuple = ValType::Tuple(vec![k.clone(), val.clone()]);
        self.lower_list(&tuple, &entries, at)
    }

    /// Lifts a map as a JS `Map`, or (between components, where every entry
    /// must survive, duplicates included) as an array of `[key, value]` entries.
    fn lift_map(&mut self, k: &ValType, val: &ValType, p: &str, l: &str) -> String {
        let tuple = ValType::Tuple(vec![k.clone(), val.clone()]);
        let entries = self.lift_list(&tuple, p, l);
        if self.adapter {
            entries
        } else {
            self.bind(&format!("new Map({entries})"))
        }
    }

    pub(super) fn lower_list_loop(
        &mut self,
        elem: &ValType,
        v: &str,
        n: &str,
        ptr: &str,
        at: &str,
    ) {
        let size = abi::size(elem);
        let i = self.tmp("i");
        self.line(format!("for (let {i} = 0; {i} < {n}; {i}++) {{"));
        self.indent += 1;
        self.view_valid = false;
        let e = self.tmp("e");
        self.line(format!("const {e} = {v}[{i}];"));
        self.store(
            elem,
            &e,
            &format!("{ptr} + {i} * {size}"),
            &format!("{at}[]"),
        );
        self.indent -= 1;
        self.line("}");
        self.view_valid = false;
    }

    /// Validates `v` and writes it to memory at address expression `addr`.
    pub fn store(&mut self, ty: &ValType, v: &str, addr: &str, at: &str) {
        match ty {
            ValType::Bool | ValType::S8 | ValType::U8 => {
                let mut flat = Vec::new();
                self.lower_flat(ty, v, at, &mut flat);
                let dv = self.dv();
                self.line(format!("{dv}.setUint8({addr}, {});", flat[0]));
            }
            ValType::S16 | ValType::U16 => {
                self.check_int(ty, v, at);
                let dv = self.dv();
                self.line(format!("{dv}.setUint16({addr}, {v}, true);"));
            }
            ValType::S32 | ValType::U32 => {
                self.check_int(ty, v, at);
                let dv = self.dv();
                self.line(format!("{dv}.setUint32({addr}, {v}, true);"));
            }
            ValType::S64
            | ValType::U64
            | ValType::F32
            | ValType::F64
            | ValType::Char
            | ValType::Own(_)
            | ValType::Borrow(_)
            | ValType::Stream(_)
            | ValType::Future(_)
            | ValType::ErrorContext => {
                let mut flat = Vec::new();
                self.lower_flat(ty, v, at, &mut flat);
                let setter = match ty {
                    ValType::S64 => "setBigInt64",
                    ValType::U64 => "setBigUint64",
                    ValType::F32 => "setFloat32",
                    ValType::F64 => "setFloat64",
                    _ => "setUint32",
                };
                let dv = self.dv();
                self.line(format!("{dv}.{setter}({addr}, {}, true);", flat[0]));
            }
            ValType::String | ValType::List(_) | ValType::Map(..) => {
                let (p, l) = match ty {
                    ValType::String => self.lower_string(v, at),
                    ValType::List(e) => self.lower_list(e, v, at),
                    ValType::Map(k, val) => self.lower_map(k, val, v, at),
                    _ => unreachable!(),
                };
                let dv = self.dv();
                self.line(format!("{dv}.setUint32({addr}, {p}, true);"));
                self.line(format!("{dv}.setUint32({addr} + 4, {l}, true);"));
            }
            ValType::FixedList(elem, n) => {
                self.check_fixed_list(v, *n, at);
                let size = abi::size(elem);
                for i in 0..*n {
                    let e = self.tmp("e");
                    self.line(format!("const {e} = {v}[{i}];"));
                    self.store(
                        elem,
                        &e,
                        &format!("{addr} + {}", i * size),
                        &format!("{at}[{i}]"),
                    );
                }
            }
            ValType::Record(fields) => {
                self.check_object(v, "record", at);
                let offsets = abi::field_offsets(fields.iter().map(|(_, t)| t));
                for ((name, t), off) in fields.iter().zip(offsets) {
                    let f = self.tmp("f");
                    self.line(format!("const {f} = {v}.{};", lower_camel(name)));
                    self.store(
                        t,
                        &f,
                        &format!("{addr} + {off}"),
                        &format!("{at}.{}", lower_camel(name)),
                    );
                }
            }
            ValType::Tuple(ts) => {
                self.check_fixed_list(v, ts.len() as u32, at);
                let offsets = abi::field_offsets(ts.iter());
                for (i, (t, off)) in ts.iter().zip(offsets).enumerate() {
                    let e = self.tmp("e");
                    self.line(format!("const {e} = {v}[{i}];"));
                    self.store(t, &e, &format!("{addr} + {off}"), &format!("{at}[{i}]"));
                }
            }
            ValType::Flags(names) => {
                let words = self.lower_flags(names, v, at);
                let dv = self.dv();
                match abi::flags_size(names.len()) {
                    1 => self.line(format!("{dv}.setUint8({addr}, {});", words[0])),
                    2 => self.line(format!("{dv}.setUint16({addr}, {}, true);", words[0])),
                    _ => {
                        for (i, w) in words.iter().enumerate() {
                            self.line(format!("{dv}.setUint32({addr} + {}, {w}, true);", i * 4));
                        }
                    }
                }
            }
            ValType::Enum(names) => {
                let d = self.lower_enum(names, v, at);
                self.store_discriminant(names.len(), &d, addr);
            }
            _ => self.store_variant(ty, v, addr, at),
        }
    }

    fn store_discriminant(&mut self, n: usize, d: &str, addr: &str) {
        let dv = self.dv();
        match abi::discriminant_size(n) {
            1 => self.line(format!("{dv}.setUint8({addr}, {d});")),
            2 => self.line(format!("{dv}.setUint16({addr}, {d}, true);")),
            _ => self.line(format!("{dv}.setUint32({addr}, {d}, true);")),
        }
    }

    fn store_variant(&mut self, ty: &ValType, v: &str, addr: &str, at: &str) {
        let cases = abi::variant_cases(ty).unwrap();
        let payload_off = abi::payload_offset(&cases);
        let needs_object = !matches!(ty, ValType::Option(inner) if !is_option(inner));
        if needs_object {
            self.check_object(v, &Self::variant_desc(ty), at);
        }
        let shape = self.variant_shape(ty, v);
        let entry_valid = self.view_valid;
        for (i, ((test, payload), case_ty)) in shape.iter().zip(&cases).enumerate() {
            let kw = if i == 0 { "if" } else { "} else if" };
            self.line(format!("{kw} ({test}) {{"));
            self.indent += 1;
            self.view_valid = entry_valid;
            if let (Some(p), Some(t)) = (payload, case_ty) {
                let pv = self.tmp("v");
                self.line(format!("const {pv} = {p};"));
                self.store(
                    t,
                    &pv,
                    &format!("{addr} + {payload_off}"),
                    &format!("{at}.val"),
                );
            }
            self.store_discriminant(cases.len(), &i.to_string(), addr);
            self.indent -= 1;
        }
        let b = self.bad(v, &Self::variant_desc(ty), at);
        self.line(format!("}} else {{ {b}; }}"));
        self.view_valid = false;
    }

    // ----------------------------------------------------------------- lifting

    /// Lifts flat core values (JS expressions, consumed from `vals`) into a JS
    /// value; returns an expression (a variable when it is not trivial).
    pub fn lift_flat(&mut self, ty: &ValType, vals: &mut dyn Iterator<Item = String>) -> String {
        match ty {
            ValType::Bool => format!("({} !== 0)", vals.next().unwrap()),
            ValType::S8 => format!("({} << 24 >> 24)", vals.next().unwrap()),
            ValType::U8 => format!("({} & 0xff)", vals.next().unwrap()),
            ValType::S16 => format!("({} << 16 >> 16)", vals.next().unwrap()),
            ValType::U16 => format!("({} & 0xffff)", vals.next().unwrap()),
            ValType::S32 => format!("({} | 0)", vals.next().unwrap()),
            ValType::U32 => format!("({} >>> 0)", vals.next().unwrap()),
            ValType::S64 => format!("BigInt.asIntN(64, {})", vals.next().unwrap()),
            ValType::U64 => format!("BigInt.asUintN(64, {})", vals.next().unwrap()),
            ValType::F32 | ValType::F64 => vals.next().unwrap(),
            ValType::Char => {
                self.intr.use_("char");
                format!("liftChar({})", vals.next().unwrap())
            }
            ValType::String => {
                let (p, l) = (vals.next().unwrap(), vals.next().unwrap());
                self.lift_string(&p, &l)
            }
            ValType::List(elem) => {
                let (p, l) = (vals.next().unwrap(), vals.next().unwrap());
                self.lift_list(elem, &p, &l)
            }
            ValType::Map(k, val) => {
                let (p, l) = (vals.next().unwrap(), vals.next().unwrap());
                self.lift_map(k, val, &p, &l)
            }
            ValType::FixedList(elem, n) => {
                let items: Vec<String> = (0..*n).map(|_| self.lift_flat(elem, vals)).collect();
                self.bind(&format!("[{}]", items.join(", ")))
            }
            ValType::Record(fields) => {
                let items: Vec<String> = fields
                    .iter()
                    .map(|(n, t)| {
                        let v = self.lift_flat(t, vals);
                        format!("{}: {v}", lower_camel(n))
                    })
                    .collect();
                self.bind(&format!("{{ {} }}", items.join(", ")))
            }
            ValType::Tuple(ts) => {
                let items: Vec<String> = ts.iter().map(|t| self.lift_flat(t, vals)).collect();
                self.bind(&format!("[{}]", items.join(", ")))
            }
            ValType::Flags(names) => {
                let words: Vec<String> = (0..names.len().div_ceil(32))
                    .map(|_| vals.next().unwrap())
                    .collect();
                self.lift_flags(names, &words)
            }
            ValType::Enum(names) => {
                let d = vals.next().unwrap();
                self.lift_enum(names, &d)
            }
            ValType::Own(_) | ValType::Borrow(_) => {
                let i = vals.next().unwrap();
                self.lift_handle(ty, &i)
            }
            ValType::Stream(_) | ValType::Future(_) | ValType::ErrorContext => {
                let i = vals.next().unwrap();
                self.lift_async_value(ty, &i)
            }
            _ => {
                let cases = abi::variant_cases(ty).unwrap();
                let joined = abi::variant_payload_flat(&cases);
                let d = vals.next().unwrap();
                let slots: Vec<String> = joined.iter().map(|_| vals.next().unwrap()).collect();
                self.lift_variant_with(ty, &d, |g, i| {
                    let t = cases[i]?;
                    let have = abi::flat_of(t);
                    let coerced: Vec<String> = have
                        .iter()
                        .zip(slots.iter().zip(&joined))
                        .map(|(h, (s, w))| g.coerce_from_slot(s, *h, *w))
                        .collect();
                    Some(g.lift_flat(t, &mut coerced.into_iter()))
                })
            }
        }
    }

    /// Takes an owned handle out of (or borrows one from) this instance's table.
    fn lift_handle(&mut self, ty: &ValType, i: &str) -> String {
        self.intr.use_("resources");
        let tbl = format!("tbl{}", self.handles.inst);
        match ty {
            ValType::Own(rt) => self.bind(&format!("liftOwn({tbl}, rt{rt}, {i})")),
            ValType::Borrow(rt) => {
                let lent = self
                    .handles
                    .lent
                    .clone()
                    .expect("borrow params have a lent list");
                self.bind(&format!("liftBorrow({tbl}, rt{rt}, {i}, {lent})"))
            }
            _ => unreachable!(),
        }
    }

    /// The `st{k}` descriptor of a stream/future type.
    fn async_type(&self, ty: &ValType) -> String {
        let k = self
            .async_types
            .iter()
            .position(|t| t == ty)
            .expect("stream/future types are interned while flattening");
        format!("st{k}")
    }

    /// Lifts a stream/future end or an error context out of this instance's
    /// table: between components the shared object itself; for the host a
    /// `ReadableStream` / Promise (error contexts are the shared object either way).
    fn lift_async_value(&mut self, ty: &ValType, i: &str) -> String {
        let ai = format!("ai{}", self.handles.inst);
        if matches!(ty, ValType::ErrorContext) {
            self.intr.use_("errorContext");
            return self.bind(&format!("liftErrorContext({ai}, {i})"));
        }
        self.intr.use_("copy");
        let st = self.async_type(ty);
        let (cls, to_js) = match ty {
            ValType::Stream(_) => ("ReadableStreamEnd", "streamToJs"),
            _ => ("ReadableFutureEnd", "futureToJs"),
        };
        let shared = format!("liftEnd({ai}, {cls}, {st}, {i})");
        if self.adapter || self.shared_ends {
            self.bind(&shared)
        } else {
            self.intr.use_("host");
            self.bind(&format!("{to_js}(store, {shared})"))
        }
    }

    /// The expression lowering `v` (a stream/future/error context) to a new handle.
    fn lower_async_value(&mut self, ty: &ValType, v: &str, at: &str) -> String {
        let ai = format!("ai{}", self.handles.inst);
        if matches!(ty, ValType::ErrorContext) {
            self.intr.use_("errorContext");
            return format!("lowerErrorContext({ai}, {v})");
        }
        self.intr.use_("copy");
        let st = self.async_type(ty);
        let (cls, from_js) = match ty {
            ValType::Stream(_) => ("ReadableStreamEnd", "streamFromJs"),
            _ => ("ReadableFutureEnd", "futureFromJs"),
        };
        if self.adapter || self.shared_ends {
            format!("lowerEnd({ai}, {cls}, {v})")
        } else {
            self.intr.use_("host");
            let at = if from_js == "streamFromJs" {
                format!(", {}", js_str(at))
            } else {
                String::new()
            };
            format!("lowerEnd({ai}, {cls}, {from_js}(store, {st}, {v}{at}))")
        }
    }

    fn bind(&mut self, expr: &str) -> String {
        let t = self.tmp("r");
        self.line(format!("const {t} = {expr};"));
        t
    }

    fn coerce_from_slot(&mut self, slot: &str, have: CoreTy, want: CoreTy) -> String {
        use CoreTy::*;
        match (have, want) {
            (a, b) if a == b => slot.to_string(),
            (F32, I32) => {
                self.intr.use_("bitcast");
                format!("i32ToF32({slot})")
            }
            (I32, I64) => format!("Number(BigInt.asIntN(32, {slot}))"),
            (F32, I64) => {
                self.intr.use_("bitcast");
                format!("i32ToF32(Number(BigInt.asIntN(32, {slot})))")
            }
            (F64, I64) => {
                self.intr.use_("bitcast");
                format!("i64ToF64({slot})")
            }
            _ => unreachable!("invalid flat join {have:?} -> {want:?}"),
        }
    }

    fn lift_flags(&mut self, names: &[String], words: &[String]) -> String {
        if self.style.bigint_flags() {
            return self.lift_bigint_flags(names, words);
        }
        let fields: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                format!(
                    "{}: ({} & {}) !== 0",
                    lower_camel(n),
                    words[i / 32],
                    1u64 << (i % 32)
                )
            })
            .collect();
        self.bind(&format!("{{ {} }}", fields.join(", ")))
    }

    fn lift_enum(&mut self, names: &[String], d: &str) -> String {
        let t = self.tmp("r");
        self.intr.use_("trap");
        self.line(format!("let {t};"));
        self.line(format!("switch ({d}) {{"));
        for (i, n) in names.iter().enumerate() {
            let value = self.style.enum_value(n);
            self.line(format!("  case {i}: {t} = {}; break;", js_str(&value)));
        }
        self.line(format!(
            "  default: trap(`invalid enum discriminant ${{{d}}}`);"
        ));
        self.line("}");
        t
    }

    /// Emits a switch over discriminant `d`; `payload(gen, case)` lifts a case's payload.
    fn lift_variant_with(
        &mut self,
        ty: &ValType,
        d: &str,
        mut payload: impl FnMut(&mut Self, usize) -> Option<String>,
    ) -> String {
        let cases = abi::variant_cases(ty).unwrap();
        let r = self.tmp("r");
        self.intr.use_("trap");
        self.line(format!("let {r};"));
        self.line(format!("switch ({d}) {{"));
        let names: Vec<String> = match ty {
            ValType::Variant(cs) => cs.iter().map(|(n, _)| n.clone()).collect(),
            ValType::Option(_) => vec!["none".into(), "some".into()],
            ValType::Result(..) => vec!["ok".into(), "err".into()],
            _ => unreachable!(),
        };
        let entry_valid = self.view_valid;
        for (i, name) in names.iter().enumerate() {
            self.line(format!("  case {i}: {{"));
            self.indent += 2;
            self.view_valid = entry_valid;
            let val = if cases[i].is_some() {
                payload(self, i)
            } else {
                None
            };
            let expr = match ty {
                ValType::Option(inner) if !is_option(inner) => {
                    val.unwrap_or_else(|| "undefined".into())
                }
                // As jco: a result's case always has `val` (`undefined` without
                // a type); a variant case or option layer without payload has none.
                _ => match (val, ty) {
                    (Some(v), _) => format!("{{ tag: {}, val: {v} }}", js_str(name)),
                    (None, ValType::Result(..)) => {
                        format!("{{ tag: {}, val: undefined }}", js_str(name))
                    }
                    (None, _) => format!("{{ tag: {} }}", js_str(name)),
                },
            };
            self.line(format!("{r} = {expr};"));
            self.line("break;");
            self.indent -= 2;
            self.line("  }");
        }
        self.line(format!(
            "  default: trap(`invalid variant discriminant ${{{d}}}`);"
        ));
        self.line("}");
        self.view_valid = entry_valid;
        r
    }

    pub(super) fn lift_string(&mut self, p: &str, l: &str) -> String {
        let m = self.mem();
        let t = self.tmp("s");
        if self.adapter {
            let s = self.lift_plain_string(&m, &t, p, l);
            self.intr.use_("transcode");
            let enc = encoding_id(self.encoding);
            return self.bind(&format!("taggedString({s}, {enc}, {l})"));
        }
        self.lift_plain_string(&m, &t, p, l)
    }

    fn lift_plain_string(&mut self, m: &str, t: &str, p: &str, l: &str) -> String {
        let t = t.to_string();
        match self.encoding {
            StringEncoding::Utf8 => {
                self.intr.use_("utf8");
                self.line(format!("const {t} = utf8Decode({m}, {p}, {l});"));
            }
            StringEncoding::Utf16 => {
                self.intr.use_("utf16");
                self.line(format!("const {t} = utf16Decode({m}, {p}, {l});"));
            }
            StringEncoding::Latin1Utf16 => {
                self.intr.use_("latin1");
                self.line(format!("const {t} = latin1Decode({m}, {p}, {l});"));
            }
        }
        t
    }

    /// Traps unless [ptr, ptr + size) is in bounds and aligned.
    pub fn check_range(&mut self, ptr: &str, size: &str, align: u32, what: &str) {
        self.intr.use_("memory");
        let m = self.mem();
        self.line(format!(
            "checkRange({m}, {ptr}, {size}, {align}, {});",
            js_str(what)
        ));
        self.view_valid = false;
    }

    pub(super) fn lift_list(&mut self, elem: &ValType, p: &str, l: &str) -> String {
        let size = abi::size(elem);
        let align = abi::alignment(elem);
        let (ptr, len) = (self.tmp("lp"), self.tmp("ll"));
        self.line(format!("const {ptr} = {p} >>> 0, {len} = {l} >>> 0;"));
        self.check_range(&ptr, &format!("{len} * {size}"), align, "list");
        self.dv(); // also refreshes `mem.u8`, read below
        let m = self.mem();
        let r = self.tmp("r");
        if let Some(ta) = typed_array(elem) {
            if ta == "Uint8Array" {
                self.line(format!("const {r} = {m}.u8.slice({ptr}, {ptr} + {len});"));
            } else {
                self.line(format!(
                    "const {r} = new {ta}({m}.u8.buffer.slice({ptr}, {ptr} + {len} * {size}));"
                ));
            }
            return r;
        }
        self.line(format!("const {r} = new Array({len});"));
        let i = self.tmp("i");
        self.line(format!("for (let {i} = 0; {i} < {len}; {i}++) {{"));
        self.indent += 1;
        let e = self.load(elem, &format!("{ptr} + {i} * {size}"));
        self.line(format!("{r}[{i}] = {e};"));
        self.indent -= 1;
        self.line("}");
        r
    }

    /// Loads a value of type `ty` from address expression `addr` (already
    /// range-checked by the caller); returns a JS expression.
    pub fn load(&mut self, ty: &ValType, addr: &str) -> String {
        let getter = |g: &mut Self, f: &str, little: bool| {
            let dv = g.dv();
            if little {
                format!("{dv}.{f}({addr}, true)")
            } else {
                format!("{dv}.{f}({addr})")
            }
        };
        match ty {
            ValType::Bool => format!("({} !== 0)", getter(self, "getUint8", false)),
            ValType::S8 => getter(self, "getInt8", false),
            ValType::U8 => getter(self, "getUint8", false),
            ValType::S16 => getter(self, "getInt16", true),
            ValType::U16 => getter(self, "getUint16", true),
            ValType::S32 => getter(self, "getInt32", true),
            ValType::U32 => getter(self, "getUint32", true),
            ValType::S64 => getter(self, "getBigInt64", true),
            ValType::U64 => getter(self, "getBigUint64", true),
            ValType::F32 => getter(self, "getFloat32", true),
            ValType::F64 => getter(self, "getFloat64", true),
            ValType::Char => {
                self.intr.use_("char");
                let g = getter(self, "getUint32", true);
                self.bind(&format!("liftChar({g})"))
            }
            ValType::String | ValType::List(_) | ValType::Map(..) => {
                let p = getter(self, "getUint32", true);
                let dv = self.dv();
                let l = format!("{dv}.getUint32({addr} + 4, true)");
                let (pv, lv) = (self.tmp("p"), self.tmp("l"));
                self.line(format!("const {pv} = {p}, {lv} = {l};"));
                match ty {
                    ValType::String => self.lift_string(&pv, &lv),
                    ValType::List(e) => self.lift_list(e, &pv, &lv),
                    ValType::Map(k, val) => self.lift_map(k, val, &pv, &lv),
                    _ => unreachable!(),
                }
            }
            ValType::FixedList(elem, n) => {
                let size = abi::size(elem);
                let items: Vec<String> = (0..*n)
                    .map(|i| self.load(elem, &format!("{addr} + {}", i * size)))
                    .collect();
                self.bind(&format!("[{}]", items.join(", ")))
            }
            ValType::Record(fields) => {
                let offsets = abi::field_offsets(fields.iter().map(|(_, t)| t));
                let items: Vec<String> = fields
                    .iter()
                    .zip(offsets)
                    .map(|((n, t), off)| {
                        let v = self.load(t, &format!("{addr} + {off}"));
                        format!("{}: {v}", lower_camel(n))
                    })
                    .collect();
                self.bind(&format!("{{ {} }}", items.join(", ")))
            }
            ValType::Tuple(ts) => {
                let offsets = abi::field_offsets(ts.iter());
                let items: Vec<String> = ts
                    .iter()
                    .zip(offsets)
                    .map(|(t, off)| self.load(t, &format!("{addr} + {off}")))
                    .collect();
                self.bind(&format!("[{}]", items.join(", ")))
            }
            ValType::Flags(names) => {
                let words: Vec<String> = match abi::flags_size(names.len()) {
                    1 => vec![getter(self, "getUint8", false)],
                    2 => vec![getter(self, "getUint16", true)],
                    _ => {
                        let dv = self.dv();
                        (0..names.len().div_ceil(32))
                            .map(|i| format!("{dv}.getUint32({addr} + {}, true)", i * 4))
                            .collect()
                    }
                };
                let ws: Vec<String> = words.iter().map(|w| self.bind(w)).collect();
                self.lift_flags(names, &ws)
            }
            ValType::Enum(names) => {
                let d = self.load_discriminant(names.len(), addr);
                self.lift_enum(names, &d)
            }
            ValType::Own(_) | ValType::Borrow(_) => {
                let i = getter(self, "getUint32", true);
                let iv = self.bind(&i);
                self.lift_handle(ty, &iv)
            }
            ValType::Stream(_) | ValType::Future(_) | ValType::ErrorContext => {
                let i = getter(self, "getUint32", true);
                let iv = self.bind(&i);
                self.lift_async_value(ty, &iv)
            }
            _ => {
                let cases = abi::variant_cases(ty).unwrap();
                let off = abi::payload_offset(&cases);
                let d = self.load_discriminant(cases.len(), addr);
                let payload_addr = format!("{addr} + {off}");
                self.lift_variant_with(ty, &d, |g, i| cases[i].map(|t| g.load(t, &payload_addr)))
            }
        }
    }

    fn load_discriminant(&mut self, n: usize, addr: &str) -> String {
        let dv = self.dv();
        let g = match abi::discriminant_size(n) {
            1 => format!("{dv}.getUint8({addr})"),
            2 => format!("{dv}.getUint16({addr}, true)"),
            _ => format!("{dv}.getUint32({addr}, true)"),
        };
        self.bind(&g)
    }
}

/// The Canonical ABI string encoding as the runtime's `transcode.js` numbers it.
fn encoding_id(e: StringEncoding) -> u8 {
    match e {
        StringEncoding::Utf8 => 0,
        StringEncoding::Utf16 => 1,
        StringEncoding::Latin1Utf16 => 2,
    }
}

/// True when `t` is an `option`, which makes an enclosing option use the tagged form.
pub fn is_option(t: &ValType) -> bool {
    matches!(t, ValType::Option(_))
}

/// The typed array JS uses for a list of this element type, if any.
pub fn typed_array(elem: &ValType) -> Option<&'static str> {
    Some(match elem {
        ValType::U8 => "Uint8Array",
        ValType::S8 => "Int8Array",
        ValType::U16 => "Uint16Array",
        ValType::S16 => "Int16Array",
        ValType::U32 => "Uint32Array",
        ValType::S32 => "Int32Array",
        ValType::U64 => "BigUint64Array",
        ValType::S64 => "BigInt64Array",
        ValType::F32 => "Float32Array",
        ValType::F64 => "Float64Array",
        _ => return None,
    })
}

fn zero(t: CoreTy) -> &'static str {
    match t {
        CoreTy::I64 => "0n",
        _ => "0",
    }
}

/// A JS string literal (one quoting rule for glue and types).
pub use crate::names::quote as js_str;
