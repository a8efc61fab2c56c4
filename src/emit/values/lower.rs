//! Lowering a JS value to flat core values: validation with clear
//! `TypeError`/`RangeError`s, integer and float coercion, flags, enums,
//! variants, strings and lists into memory (through realloc), maps.

use super::super::addr;
use std::fmt::Write;

use super::{encoding_id, is_option, js_str, typed_array, zero, ValueGen};
use crate::abi;
use crate::names::lower_camel;
use crate::plan::StringEncoding;
use crate::plan::{Idx, ResourceIdx};
use crate::types::CoreTy;
use crate::types::ValType;

impl ValueGen {
    /// Validates JS value `v` and pushes its flat core values (JS expressions
    /// that are safe to evaluate once, in order) onto `out`.
    pub fn lower_flat(&mut self, ty: &ValType, v: &str, at: &str, out: &mut Vec<String>) {
        match ty {
            ValType::Bool => {
                self.check(&format!("typeof {v} !== 'boolean'"), v, "bool", at);
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
                self.check(&format!("typeof {v} !== 'number'"), v, "number", at);
                out.push(v.to_string());
            }
            ValType::Char => {
                self.intr.use_("char");
                let t = self.tmp("c");
                self.line(format!("const {t} = lowerChar({v}, {});", js_str(at)));
                out.push(t);
            }
            ValType::String | ValType::List(_) | ValType::Map(..) => {
                let (p, l) = self.lower_pair(ty, v, at);
                out.push(addr::to_core(self.addr, &p));
                let tagged = self.tagged(ty);
                out.push(addr::len_to_core(self.addr, &mut self.intr, tagged, &l));
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
                self.check_record(fields, v, at);
                for (name, t) in fields {
                    let f = self.tmp("f");
                    self.line(format!("const {f} = {v}.{};", lower_camel(name)));
                    self.lower_flat(t, &f, &format!("{at}.{}", lower_camel(name)), out);
                    debug_assert!(self.deferred_record.is_none(), "the first field took it");
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
                let tbl = self.handles.inst.table();
                let rt = ResourceIdx::new(*rt).resource_type();
                self.line(format!(
                    "const {h} = lowerOwn({tbl}, {rt}, {v}, {});",
                    js_str(at)
                ));
                out.push(h);
            }
            ValType::Borrow(rt) => {
                self.intr.use_("resources");
                let h = self.tmp("h");
                let own_impl = self.resource_impls.get(*rt).copied().flatten();
                let rt = ResourceIdx::new(*rt).resource_type();
                if own_impl == Some(self.handles.inst) {
                    self.line(format!(
                        "const {h} = {v}?.[RESOURCE]?.rt === {rt} && !{v}[RESOURCE].dead ? {v}[RESOURCE].rep : borrowRep({rt}, {v}, {});",
                        js_str(at)
                    ));
                } else {
                    let tbl = self.handles.inst.table();
                    let scope = self
                        .handles
                        .scope
                        .clone()
                        .expect("borrow params have a scope");
                    self.line(format!(
                        "const {h} = lowerBorrow({tbl}, {rt}, {v}, {scope}, {});",
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

    pub(super) fn check_int(&mut self, ty: &ValType, v: &str, at: &str) {
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
        // `norm !== v` is true for every non-number, fraction and out-of-range value.
        self.check(&format!("{norm} !== {v}"), v, desc, at);
    }

    pub(super) fn check_object(&mut self, v: &str, what: &str, at: &str) {
        let failed = format!("{v} === null || typeof {v} !== 'object'");
        self.check(&failed, v, what, at);
    }

    /// Checks that `v` can be lowered as a record: any object, functions
    /// included (a record converts like a WebIDL dictionary), never `null`,
    /// `undefined` or a primitive.
    ///
    /// Why the check is split: in a list of small records, `typeof v` on every
    /// element was the glue's largest cost over a hand-written lowering (about
    /// 5% of a relay of 16 three-field records in Chromium). So when the first
    /// field's own check settles the question, only `v == null` runs up
    /// front. Reading a field of a primitive yields `undefined` or a method
    /// (the only other values on the primitive prototypes are `length` and
    /// `description`), and the first field's check (a `bool`, an integer or a
    /// float) rejects both. The object test then runs only inside that
    /// check's failure branch, to report "expected record" for a primitive.
    pub(super) fn check_record(&mut self, fields: &[(String, ValType)], v: &str, at: &str) {
        if !first_field_rejects_primitives(fields) {
            let failed = format!("{v} === null || {}", not_object(v));
            return self.check(&failed, v, "record", at);
        }
        self.check(&format!("{v} == null"), v, "record", at);
        if !self.adapter {
            self.deferred_record = Some((v.to_string(), at.to_string()));
        }
    }

    pub(super) fn check_fixed_list(&mut self, v: &str, n: u32, at: &str) {
        let failed = format!("!Array.isArray({v}) || {v}.length !== {n}");
        self.check(&failed, v, &format!("an array of length {n}"), at);
    }

    pub(super) fn lower_flags(&mut self, names: &[String], v: &str, at: &str) -> Vec<String> {
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

    pub(super) fn lower_enum(&mut self, names: &[String], v: &str, at: &str) -> String {
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
    pub(super) fn variant_shape(&self, ty: &ValType, v: &str) -> Vec<(String, Option<String>)> {
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

    pub(super) fn variant_desc(ty: &ValType) -> String {
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

    pub(super) fn lower_flat_variant(
        &mut self,
        ty: &ValType,
        v: &str,
        at: &str,
        out: &mut Vec<String>,
    ) {
        let cases = abi::variant_cases(ty).unwrap();
        let joined = self.addr.variant_payload_flat(&cases);
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
                let have = self.addr.flat_of(t);
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

    pub(super) fn coerce_to_slot(&mut self, val: &str, have: CoreTy, want: CoreTy) -> String {
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

    pub(in crate::emit) fn lower_string(&mut self, v: &str, at: &str) -> (String, String) {
        if self.addr.is_64() {
            return self.lower_string64(v, at);
        }
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
        self.check(&format!("typeof {v} !== 'string'"), v, "string", at);
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

    /// A string into a 64-bit memory (`string64.js`: one store routine for
    /// host strings and, in adapters, `taggedString`s).
    fn lower_string64(&mut self, v: &str, at: &str) -> (String, String) {
        self.check(&format!("typeof {v} !== 'string'"), v, "string", at);
        let f = if self.adapter {
            "storeString64"
        } else {
            "lowerString64"
        };
        self.intr.use_("string64");
        let (m, r) = (self.mem(), self.realloc());
        let (p, l) = (self.tmp("sp"), self.tmp("sl"));
        let dst = encoding_id(self.encoding);
        self.line(format!(
            "const {p} = {f}({v}, {m}, {r}, {dst}), {l} = stringLen64;"
        ));
        self.invalidate_view();
        (p, l)
    }

    /// Lowers a string, list or map into memory; returns its (pointer, length)
    /// as numbers (for latin1+utf16, the length carries the 32-bit tag).
    pub(super) fn lower_pair(&mut self, ty: &ValType, v: &str, at: &str) -> (String, String) {
        if self.views {
            if let Some(pl) = self.lower_view(ty, v, at) {
                return pl;
            }
        }
        match ty {
            ValType::String => self.lower_string(v, at),
            ValType::List(e) => self.lower_list(e, v, at),
            ValType::Map(k, val) => self.lower_map(k, val, v, at),
            _ => unreachable!("not a pointer pair: {ty:?}"),
        }
    }

    /// Allocates `size` bytes aligned to `align` via realloc; returns the pointer variable.
    pub(super) fn alloc(&mut self, align: u32, size: &str, what: &str) -> String {
        let f = addr::alloc(self.addr, &mut self.intr);
        let (m, r) = (self.mem(), self.realloc());
        let p = self.tmp("a");
        self.line(format!(
            "const {p} = {f}({m}, {r}, {align}, {size}, {});",
            js_str(what)
        ));
        self.invalidate_view();
        p
    }

    pub(super) fn lower_list(&mut self, elem: &ValType, v: &str, at: &str) -> (String, String) {
        let size = self.addr.size(elem);
        let align = self.addr.alignment(elem);
        let n = self.tmp("n");
        let ptr;
        if let Some(ta) = typed_array(elem) {
            let failed = format!("!({v} instanceof {ta}) && !Array.isArray({v})");
            self.check(&failed, v, &format!("{ta} or array of numbers"), at);
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
            self.check(&format!("!Array.isArray({v})"), v, "array", at);
            self.line(format!("const {n} = {v}.length;"));
            ptr = self.alloc(align, &format!("{n} * {size}"), at);
            self.lower_list_loop(elem, v, &n, &ptr, at);
        }
        self.view_valid = false;
        (ptr, n)
    }

    /// `map<K, V>` is `list<tuple<K, V>>` in memory; JS passes a `Map` or an
    /// array of `[key, value]` entries.
    pub(super) fn lower_map(
        &mut self,
        k: &ValType,
        val: &ValType,
        v: &str,
        at: &str,
    ) -> (String, String) {
        let entries = self.tmp("m");
        self.line(format!(
            "const {entries} = {v} instanceof Map ? Array.from({v}) : {v};"
        ));
        let tuple = ValType::Tuple(vec![k.clone(), val.clone()]);
        self.lower_list(&tuple, &entries, at)
    }

    pub(in crate::emit) fn lower_list_loop(
        &mut self,
        elem: &ValType,
        v: &str,
        n: &str,
        ptr: &str,
        at: &str,
    ) {
        let size = self.addr.size(elem);
        let i = self.tmp("i");
        // Only a call into wasm (realloc) detaches the view: without one in
        // the element's lowering, the view is fetched once, before the loop.
        let calls_wasm = elem.any(&|t| {
            matches!(
                t,
                ValType::String
                    | ValType::List(_)
                    | ValType::Map(..)
                    | ValType::Own(_)
                    | ValType::Borrow(_)
                    | ValType::Future(_)
                    | ValType::Stream(_)
                    | ValType::ErrorContext
            )
        });
        if !calls_wasm {
            self.dv();
        }
        self.line(format!("for (let {i} = 0; {i} < {n}; {i}++) {{"));
        self.indent += 1;
        if calls_wasm {
            self.view_valid = false;
        }
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
}

/// True unless `v` (not `null`) is an object or a function.
pub(super) fn not_object(v: &str) -> String {
    format!("typeof {v} !== 'object' && typeof {v} !== 'function'")
}

/// Whether a record's first field is read, and checked, in a way that
/// rejects every primitive in place of the record (`check_record`): its type's
/// check refuses `undefined` and functions, and its name is not one of the
/// data properties that primitives inherit.
fn first_field_rejects_primitives(fields: &[(String, ValType)]) -> bool {
    let Some((name, t)) = fields.first() else {
        return false;
    };
    let scalar = matches!(
        t,
        ValType::Bool
            | ValType::S8
            | ValType::U8
            | ValType::S16
            | ValType::U16
            | ValType::S32
            | ValType::U32
            | ValType::F32
            | ValType::F64
    );
    scalar && !matches!(lower_camel(name).as_str(), "length" | "description")
}
