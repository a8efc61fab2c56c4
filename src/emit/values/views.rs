//! Views between components (`ValueGen::views`): in a JS adapter whose two
//! sides share the string encoding utf8 and 32-bit memories, a string or a
//! list of plain numbers is lifted as a view of the source memory
//! (`utf8View` / `listView`, which make the source side's checks) and
//! lowered as one byte copy into the destination (`copyView`), as the fused
//! adapter does it in wasm. Everything else goes the ordinary way (JS values).

use super::ValueGen;
use crate::abi;
use crate::plan::StringEncoding;
use crate::types::ValType;

impl ValueGen {
    /// Whether `ty` travels as a view here.
    fn is_view(&self, ty: &ValType) -> bool {
        match ty {
            ValType::String => self.encoding == StringEncoding::Utf8,
            ValType::List(e) => abi::copies_as_bytes(e),
            _ => false,
        }
    }

    /// The view of the (pointer, length) pair of `ty`, if it travels as one.
    pub(super) fn lift_view(&mut self, ty: &ValType, p: &str, l: &str) -> Option<String> {
        if !self.is_view(ty) {
            return None;
        }
        self.intr.use_("views");
        let m = self.mem();
        let view = match ty {
            ValType::List(e) => {
                let (size, align) = (self.addr.size(e), self.addr.alignment(e));
                format!("listView({m}, {p}, {l}, {size}, {align})")
            }
            _ => format!("utf8View({m}, {p}, {l})"),
        };
        Some(self.bind(&view))
    }

    /// Copies view `v` of `ty` into fresh memory; its (pointer, length).
    pub(super) fn lower_view(
        &mut self,
        ty: &ValType,
        v: &str,
        at: &str,
    ) -> Option<(String, String)> {
        if !self.is_view(ty) {
            return None;
        }
        self.intr.use_("views");
        let (size, align) = match ty {
            ValType::List(e) => (self.addr.size(e), self.addr.alignment(e)),
            _ => (1, 1),
        };
        let (m, r) = (self.mem(), self.realloc());
        let p = self.tmp("a");
        let what = super::js_str(at);
        self.line(format!(
            "const {p} = copyView({v}, {m}, {r}, {align}, {size}, {what});"
        ));
        self.invalidate_view();
        Some((p, format!("{v}.len")))
    }
}
