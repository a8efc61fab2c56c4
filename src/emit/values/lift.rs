//! Lifting flat core values back into a JS value: integers, chars, flags,
//! enums, variants, handles (own/borrow), streams/futures/error contexts,
//! strings.

use super::{encoding_id, is_option, js_str, ValueGen};
use crate::abi;
use crate::names::lower_camel;
use crate::plan::StringEncoding;
use crate::plan::{AsyncTypeIdx, Idx, ResourceIdx};
use crate::types::CoreTy;
use crate::types::ValType;

impl ValueGen {
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
            ValType::String | ValType::List(_) | ValType::Map(..) => {
                let (p, l) = (vals.next().unwrap(), vals.next().unwrap());
                let (p, l) = self.pair_from_core(ty, p, l);
                self.lift_pair(ty, &p, &l)
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
                let joined = self.addr.variant_payload_flat(&cases);
                let d = vals.next().unwrap();
                let slots: Vec<String> = joined.iter().map(|_| vals.next().unwrap()).collect();
                self.lift_variant_with(ty, &d, |g, i| {
                    let t = cases[i]?;
                    let have = g.addr.flat_of(t);
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
    pub(super) fn lift_handle(&mut self, ty: &ValType, i: &str) -> String {
        self.intr.use_("resources");
        let tbl = self.handles.inst.table();
        match ty {
            ValType::Own(rt) => {
                let rt = ResourceIdx::new(*rt).resource_type();
                self.bind(&format!("liftOwn({tbl}, {rt}, {i})"))
            }
            ValType::Borrow(rt) => {
                let rt = ResourceIdx::new(*rt).resource_type();
                let lent = self
                    .handles
                    .lent
                    .clone()
                    .expect("borrow params have a lent list");
                self.bind(&format!("liftBorrow({tbl}, {rt}, {i}, {lent})"))
            }
            _ => unreachable!(),
        }
    }

    /// The descriptor of a stream/future type.
    pub(super) fn async_type(&self, ty: &ValType) -> String {
        let k = self
            .async_types
            .iter()
            .position(|t| t == ty)
            .expect("stream/future types are interned while flattening");
        AsyncTypeIdx::new(k).descriptor()
    }

    /// Lifts a stream/future end or an error context out of this instance's
    /// table: between components the shared object itself; for the host a
    /// `ReadableStream` / Promise (error contexts are the shared object either way).
    pub(super) fn lift_async_value(&mut self, ty: &ValType, i: &str) -> String {
        let ai = self.handles.inst.async_instance();
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
    pub(super) fn lower_async_value(&mut self, ty: &ValType, v: &str, at: &str) -> String {
        let ai = self.handles.inst.async_instance();
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

    pub(super) fn bind(&mut self, expr: &str) -> String {
        let t = self.tmp("r");
        self.line(format!("const {t} = {expr};"));
        t
    }

    pub(super) fn coerce_from_slot(&mut self, slot: &str, have: CoreTy, want: CoreTy) -> String {
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

    pub(super) fn lift_flags(&mut self, names: &[String], words: &[String]) -> String {
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

    pub(super) fn lift_enum(&mut self, names: &[String], d: &str) -> String {
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
    pub(super) fn lift_variant_with(
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

    /// Lifts a string, list or map from its (pointer, length) numbers.
    pub(super) fn lift_pair(&mut self, ty: &ValType, p: &str, l: &str) -> String {
        if self.views {
            if let Some(v) = self.lift_view(ty, p, l) {
                return v;
            }
        }
        match ty {
            ValType::String => self.lift_string(p, l),
            ValType::List(e) => self.lift_list(e, p, l),
            ValType::Map(k, val) => self.lift_map(k, val, p, l),
            _ => unreachable!("not a pointer pair: {ty:?}"),
        }
    }

    pub(in crate::emit) fn lift_string(&mut self, p: &str, l: &str) -> String {
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

    pub(super) fn lift_plain_string(&mut self, m: &str, t: &str, p: &str, l: &str) -> String {
        let t = t.to_string();
        if self.addr.is_64() {
            self.intr.use_("string64");
            let enc = encoding_id(self.encoding);
            self.line(format!("const {t} = loadString64({m}, {p}, {l}, {enc});"));
            return t;
        }
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

    /// Lifts a map as a JS `Map`, or (between components, where every entry
    /// must survive, duplicates included) as an array of `[key, value]` entries.
    pub(super) fn lift_map(&mut self, k: &ValType, val: &ValType, p: &str, l: &str) -> String {
        let tuple = ValType::Tuple(vec![k.clone(), val.clone()]);
        let entries = self.lift_list(&tuple, p, l);
        if self.adapter {
            entries
        } else {
            self.bind(&format!("new Map({entries})"))
        }
    }
}
