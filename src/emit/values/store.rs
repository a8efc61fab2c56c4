//! Storing a JS value into linear memory at an address (validated like a
//! flat lowering), including variant discriminants and payloads.

use super::super::addr;
use super::{is_option, ValueGen};
use crate::abi;
use crate::names::lower_camel;
use crate::types::ValType;

impl ValueGen {
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
                let (p, l) = self.lower_pair(ty, v, at);
                let (w, dv) = (self.addr, self.dv());
                let tagged = self.tagged(ty);
                let (p, l) = (
                    addr::to_core(w, &p),
                    addr::len_to_core(w, &mut self.intr, tagged, &l),
                );
                self.line(addr::store_word(w, &dv, addr, 0, &p));
                self.line(addr::store_word(w, &dv, addr, w.ptr_size(), &l));
            }
            ValType::FixedList(elem, n) => {
                self.check_fixed_list(v, *n, at);
                let size = self.addr.size(elem);
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
                self.check_record(fields, v, at);
                let offsets = self.addr.field_offsets(fields.iter().map(|(_, t)| t));
                for ((name, t), off) in fields.iter().zip(offsets) {
                    let f = self.tmp("f");
                    self.line(format!("const {f} = {v}.{};", lower_camel(name)));
                    self.store(
                        t,
                        &f,
                        &format!("{addr} + {off}"),
                        &format!("{at}.{}", lower_camel(name)),
                    );
                    debug_assert!(self.deferred_record.is_none(), "the first field took it");
                }
            }
            ValType::Tuple(ts) => {
                self.check_fixed_list(v, ts.len() as u32, at);
                let offsets = self.addr.field_offsets(ts.iter());
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

    pub(super) fn store_discriminant(&mut self, n: usize, d: &str, addr: &str) {
        let dv = self.dv();
        match abi::discriminant_size(n) {
            1 => self.line(format!("{dv}.setUint8({addr}, {d});")),
            2 => self.line(format!("{dv}.setUint16({addr}, {d}, true);")),
            _ => self.line(format!("{dv}.setUint32({addr}, {d}, true);")),
        }
    }

    pub(super) fn store_variant(&mut self, ty: &ValType, v: &str, addr: &str, at: &str) {
        let cases = abi::variant_cases(ty).unwrap();
        let payload_off = self.addr.payload_offset(&cases);
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
}
