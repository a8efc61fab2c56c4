//! Loading a JS value out of linear memory (range-checked first): lists
//! (typed arrays where they fit) and every other type by its layout.

use super::super::addr;
use super::{js_str, typed_array, ValueGen};
use crate::abi;
use crate::names::lower_camel;
use crate::types::ValType;

impl ValueGen {
    /// Traps unless [ptr, ptr + size) is in bounds and aligned.
    pub fn check_range(&mut self, ptr: &str, size: &str, align: u32, what: &str) {
        let f = addr::check_range(self.addr, &mut self.intr);
        let m = self.mem();
        self.line(format!(
            "{f}({m}, {ptr}, {size}, {align}, {});",
            js_str(what)
        ));
        self.view_valid = false;
    }

    /// Traps unless a list of `len` elements of `size` bytes at `ptr` is
    /// within the spec's byte length limit, aligned and in bounds.
    fn check_list(&mut self, ptr: &str, len: &str, size: u32, align: u32) {
        let f = addr::check_list(self.addr, &mut self.intr);
        let m = self.mem();
        self.line(format!("{f}({m}, {ptr}, {len}, {size}, {align});"));
        self.view_valid = false;
    }

    /// Lifts a list from its (pointer, length) numbers (load_list_from_range).
    pub(in crate::emit) fn lift_list(&mut self, elem: &ValType, p: &str, l: &str) -> String {
        self.lift_list_checked(elem, p, l, true)
    }

    /// Loads `l` elements of a stream buffer the guest supplies: its length
    /// was checked against the buffer's own limit when the buffer was made
    /// (`GuestBuffer`), so no list byte length limit (load_list_from_valid_range).
    pub(in crate::emit) fn load_buffer_elems(
        &mut self,
        elem: &ValType,
        p: &str,
        l: &str,
    ) -> String {
        self.lift_list_checked(elem, p, l, false)
    }

    fn lift_list_checked(&mut self, elem: &ValType, p: &str, l: &str, limited: bool) -> String {
        let size = self.addr.size(elem);
        let align = self.addr.alignment(elem);
        let (ptr, len) = (self.tmp("lp"), self.tmp("ll"));
        let (pu, lu) = (addr::unsigned(self.addr, p), addr::unsigned(self.addr, l));
        self.line(format!("const {ptr} = {pu}, {len} = {lu};"));
        if limited {
            self.check_list(&ptr, &len, size, align);
        } else {
            self.check_range(&ptr, &format!("{len} * {size}"), align, "list");
        }
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
                let (w, dv) = (self.addr, self.dv());
                let p = addr::load_word(w, &dv, addr, 0);
                let l = addr::load_word(w, &dv, addr, w.ptr_size());
                let (pv, lv) = (self.tmp("p"), self.tmp("l"));
                let tagged = self.tagged(ty);
                let (p, l) = (
                    addr::from_core(w, &mut self.intr, &p),
                    addr::len_from_core(w, &mut self.intr, tagged, &l),
                );
                self.line(format!("const {pv} = {p}, {lv} = {l};"));
                self.lift_pair(ty, &pv, &lv)
            }
            ValType::FixedList(elem, n) => {
                let size = self.addr.size(elem);
                let items: Vec<String> = (0..*n)
                    .map(|i| self.load(elem, &format!("{addr} + {}", i * size)))
                    .collect();
                self.bind(&format!("[{}]", items.join(", ")))
            }
            ValType::Record(fields) => {
                let offsets = self.addr.field_offsets(fields.iter().map(|(_, t)| t));
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
                let offsets = self.addr.field_offsets(ts.iter());
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
                let off = self.addr.payload_offset(&cases);
                let d = self.load_discriminant(cases.len(), addr);
                let payload_addr = format!("{addr} + {off}");
                self.lift_variant_with(ty, &d, |g, i| cases[i].map(|t| g.load(t, &payload_addr)))
            }
        }
    }

    pub(super) fn load_discriminant(&mut self, n: usize, addr: &str) -> String {
        let dv = self.dv();
        let g = match abi::discriminant_size(n) {
            1 => format!("{dv}.getUint8({addr})"),
            2 => format!("{dv}.getUint16({addr}, true)"),
            _ => format!("{dv}.getUint32({addr}, true)"),
        };
        self.bind(&g)
    }
}
