//! Specialised JS for moving one value across the boundary: lowering a JS
//! value to flat core values or into linear memory, and lifting it back. The
//! generated code is monomorphic per type: no generic walker runs at call time.
//! The generator and its helpers live here; lowering (`lower`), storing
//! (`store`), lifting (`lift`) and loading (`load`) in the submodules.

mod lift;
mod load;
mod lower;
mod store;
mod styled;
mod views;

use super::addr;
use super::intrinsics::Intrinsics;
use crate::abi::AddrWidth;
use crate::plan::{ComponentInstanceIdx, StringEncoding};
use crate::types::CoreTy;
use crate::types::ValType;
use crate::value_style::ValueStyle;

/// Handle context of one generated function.
#[derive(Default, Clone)]
pub struct HandleCx {
    /// The component instance whose handle table is used.
    pub inst: ComponentInstanceIdx,
    /// The callee's borrow scope variable (lifted functions with borrow params).
    pub scope: Option<String>,
    /// The caller's lent-handles list variable (lowered functions with borrow params).
    pub lent: Option<String>,
}

/// Builds the body of one generated function.
pub struct ValueGen {
    pub code: String,
    /// The runtime helpers this function uses (merged into the glue's by `FnBuilder::finish`).
    pub intr: Intrinsics,
    /// JS name of the memory state object (`memoryState()`), if the options have one.
    pub mem: Option<String>,
    /// JS name of the realloc function, if any.
    pub realloc: Option<String>,
    pub encoding: StringEncoding,
    /// Which instance's handle table resources go into or come out of, and
    /// the names of the call's borrow scope / lent-handle list, if any.
    pub handles: HandleCx,
    /// Each run-time resource type's implementing instance (None: host).
    pub resource_impls: Vec<Option<ComponentInstanceIdx>>,
    /// The plan's interned `stream<T>`/`future<T>` types (their descriptors in the glue).
    pub async_types: Vec<ValType>,
    /// Generating an adapter between two components: strings travel as
    /// `taggedString`s (keeping their source encoding, so the destination's
    /// realloc sees the spec's calls) and maps as entry arrays (keeping duplicates).
    pub adapter: bool,
    /// In an adapter whose two sides both use 32-bit memories and utf8 (see
    /// `EmitCx::view_lifts`): utf8 strings and lists of plain numbers travel as
    /// views of the source memory (`views.js`) and arrive as one byte copy.
    pub views: bool,
    /// Streams and futures travel as their shared state (between components,
    /// and inside async calls whose other side may be a component); the host
    /// boundary converts them (`async_abi::to_host` / `from_host`).
    pub shared_ends: bool,
    /// Pointer and length width of `mem` (64-bit: i64 values are BigInt).
    pub addr: AddrWidth,
    /// jco's value style of flags and enums (`styled.rs`).
    pub style: ValueStyle,
    indent: usize,
    tmp: usize,
    /// Whether `dv` holds a current view of `mem` (false after any call into wasm).
    view_valid: bool,
    /// Whether the function reads `dv` at all (else it declares none).
    pub(super) uses_dv: bool,
    /// A record (value, path) whose object check waits in its first field's
    /// failure branch (`check_record`): taken by the next `check`.
    deferred_record: Option<(String, String)>,
}

impl ValueGen {
    pub fn new(mem: Option<String>, realloc: Option<String>, encoding: StringEncoding) -> Self {
        // The glue declares the memory's state with `memoryState()`.
        let mut intr = Intrinsics::default();
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
            views: false,
            shared_ends: false,
            addr: AddrWidth::W32,
            style: ValueStyle::default(),
            indent: 1,
            tmp: 0,
            view_valid: false,
            uses_dv: false,
            deferred_record: None,
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

    /// Whether `ty`'s length is a latin1+utf16 tagged length.
    fn tagged(&self, ty: &ValType) -> bool {
        matches!(ty, ValType::String) && self.encoding == StringEncoding::Latin1Utf16
    }

    /// A pointer from the core side as a number: `expr` itself for 32-bit,
    /// a bound, checked `addr64(expr)` for 64-bit.
    pub(in crate::emit) fn ptr_from_core(&mut self, expr: &str) -> String {
        if !self.addr.is_64() {
            return expr.to_string();
        }
        let e = addr::from_core(self.addr, &mut self.intr, expr);
        self.bind(&e)
    }

    /// A (pointer, length) pair of `ty` from core values: bound to numbers
    /// for 64-bit, unchanged for 32-bit.
    pub(in crate::emit) fn pair_from_core(
        &mut self,
        ty: &ValType,
        p: String,
        l: String,
    ) -> (String, String) {
        if !self.addr.is_64() {
            return (p, l);
        }
        let tagged = self.tagged(ty);
        let pe = addr::from_core(self.addr, &mut self.intr, &p);
        let le = addr::len_from_core(self.addr, &mut self.intr, tagged, &l);
        (self.bind(&pe), self.bind(&le))
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
            self.uses_dv = true;
        }
        "dv".to_string()
    }

    fn bad(&mut self, v: &str, expected: &str, at: &str) -> String {
        self.intr.use_("badValue");
        format!("badValue({v}, {}, {})", js_str(expected), js_str(at))
    }

    /// `if (<failed>) badValue(...);`: the check of a JS value about to be
    /// lowered. An adapter between components lowers only values the glue
    /// has just lifted, which have their types by construction: no check.
    /// A record whose object check was deferred (`check_record`) gets it
    /// here, inside the failure branch of its first field's check.
    fn check(&mut self, failed: &str, v: &str, expected: &str, at: &str) {
        if self.adapter {
            return;
        }
        let b = self.bad(v, expected, at);
        match self.deferred_record.take() {
            None => self.line(format!("if ({failed}) {b};")),
            Some((r, r_at)) => {
                let not_record = self.bad(&r, "record", &r_at);
                let primitive = lower::not_object(&r);
                self.line(format!(
                    "if ({failed}) {{ if ({primitive}) {not_record}; {b}; }}"
                ));
            }
        }
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
use crate::names::quote as js_str;
