//! The Canonical ABI as pure functions of a value type: size, alignment,
//! flattening to core types, discriminant widths and spill limits, under
//! either address width ([`AddrWidth`]: the free functions are the 32-bit
//! layout). Shared by every emitter; no JS knowledge here.

pub use crate::addr::AddrWidth;
use crate::types::{CoreTy, FuncType, ValType};

pub const MAX_FLAT_PARAMS: usize = 16;
pub const MAX_FLAT_RESULTS: usize = 1;
/// Lifting a string longer than this (in bytes) traps (load_string_from_range).
pub const MAX_STRING_BYTE_LENGTH: u32 = (1 << 28) - 1;
/// Lifting a list longer than this (in bytes) traps (load_list_from_range).
pub const MAX_LIST_BYTE_LENGTH: u32 = (1 << 28) - 1;
pub const UTF16_TAG: u32 = 1 << 31;

/// How a variant-like type is laid out: its cases' payloads, in order.
pub fn variant_cases(t: &ValType) -> Option<Vec<Option<&ValType>>> {
    Some(match t {
        ValType::Variant(cases) => cases.iter().map(|(_, t)| t.as_ref()).collect(),
        ValType::Enum(names) => names.iter().map(|_| None).collect(),
        ValType::Option(t) => vec![None, Some(&**t)],
        ValType::Result(ok, err) => vec![ok.as_deref(), err.as_deref()],
        _ => return None,
    })
}

/// Size in bytes of the discriminant of a variant with `n` cases.
pub fn discriminant_size(n: usize) -> u32 {
    if n <= 1 << 8 {
        1
    } else if n <= 1 << 16 {
        2
    } else {
        4
    }
}

/// Bytes used by a flags value with `n` flags in memory.
pub fn flags_size(n: usize) -> u32 {
    match n {
        0 => 0,
        1..=8 => 1,
        9..=16 => 2,
        _ => 4 * n.div_ceil(32) as u32,
    }
}

pub fn align_to(offset: u32, align: u32) -> u32 {
    offset.div_ceil(align) * align
}

/// The 32-bit layout (`memory32`, or no memory); see [`AddrWidth`] for 64-bit.
pub fn alignment(t: &ValType) -> u32 {
    AddrWidth::W32.alignment(t)
}

pub fn size(t: &ValType) -> u32 {
    AddrWidth::W32.size(t)
}

/// Whether any bytes are a valid value of `t` in memory: lifting it checks
/// nothing, so moving it between memories is a plain byte copy (integers and
/// floats, and records, tuples and fixed-size lists of only those).
pub fn copies_as_bytes(t: &ValType) -> bool {
    match t {
        ValType::S8
        | ValType::U8
        | ValType::S16
        | ValType::U16
        | ValType::S32
        | ValType::U32
        | ValType::S64
        | ValType::U64
        | ValType::F32
        | ValType::F64 => true,
        ValType::Record(fs) => fs.iter().all(|(_, t)| copies_as_bytes(t)),
        ValType::Tuple(ts) => ts.iter().all(copies_as_bytes),
        ValType::FixedList(t, _) => copies_as_bytes(t),
        _ => false,
    }
}

pub fn max_case_alignment(cases: &[Option<&ValType>]) -> u32 {
    AddrWidth::W32.max_case_alignment(cases)
}

pub fn field_offsets<'a>(fields: impl Iterator<Item = &'a ValType>) -> Vec<u32> {
    AddrWidth::W32.field_offsets(fields)
}

pub fn payload_offset(cases: &[Option<&ValType>]) -> u32 {
    AddrWidth::W32.payload_offset(cases)
}

pub fn flatten(t: &ValType, out: &mut Vec<CoreTy>) {
    AddrWidth::W32.flatten(t, out)
}

pub fn variant_payload_flat(cases: &[Option<&ValType>]) -> Vec<CoreTy> {
    AddrWidth::W32.variant_payload_flat(cases)
}

pub fn flat_of(t: &ValType) -> Vec<CoreTy> {
    AddrWidth::W32.flat_of(t)
}

/// The Canonical ABI's layout and flattening under one address width
/// (the spec's functions taking `ptr_type`).
impl AddrWidth {
    pub fn alignment(self, t: &ValType) -> u32 {
        match t {
            ValType::Bool | ValType::S8 | ValType::U8 => 1,
            ValType::S16 | ValType::U16 => 2,
            ValType::S32 | ValType::U32 | ValType::F32 | ValType::Char => 4,
            ValType::S64 | ValType::U64 | ValType::F64 => 8,
            ValType::String | ValType::List(_) | ValType::Map(..) => self.ptr_size(),
            ValType::ErrorContext
            | ValType::Own(_)
            | ValType::Borrow(_)
            | ValType::Future(_)
            | ValType::Stream(_) => 4,
            ValType::FixedList(t, _) => self.alignment(t),
            ValType::Record(fields) => fields
                .iter()
                .map(|(_, t)| self.alignment(t))
                .max()
                .unwrap_or(1),
            ValType::Tuple(ts) => ts.iter().map(|t| self.alignment(t)).max().unwrap_or(1),
            ValType::Flags(names) => match flags_size(names.len()) {
                0 | 1 => 1,
                2 => 2,
                _ => 4,
            },
            _ => {
                let cases = variant_cases(t).unwrap();
                let disc = discriminant_size(cases.len());
                cases
                    .iter()
                    .flatten()
                    .map(|t| self.alignment(t))
                    .fold(disc, u32::max)
            }
        }
    }

    pub fn size(self, t: &ValType) -> u32 {
        match t {
            ValType::Bool | ValType::S8 | ValType::U8 => 1,
            ValType::S16 | ValType::U16 => 2,
            ValType::S32 | ValType::U32 | ValType::F32 | ValType::Char => 4,
            ValType::S64 | ValType::U64 | ValType::F64 => 8,
            ValType::String | ValType::List(_) | ValType::Map(..) => 2 * self.ptr_size(),
            ValType::ErrorContext
            | ValType::Own(_)
            | ValType::Borrow(_)
            | ValType::Future(_)
            | ValType::Stream(_) => 4,
            ValType::FixedList(t, n) => self.size(t) * n,
            ValType::Record(fields) => self.fields_size(fields.iter().map(|(_, t)| t)),
            ValType::Tuple(ts) => self.fields_size(ts.iter()),
            ValType::Flags(names) => flags_size(names.len()),
            _ => {
                let cases = variant_cases(t).unwrap();
                let mut s = discriminant_size(cases.len());
                s = align_to(s, self.max_case_alignment(&cases));
                let cs = cases
                    .iter()
                    .flatten()
                    .map(|t| self.size(t))
                    .max()
                    .unwrap_or(0);
                align_to(s + cs, self.alignment(t))
            }
        }
    }

    pub fn max_case_alignment(self, cases: &[Option<&ValType>]) -> u32 {
        cases
            .iter()
            .flatten()
            .map(|t| self.alignment(t))
            .max()
            .unwrap_or(1)
    }

    /// Byte offset of each field of a record/tuple with these field types.
    pub fn field_offsets<'a>(self, fields: impl Iterator<Item = &'a ValType>) -> Vec<u32> {
        let mut s = 0;
        fields
            .map(|t| {
                s = align_to(s, self.alignment(t));
                let off = s;
                s += self.size(t);
                off
            })
            .collect()
    }

    /// Offset of the payload of a variant with these cases.
    pub fn payload_offset(self, cases: &[Option<&ValType>]) -> u32 {
        align_to(
            discriminant_size(cases.len()),
            self.max_case_alignment(cases),
        )
    }

    fn fields_size<'a>(self, fields: impl Iterator<Item = &'a ValType> + Clone) -> u32 {
        let mut s = 0;
        let mut align = 1;
        for t in fields {
            s = align_to(s, self.alignment(t));
            s += self.size(t);
            align = align.max(self.alignment(t));
        }
        align_to(s, align)
    }

    /// The flat core types of a value.
    pub fn flatten(self, t: &ValType, out: &mut Vec<CoreTy>) {
        match t {
            ValType::Bool
            | ValType::S8
            | ValType::U8
            | ValType::S16
            | ValType::U16
            | ValType::S32
            | ValType::U32
            | ValType::Char => out.push(CoreTy::I32),
            ValType::S64 | ValType::U64 => out.push(CoreTy::I64),
            ValType::F32 => out.push(CoreTy::F32),
            ValType::F64 => out.push(CoreTy::F64),
            ValType::String | ValType::List(_) | ValType::Map(..) => {
                out.extend([self.core(), self.core()])
            }
            ValType::ErrorContext
            | ValType::Own(_)
            | ValType::Borrow(_)
            | ValType::Future(_)
            | ValType::Stream(_) => out.push(CoreTy::I32),
            ValType::FixedList(t, n) => {
                for _ in 0..*n {
                    self.flatten(t, out);
                }
            }
            ValType::Record(fields) => fields.iter().for_each(|(_, t)| self.flatten(t, out)),
            ValType::Tuple(ts) => ts.iter().for_each(|t| self.flatten(t, out)),
            ValType::Flags(names) => {
                out.extend(std::iter::repeat_n(CoreTy::I32, names.len().div_ceil(32)))
            }
            _ => {
                let cases = variant_cases(t).unwrap();
                out.push(CoreTy::I32);
                out.extend(self.variant_payload_flat(&cases));
            }
        }
    }

    /// The joined flat payload types of a variant's cases.
    pub fn variant_payload_flat(self, cases: &[Option<&ValType>]) -> Vec<CoreTy> {
        let mut joined: Vec<CoreTy> = Vec::new();
        for case in cases.iter().flatten() {
            let flat = self.flat_of(case);
            for (i, ft) in flat.into_iter().enumerate() {
                if i < joined.len() {
                    joined[i] = join(joined[i], ft);
                } else {
                    joined.push(ft);
                }
            }
        }
        joined
    }

    pub fn flat_of(self, t: &ValType) -> Vec<CoreTy> {
        let mut v = Vec::new();
        self.flatten(t, &mut v);
        v
    }
}

pub fn join(a: CoreTy, b: CoreTy) -> CoreTy {
    use CoreTy::*;
    match (a, b) {
        _ if a == b => a,
        (I32, F32) | (F32, I32) => I32,
        _ => I64,
    }
}

/// The core signature of a function, from the callee's side of a `canon lift`
/// (also the caller's view for `canon lower`, minus the retptr).
#[derive(Debug, Clone)]
pub struct FlatSig {
    /// Flat params; a single i32 pointer when `params_spilled`.
    pub params: Vec<CoreTy>,
    pub params_spilled: bool,
    /// Flat results (of the lifted core function).
    pub results: Vec<CoreTy>,
    pub results_spilled: bool,
}

pub fn flat_sig(f: &FuncType) -> FlatSig {
    AddrWidth::W32.flat_sig(f)
}

impl AddrWidth {
    /// [`flat_sig`] with pointers (spilled params and results) of this width.
    pub fn flat_sig(self, f: &FuncType) -> FlatSig {
        let mut params = Vec::new();
        for (_, t) in &f.params {
            self.flatten(t, &mut params);
        }
        let params_spilled = params.len() > MAX_FLAT_PARAMS;
        if params_spilled {
            params = vec![self.core()];
        }
        let mut results = Vec::new();
        if let Some(t) = &f.result {
            self.flatten(t, &mut results);
        }
        let results_spilled = results.len() > MAX_FLAT_RESULTS;
        if results_spilled {
            results = vec![self.core()];
        }
        FlatSig {
            params,
            params_spilled,
            results,
            results_spilled,
        }
    }
}

/// Params as a tuple type (for spilling to memory).
pub fn params_tuple(f: &FuncType) -> ValType {
    ValType::Tuple(f.params.iter().map(|(_, t)| t.clone()).collect())
}

/// Most flat params an `async` lower passes directly (else one pointer).
pub const MAX_FLAT_ASYNC_PARAMS: usize = 4;

impl CoreTy {
    /// The type's one-letter code in the glue's signatures (`i` i32, `I`
    /// i64, `f` f32, `d` f64), as the JSPI trampolines read them.
    pub fn code(self) -> char {
        match self {
            CoreTy::I32 => 'i',
            CoreTy::I64 => 'I',
            CoreTy::F32 => 'f',
            CoreTy::F64 => 'd',
        }
    }
}

/// The codes of `tys`, in order.
pub fn type_codes(tys: &[CoreTy]) -> String {
    tys.iter().map(|t| t.code()).collect()
}

/// The core signature of a `canon lift`ed function as type codes (params,
/// results): results flat when sync; an `async` lift returns the packed
/// code with a `callback`, nothing without (stackful).
pub fn lift_sig(w: AddrWidth, f: &FuncType, is_async: bool, callback: bool) -> (String, String) {
    let sig = w.flat_sig(f);
    let results = match (is_async, callback) {
        (false, _) => type_codes(&sig.results),
        (true, true) => "i".into(),
        (true, false) => String::new(),
    };
    (type_codes(&sig.params), results)
}

/// A synchronous `canon lower`'s core signature as type codes: flat params
/// (or one pointer), the result flat or through a trailing out-pointer.
pub fn sync_lower_sig(w: AddrWidth, f: &FuncType) -> (String, String) {
    let sig = w.flat_sig(f);
    let mut params = type_codes(&sig.params);
    if sig.results_spilled {
        params.push(w.core().code());
        (params, String::new())
    } else {
        (params, type_codes(&sig.results))
    }
}

/// The core params of a lower that makes a subtask (definitions.py:
/// `canon_lower`): flat up to 16 values (4 for an `async` lower), else one
/// pointer; the result goes to a trailing out-pointer when the lower is
/// `async` or it does not fit in one flat value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubtaskSig {
    /// Core params before the result pointer.
    pub params: usize,
    pub params_spilled: bool,
    pub result_ptr: bool,
}

pub fn subtask_sig(w: AddrWidth, f: &FuncType, is_async: bool) -> SubtaskSig {
    let mut flat = Vec::new();
    for (_, t) in &f.params {
        w.flatten(t, &mut flat);
    }
    let max = if is_async {
        MAX_FLAT_ASYNC_PARAMS
    } else {
        MAX_FLAT_PARAMS
    };
    let params_spilled = flat.len() > max;
    let result_flat = f.result.as_ref().map(|t| w.flat_of(t)).unwrap_or_default();
    SubtaskSig {
        params: if params_spilled { 1 } else { flat.len() },
        params_spilled,
        result_ptr: f.result.is_some() && (is_async || result_flat.len() > MAX_FLAT_RESULTS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(ts: &[ValType]) -> ValType {
        ValType::Record(
            ts.iter()
                .enumerate()
                .map(|(i, t)| (format!("f{i}"), t.clone()))
                .collect(),
        )
    }

    #[test]
    fn sizes_and_alignments_follow_the_spec() {
        assert_eq!(
            (size(&ValType::String), alignment(&ValType::String)),
            (8, 4)
        );
        let r = rec(&[ValType::U8, ValType::U64, ValType::U16]);
        assert_eq!((size(&r), alignment(&r)), (24, 8));
        assert_eq!(
            field_offsets([ValType::U8, ValType::U64, ValType::U16].iter()),
            vec![0, 8, 16]
        );
        let opt = ValType::Option(Box::new(ValType::U32));
        assert_eq!((size(&opt), alignment(&opt)), (8, 4));
        let res = ValType::Result(None, None);
        assert_eq!((size(&res), alignment(&res)), (1, 1));
        let e = ValType::Enum((0..300).map(|i| format!("c{i}")).collect());
        assert_eq!(size(&e), 2);
        let f = ValType::Flags((0..32).map(|i| format!("f{i}")).collect());
        assert_eq!((size(&f), flat_of(&f).len()), (4, 1));
        let f9 = ValType::Flags((0..9).map(|i| format!("f{i}")).collect());
        assert_eq!(size(&f9), 2);
        let fl = ValType::FixedList(Box::new(ValType::U16), 3);
        assert_eq!((size(&fl), alignment(&fl), flat_of(&fl).len()), (6, 2, 3));
    }

    #[test]
    fn variants_join_flat_types() {
        let v = ValType::Variant(vec![
            ("a".into(), Some(ValType::F32)),
            ("b".into(), Some(ValType::U32)),
            ("c".into(), None),
        ]);
        assert_eq!(flat_of(&v), vec![CoreTy::I32, CoreTy::I32]);
        let v = ValType::Variant(vec![
            ("a".into(), Some(ValType::F32)),
            ("b".into(), Some(ValType::F64)),
            ("c".into(), Some(ValType::String)),
        ]);
        assert_eq!(flat_of(&v), vec![CoreTy::I32, CoreTy::I64, CoreTy::I32]);
        assert_eq!(size(&v), 16);
    }

    #[test]
    fn memory64_doubles_pointer_fields() {
        let w = AddrWidth::W64;
        assert_eq!(
            (w.size(&ValType::String), w.alignment(&ValType::String)),
            (16, 8)
        );
        let r = rec(&[
            ValType::U8,
            ValType::List(Box::new(ValType::U8)),
            ValType::U16,
        ]);
        assert_eq!((w.size(&r), w.alignment(&r)), (32, 8));
        assert_eq!(
            w.field_offsets([ValType::U8, ValType::String].iter()),
            vec![0, 8]
        );
        assert_eq!(w.flat_of(&ValType::String), vec![CoreTy::I64, CoreTy::I64]);
        let v = ValType::Variant(vec![
            ("a".into(), Some(ValType::F32)),
            ("c".into(), Some(ValType::String)),
        ]);
        assert_eq!(w.flat_of(&v), vec![CoreTy::I32, CoreTy::I64, CoreTy::I64]);
        assert_eq!((w.size(&v), size(&v)), (24, 12));
        let many = FuncType {
            params: (0..17).map(|i| (format!("p{i}"), ValType::U32)).collect(),
            result: Some(ValType::String),
            is_async: false,
        };
        let sig = w.flat_sig(&many);
        assert_eq!(
            (sig.params, sig.results),
            (vec![CoreTy::I64], vec![CoreTy::I64])
        );
    }

    #[test]
    fn spilling_limits() {
        let many = FuncType {
            params: (0..17).map(|i| (format!("p{i}"), ValType::U32)).collect(),
            result: Some(ValType::Tuple(vec![ValType::U32, ValType::U32])),
            is_async: false,
        };
        let sig = flat_sig(&many);
        assert!(sig.params_spilled && sig.results_spilled);
        assert_eq!(sig.params, vec![CoreTy::I32]);
    }
}
