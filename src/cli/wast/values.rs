//! Type-directed conversion of wast component values (`WastVal`) into the JSON
//! "JS value descriptions" that `wast_driver.mjs` turns into JS arguments or
//! compares results against.
//!
//! The conversion follows jco's JS conventions, which depend on the component
//! type and not only on the value: an empty `list<u8>` is a `Uint8Array`, a
//! `flags` value lists every flag of its type, `option<option<T>>` tags only the
//! outer option, and so on. That is why every value is converted against the
//! exported function's type taken from the validated component.
//!
//! Description format (JSON arrays, first element is the kind):
//! `["u"]` undefined, `["b", bool]`, `["n", "1.5e0"]` number (a string so NaN,
//! -0 and infinities survive JSON), `["big", "-5"]` BigInt, `["s", str]`,
//! `["a", [desc...]]` array, `["ta", "Uint8Array", ["1", ...]]` typed array,
//! `["o", [[key, desc], ...]]` plain object, `["map", [[kdesc, vdesc], ...]]` JS Map.

use serde_json::{json, Value};
use wasmparser::component_types::{ComponentDefinedType, ComponentValType};
use wasmparser::types::Types;
use wasmparser::PrimitiveValType as P;
use wast::component::WastVal;
use wast::core::{NanPattern, WastArgCore, WastRetCore};
use wast::token::{F32, F64};
use wast::{WastArg, WastRet};
use weft::names::lower_camel;

/// A float given to the encoder: exact value, or "any NaN" for NaN patterns.
#[derive(Clone, Copy)]
pub enum Float {
    Value(f64),
    AnyNan,
}

fn number(x: f64) -> Value {
    let text = if x.is_nan() {
        "NaN".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
    } else {
        // `{:e}` is the shortest representation that round-trips, and
        // JS `Number()` parses it (including "-0e0").
        format!("{x:e}")
    };
    json!(["n", text])
}

fn f32_value(bits: &F32) -> f64 {
    f32::from_bits(bits.bits) as f64
}

fn f64_value(bits: &F64) -> f64 {
    f64::from_bits(bits.bits)
}

/// Converts values of one component's types.
pub struct Encoder<'a> {
    types: &'a Types,
}

type Res = Result<Value, String>;

/// The value kinds a top-level wast argument or result can be.
pub enum Val<'v, 'a> {
    Component(&'v WastVal<'a>),
    /// `f32.const`/`f64.const` at the top level parse as core values.
    Float(Float),
}

impl<'v, 'a> Val<'v, 'a> {
    pub fn from_arg(arg: &'v WastArg<'a>) -> Result<Self, String> {
        match arg {
            WastArg::Component(v) => Ok(Val::Component(v)),
            WastArg::Core(WastArgCore::F32(f)) => Ok(Val::Float(Float::Value(f32_value(f)))),
            WastArg::Core(WastArgCore::F64(f)) => Ok(Val::Float(Float::Value(f64_value(f)))),
            WastArg::Core(other) => Err(format!("core value {other:?} is not a component value")),
            _ => Err("unknown wast argument kind".to_string()),
        }
    }

    pub fn from_ret(ret: &'v WastRet<'a>) -> Result<Self, String> {
        match ret {
            WastRet::Component(v) => Ok(Val::Component(v)),
            WastRet::Core(WastRetCore::F32(p)) => Ok(Val::Float(match p {
                NanPattern::Value(f) => Float::Value(f32_value(f)),
                _ => Float::AnyNan,
            })),
            WastRet::Core(WastRetCore::F64(p)) => Ok(Val::Float(match p {
                NanPattern::Value(f) => Float::Value(f64_value(f)),
                _ => Float::AnyNan,
            })),
            WastRet::Core(other) => Err(format!("core value {other:?} is not a component value")),
            _ => Err("unknown wast result kind".to_string()),
        }
    }
}

impl<'t> Encoder<'t> {
    pub fn new(types: &'t Types) -> Self {
        Encoder { types }
    }

    /// Whether `ty` is a `result` (jco returns its ok value and throws its error).
    pub fn is_result(&self, ty: &ComponentValType) -> bool {
        matches!(self.defined(ty), Some(ComponentDefinedType::Result { .. }))
    }

    fn defined(&self, ty: &ComponentValType) -> Option<&'t ComponentDefinedType> {
        match ty {
            ComponentValType::Primitive(_) => None,
            ComponentValType::Type(id) => Some(&self.types[*id]),
        }
    }

    /// Converts a top-level argument or expected result of type `ty`.
    pub fn encode(&self, val: &Val<'_, '_>, ty: &ComponentValType) -> Res {
        match val {
            Val::Component(v) => self.value(v, ty),
            Val::Float(f) => self.float(*f, ty),
        }
    }

    fn float(&self, f: Float, ty: &ComponentValType) -> Res {
        let prim = self.primitive(ty);
        match (prim, f) {
            (Some(P::F32) | Some(P::F64), Float::AnyNan) => Ok(number(f64::NAN)),
            (Some(P::F32) | Some(P::F64), Float::Value(x)) => Ok(number(x)),
            _ => Err(format!(
                "float value for non-float type {}",
                self.describe(ty)
            )),
        }
    }

    fn primitive(&self, ty: &ComponentValType) -> Option<P> {
        match ty {
            ComponentValType::Primitive(p) => Some(*p),
            ComponentValType::Type(_) => match self.defined(ty) {
                Some(ComponentDefinedType::Primitive(p)) => Some(*p),
                _ => None,
            },
        }
    }

    /// A short name of a type for error messages.
    fn describe(&self, ty: &ComponentValType) -> String {
        if let Some(p) = self.primitive(ty) {
            return format!("{p:?}").to_lowercase();
        }
        match self.defined(ty) {
            Some(ComponentDefinedType::Record(_)) => "record",
            Some(ComponentDefinedType::Variant(_)) => "variant",
            Some(ComponentDefinedType::List { .. }) => "list",
            Some(ComponentDefinedType::FixedLengthList { .. }) => "fixed-length list",
            Some(ComponentDefinedType::Map { .. }) => "map",
            Some(ComponentDefinedType::Tuple(_)) => "tuple",
            Some(ComponentDefinedType::Flags(_)) => "flags",
            Some(ComponentDefinedType::Enum(_)) => "enum",
            Some(ComponentDefinedType::Option { .. }) => "option",
            Some(ComponentDefinedType::Result { .. }) => "result",
            Some(ComponentDefinedType::Own(_)) => "own",
            Some(ComponentDefinedType::Borrow(_)) => "borrow",
            Some(ComponentDefinedType::Future { .. }) => "future",
            Some(ComponentDefinedType::Stream { .. }) => "stream",
            _ => "type",
        }
        .to_string()
    }

    fn mismatch(&self, val: &WastVal<'_>, ty: &ComponentValType) -> String {
        let kind = format!("{val:?}");
        let kind = kind.split('(').next().unwrap_or("value").to_lowercase();
        format!("{kind} value does not fit type {}", self.describe(ty))
    }

    fn value(&self, val: &WastVal<'_>, ty: &ComponentValType) -> Res {
        if let Some(p) = self.primitive(ty) {
            return self.prim(val, p, ty);
        }
        let Some(def) = self.defined(ty) else {
            return Err(format!("unknown type {}", self.describe(ty)));
        };
        match (val, def) {
            (WastVal::List(items), ComponentDefinedType::List { element, .. })
            | (WastVal::List(items), ComponentDefinedType::FixedLengthList { element, .. }) => {
                self.list(items, element)
            }
            (WastVal::Record(fields), ComponentDefinedType::Record(rt)) => {
                let mut out = Vec::new();
                for (name, fty) in rt.fields.iter() {
                    let Some((_, v)) = fields.iter().find(|(n, _)| *n == name.as_str()) else {
                        return Err(format!("record value lacks field `{}`", name.as_str()));
                    };
                    out.push(json!([lower_camel(name.as_str()), self.value(v, fty)?]));
                }
                if let Some((n, _)) = fields
                    .iter()
                    .find(|(n, _)| !rt.fields.keys().any(|k| k.as_str() == *n))
                {
                    return Err(format!("record type has no field `{n}`"));
                }
                Ok(json!(["o", out]))
            }
            (WastVal::Tuple(items), ComponentDefinedType::Tuple(tt)) => {
                if items.len() != tt.types.len() {
                    return Err(format!(
                        "tuple value has {} elements, type has {}",
                        items.len(),
                        tt.types.len()
                    ));
                }
                let out = items
                    .iter()
                    .zip(tt.types.iter())
                    .map(|(v, t)| self.value(v, t))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(json!(["a", out]))
            }
            (WastVal::Variant(name, payload), ComponentDefinedType::Variant(vt)) => {
                let Some(case) = vt
                    .cases
                    .iter()
                    .find(|(k, _)| k.as_str() == *name)
                    .map(|(_, c)| c)
                else {
                    return Err(format!("variant type has no case `{name}`"));
                };
                self.tagged(name, payload.as_deref(), case.ty.as_ref())
            }
            (WastVal::Enum(name), ComponentDefinedType::Enum(cases)) => {
                if !cases.iter().any(|k| k.as_str() == *name) {
                    return Err(format!("enum type has no case `{name}`"));
                }
                Ok(json!(["s", name]))
            }
            (WastVal::Flags(set), ComponentDefinedType::Flags(names)) => {
                if let Some(n) = set
                    .iter()
                    .find(|n| !names.iter().any(|k| k.as_str() == **n))
                {
                    return Err(format!("flags type has no flag `{n}`"));
                }
                let out: Vec<Value> = names
                    .iter()
                    .map(|n| json!([lower_camel(n.as_str()), ["b", set.contains(&n.as_str())]]))
                    .collect();
                Ok(json!(["o", out]))
            }
            (WastVal::Option(v), ComponentDefinedType::Option { ty: inner, .. }) => {
                let nested = matches!(
                    self.defined(inner),
                    Some(ComponentDefinedType::Option { .. })
                );
                match (v, nested) {
                    (None, false) => Ok(json!(["u"])),
                    (Some(v), false) => self.value(v, inner),
                    (None, true) => self.tagged("none", None, None),
                    (Some(v), true) => self.tagged("some", Some(v), Some(inner)),
                }
            }
            (WastVal::Result(r), ComponentDefinedType::Result { ok, err, .. }) => match r {
                Ok(v) => self.tagged("ok", v.as_deref(), ok.as_ref()),
                Err(v) => self.tagged("err", v.as_deref(), err.as_ref()),
            },
            (WastVal::Map(entries), ComponentDefinedType::Map { key, value, .. }) => {
                let out = entries
                    .iter()
                    .map(|(k, v)| Ok(json!([self.value(k, key)?, self.value(v, value)?])))
                    .collect::<Result<Vec<_>, String>>()?;
                Ok(json!(["map", out]))
            }
            _ => Err(self.mismatch(val, ty)),
        }
    }

    /// `{tag, val}` with `val` absent when the case has no payload.
    fn tagged(
        &self,
        tag: &str,
        payload: Option<&WastVal<'_>>,
        ty: Option<&ComponentValType>,
    ) -> Res {
        let mut out = vec![json!(["tag", ["s", tag]])];
        match (payload, ty) {
            (None, None) => {}
            (Some(v), Some(t)) => out.push(json!(["val", self.value(v, t)?])),
            (Some(_), None) => return Err(format!("case `{tag}` has no payload")),
            (None, Some(_)) => return Err(format!("case `{tag}` needs a payload")),
        }
        Ok(json!(["o", out]))
    }

    fn list(&self, items: &[WastVal<'_>], element: &ComponentValType) -> Res {
        let typed = match self.primitive(element) {
            Some(P::U8) => Some("Uint8Array"),
            Some(P::S8) => Some("Int8Array"),
            Some(P::U16) => Some("Uint16Array"),
            Some(P::S16) => Some("Int16Array"),
            Some(P::U32) => Some("Uint32Array"),
            Some(P::S32) => Some("Int32Array"),
            Some(P::U64) => Some("BigUint64Array"),
            Some(P::S64) => Some("BigInt64Array"),
            Some(P::F32) => Some("Float32Array"),
            Some(P::F64) => Some("Float64Array"),
            _ => None,
        };
        let out = items
            .iter()
            .map(|v| self.value(v, element))
            .collect::<Result<Vec<_>, _>>()?;
        match typed {
            // Elements of typed arrays are given as their number/BigInt text.
            Some(ctor) => {
                let texts: Vec<Value> = out.into_iter().map(|d| d[1].clone()).collect();
                Ok(json!(["ta", ctor, texts]))
            }
            None => Ok(json!(["a", out])),
        }
    }

    fn prim(&self, val: &WastVal<'_>, p: P, ty: &ComponentValType) -> Res {
        let n = |x: i128| json!(["n", x.to_string()]);
        Ok(match (val, p) {
            (WastVal::Bool(b), P::Bool) => json!(["b", b]),
            (WastVal::U8(x), P::U8) => n(*x as i128),
            (WastVal::S8(x), P::S8) => n(*x as i128),
            (WastVal::U16(x), P::U16) => n(*x as i128),
            (WastVal::S16(x), P::S16) => n(*x as i128),
            (WastVal::U32(x), P::U32) => n(*x as i128),
            (WastVal::S32(x), P::S32) => n(*x as i128),
            (WastVal::U64(x), P::U64) => json!(["big", x.to_string()]),
            (WastVal::S64(x), P::S64) => json!(["big", x.to_string()]),
            (WastVal::F32(x), P::F32) => number(f32_value(x)),
            (WastVal::F64(x), P::F64) => number(f64_value(x)),
            (WastVal::Char(c), P::Char) => json!(["s", c.to_string()]),
            (WastVal::String(s), P::String) => json!(["s", s]),
            _ => return Err(self.mismatch(val, ty)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The validated types of the first component in a runner fixture.
    fn fixture_types(fixture: &str) -> Types {
        let buf = wast::parser::ParseBuffer::new(fixture).unwrap();
        let wast = wast::parser::parse::<wast::Wast>(&buf).unwrap();
        for d in wast.directives {
            if let wast::WastDirective::Module(mut q) = d {
                let bytes = q.encode().unwrap();
                let mut v =
                    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all());
                return v.validate_all(&bytes).unwrap();
            }
        }
        panic!("no component in fixture")
    }

    /// Encodes `arg` (wast text, e.g. `u32.const 1`) for the first parameter of `func`.
    fn encode(types: &Types, func: &str, arg: &str) -> Res {
        let buf = wast::parser::ParseBuffer::new(arg).unwrap();
        let arg = wast::parser::parse::<WastArg>(&buf).unwrap();
        let Some(wasmparser::component_types::ComponentEntityType::Func(id)) =
            types.component_item_for_export(func).map(|i| &i.ty)
        else {
            panic!("no function {func}")
        };
        let ty = types[*id].params[0].1;
        Encoder::new(types).encode(&Val::from_arg(&arg)?, &ty)
    }

    const VALUES: &str = include_str!("../../../tests/conformance/runner/values.wast");
    const NAMED: &str = include_str!("../../../tests/conformance/runner/named-types.wast");

    #[test]
    fn lists_of_numbers_are_typed_arrays() {
        let t = fixture_types(VALUES);
        assert_eq!(
            encode(&t, "id-list-u8", "list.const"),
            Ok(json!(["ta", "Uint8Array", []]))
        );
        assert_eq!(
            encode(
                &t,
                "id-list-u64",
                "list.const (u64.const 1) (u64.const 18446744073709551615)"
            ),
            Ok(json!([
                "ta",
                "BigUint64Array",
                ["1", "18446744073709551615"]
            ]))
        );
        assert_eq!(
            encode(&t, "id-list-f32", "list.const (f32.const -0)"),
            Ok(json!(["ta", "Float32Array", ["-0e0"]]))
        );
        assert_eq!(
            encode(&t, "id-list-string", "list.const (str.const \"a\")"),
            Ok(json!(["a", [["s", "a"]]]))
        );
    }

    #[test]
    fn options_results_and_scalars() {
        let t = fixture_types(VALUES);
        assert_eq!(encode(&t, "id-option-u32", "option.none"), Ok(json!(["u"])));
        assert_eq!(
            encode(&t, "id-option-u32", "option.some (u32.const 7)"),
            Ok(json!(["n", "7"]))
        );
        assert_eq!(
            encode(&t, "id-option-option", "option.some (option.none)"),
            Ok(json!(["o", [["tag", ["s", "some"]], ["val", ["u"]]]]))
        );
        assert_eq!(
            encode(&t, "id-option-option", "option.none"),
            Ok(json!(["o", [["tag", ["s", "none"]]]]))
        );
        assert_eq!(
            encode(&t, "id-result", "result.err (str.const \"e\")"),
            Ok(json!(["o", [["tag", ["s", "err"]], ["val", ["s", "e"]]]]))
        );
        assert_eq!(
            encode(&t, "id-result-unit", "result.ok"),
            Ok(json!(["o", [["tag", ["s", "ok"]]]]))
        );
        // Top-level floats parse as core values; f32 is rounded to f32.
        assert_eq!(
            encode(&t, "id-f32", "f32.const 0.1"),
            Ok(json!(["n", "1.0000000149011612e-1"]))
        );
        assert_eq!(encode(&t, "id-u64", "u64.const 5"), Ok(json!(["big", "5"])));
        assert_eq!(
            encode(&t, "id-char", "char.const \"😀\""),
            Ok(json!(["s", "😀"]))
        );
        assert!(encode(&t, "id-u32", "str.const \"x\"")
            .unwrap_err()
            .contains("does not fit"));
        assert!(encode(&t, "id-u32", "i32.const 1")
            .unwrap_err()
            .contains("not a component value"));
    }

    #[test]
    fn named_types_follow_jco() {
        let t = fixture_types(NAMED);
        assert_eq!(
            encode(
                &t,
                "id-record",
                "record.const (field \"a-b\" u32.const 1) (field \"c\" u8.const 2)"
            ),
            Ok(json!(["o", [["aB", ["n", "1"]], ["c", ["n", "2"]]]]))
        );
        assert_eq!(
            encode(&t, "id-flags", "flags.const \"b-c\""),
            Ok(json!([
                "o",
                [
                    ["a", ["b", false]],
                    ["bC", ["b", true]],
                    ["d", ["b", false]]
                ]
            ]))
        );
        assert_eq!(
            encode(&t, "id-variant", "variant.const \"none-case\""),
            Ok(json!(["o", [["tag", ["s", "none-case"]]]]))
        );
        assert_eq!(
            encode(&t, "id-variant", "variant.const \"big\" (u64.const 1)"),
            Ok(json!(["o", [["tag", ["s", "big"]], ["val", ["big", "1"]]]]))
        );
        assert_eq!(
            encode(&t, "id-enum", "enum.const \"dark-green\""),
            Ok(json!(["s", "dark-green"]))
        );
        let err = |f, a| encode(&t, f, a).unwrap_err();
        assert!(
            err("id-record", "record.const (field \"c\" u8.const 2)").contains("lacks field `a-b`")
        );
        assert!(err("id-variant", "variant.const \"nope\"").contains("no case `nope`"));
        assert!(err("id-variant", "variant.const \"num\"").contains("needs a payload"));
        assert!(err("id-enum", "enum.const \"blue\"").contains("no case `blue`"));
        assert!(err("id-flags", "flags.const \"z\"").contains("no flag `z`"));
    }

    #[test]
    fn maps_are_ordered_entries() {
        let t = fixture_types(include_str!("../../../tests/conformance/runner/maps.wast"));
        assert_eq!(
            encode(
                &t,
                "id-map",
                "map.const (entry (str.const \"b\") (u32.const 2)) (entry (str.const \"a\") (u32.const 1))"
            ),
            Ok(json!(["map", [[["s", "b"], ["n", "2"]], [["s", "a"], ["n", "1"]]]]))
        );
        assert_eq!(
            encode(
                &t,
                "id-map-u8",
                "map.const (entry (u8.const 7) (list.const))"
            ),
            Ok(json!(["map", [[["n", "7"], ["ta", "Uint8Array", []]]]]))
        );
    }

    #[test]
    fn numbers_survive_json() {
        assert_eq!(number(-0.0), json!(["n", "-0e0"]));
        assert_eq!(number(f64::NAN), json!(["n", "NaN"]));
        assert_eq!(number(f64::NEG_INFINITY), json!(["n", "-Infinity"]));
        assert_eq!(number(1.5), json!(["n", "1.5e0"]));
    }
}
