//! The JS for pointers and lengths under an address width ([`AddrWidth`]).
//! 32-bit: the expressions the glue always had (numbers, `>>> 0` where a
//! helper does not already do it), so 32-bit glue is unchanged. 64-bit: i64
//! values arrive as BigInt and become numbers once, at the boundary
//! (`addr64`: pointers, exact up to 2^53; `len64`/`untag64`: lengths, below
//! 2^32 as in the 32-bit code), and go back as BigInt (`BigInt(..)`,
//! `tag64`). Between, the glue's own loads and stores serve both widths; the
//! runtime helpers that read an i32 pointer as unsigned (`>>> 0`) have 64-bit
//! counterparts chosen here at emit time ([`check_range`], [`alloc`];
//! strings: `string64.js`, chosen in `values`), so the 32-bit helpers keep
//! their code and speed. Reallocs are wrapped by [`realloc_wrappers`].

use std::fmt::Write;

use super::bindings::Names;
use super::cx::EmitCx;
use super::intrinsics::Intrinsics;
use crate::abi::AddrWidth;
use crate::plan::{ComponentInstanceIdx, CoreDef, Plan};

/// A pointer from the core side: unchanged for 32-bit, a checked, exact
/// number for 64-bit.
pub fn from_core(w: AddrWidth, intr: &mut Intrinsics, expr: &str) -> String {
    match w {
        AddrWidth::W32 => expr.to_string(),
        AddrWidth::W64 => {
            intr.use_("addr64");
            format!("addr64({expr})")
        }
    }
}

/// A length (string, list, buffer) from the core side; `tagged`:
/// latin1+utf16 (bit 63 tags UTF-16). 64-bit: a number below 2^32, as the
/// 32-bit code has it (a larger length traps: it is above the spec's limits).
pub fn len_from_core(w: AddrWidth, intr: &mut Intrinsics, tagged: bool, expr: &str) -> String {
    match w {
        AddrWidth::W32 => expr.to_string(),
        AddrWidth::W64 => {
            intr.use_("addr64");
            let f = if tagged { "untag64" } else { "len64" };
            format!("{f}({expr})")
        }
    }
}

/// `p` read as an unsigned pointer or length: `p >>> 0` for 32-bit (an i32
/// arrives signed), `p` itself for 64-bit (already a non-negative number).
pub fn unsigned(w: AddrWidth, p: &str) -> String {
    match w {
        AddrWidth::W32 => format!("{p} >>> 0"),
        AddrWidth::W64 => p.to_string(),
    }
}

/// The range check helper (`checkRange(m, ptr, size, align, what)`) for `w`.
pub fn check_range(w: AddrWidth, intr: &mut Intrinsics) -> &'static str {
    match w {
        AddrWidth::W32 => {
            intr.use_("memory");
            "checkRange"
        }
        AddrWidth::W64 => {
            intr.use_("memory64");
            "checkRange64"
        }
    }
}

/// The list check helper (`checkList(m, ptr, len, elemSize, align)`: the
/// spec's byte length limit, alignment, bounds) for `w`.
pub fn check_list(w: AddrWidth, intr: &mut Intrinsics) -> &'static str {
    match w {
        AddrWidth::W32 => {
            intr.use_("memory");
            "checkList"
        }
        AddrWidth::W64 => {
            intr.use_("memory64");
            "checkList64"
        }
    }
}

/// The checked allocation helper (`alloc(m, realloc, align, size, what)`) for `w`.
pub fn alloc(w: AddrWidth, intr: &mut Intrinsics) -> &'static str {
    match w {
        AddrWidth::W32 => {
            intr.use_("memory");
            "alloc"
        }
        AddrWidth::W64 => {
            intr.use_("memory64");
            "alloc64"
        }
    }
}

/// A pointer or length (a number) as the core side's value.
pub fn to_core(w: AddrWidth, expr: &str) -> String {
    match w {
        AddrWidth::W32 => expr.to_string(),
        AddrWidth::W64 => format!("BigInt({expr})"),
    }
}

/// A string length as the core side's value; `tagged` as in [`len_from_core`].
pub fn len_to_core(w: AddrWidth, intr: &mut Intrinsics, tagged: bool, expr: &str) -> String {
    match w {
        AddrWidth::W64 if tagged => {
            intr.use_("addr64");
            format!("tag64({expr})")
        }
        _ => to_core(w, expr),
    }
}

/// Reads the pointer-sized word at `addr + off` through DataView `dv`
/// (the raw core value: a number for 32-bit, a BigInt for 64-bit).
pub fn load_word(w: AddrWidth, dv: &str, addr: &str, off: u32) -> String {
    let at = offset(addr, off);
    match w {
        AddrWidth::W32 => format!("{dv}.getUint32({at}, true)"),
        AddrWidth::W64 => format!("{dv}.getBigUint64({at}, true)"),
    }
}

/// Writes core value `v` as the pointer-sized word at `addr + off`.
pub fn store_word(w: AddrWidth, dv: &str, addr: &str, off: u32, v: &str) -> String {
    let at = offset(addr, off);
    match w {
        AddrWidth::W32 => format!("{dv}.setUint32({at}, {v}, true);"),
        AddrWidth::W64 => format!("{dv}.setBigUint64({at}, {v}, true);"),
    }
}

fn offset(addr: &str, off: u32) -> String {
    if off == 0 {
        addr.to_string()
    } else {
        format!("{addr} + {off}")
    }
}

/// The JS name of realloc `def` as the string and list code calls it (with
/// numbers): for 64-bit, a wrapper around the core function.
pub fn realloc(
    cx: &EmitCx,
    names: &mut Names,
    inst: ComponentInstanceIdx,
    def: &CoreDef,
    w: AddrWidth,
) -> String {
    let r = names.realloc(cx, inst, def);
    match w {
        AddrWidth::W32 => r,
        AddrWidth::W64 => realloc64(&mut names.realloc64, &r),
    }
}

/// The JS name of the 64-bit realloc wrapping core realloc `inner`: it takes
/// and returns numbers, so the string and list helpers call it like a
/// 32-bit one. Registered in `wrappers` (declared by [`realloc_wrappers`]).
fn realloc64(wrappers: &mut Vec<(String, String)>, inner: &str) -> String {
    if let Some((_, w)) = wrappers.iter().find(|(i, _)| i == inner) {
        return w.clone();
    }
    let w = format!("realloc64_{}", wrappers.len());
    wrappers.push((inner.to_string(), w.clone()));
    w
}

/// Declarations of the wrappers [`realloc64`] handed out.
pub fn realloc_wrappers(intr: &mut Intrinsics, wrappers: &[(String, String)]) -> String {
    let mut s = String::new();
    for (inner, w) in wrappers {
        intr.use_("addr64");
        writeln!(
            s,
            "function {w}(a, b, c, d) {{ return addr64({inner}(BigInt(a), BigInt(b), BigInt(c), BigInt(d))); }}"
        )
        .unwrap();
    }
    s
}

/// The first line of an instance body whose component has a 64-bit memory
/// (named by canonical options, or `memory64` anywhere in a core module):
/// one clear error on an engine without memory64 (instead of the engine's
/// compile error about memory limit flags). Empty otherwise.
pub fn engine_check(plan: &Plan, memory64: bool, intr: &mut Intrinsics) -> String {
    if !plan.uses_memory64() && !memory64 {
        return String::new();
    }
    intr.use_("addr64");
    "  needsMemory64();\n".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 32-bit glue keeps its expressions and helpers; 64-bit picks the
    /// helpers that keep pointers above 2^32 exact.
    #[test]
    fn each_width_has_its_helpers() {
        let mut i = Intrinsics::default();
        assert_eq!(check_range(AddrWidth::W32, &mut i), "checkRange");
        assert_eq!(alloc(AddrWidth::W32, &mut i), "alloc");
        assert_eq!(check_list(AddrWidth::W32, &mut i), "checkList");
        assert_eq!(unsigned(AddrWidth::W32, "p"), "p >>> 0");
        assert_eq!(len_from_core(AddrWidth::W32, &mut i, true, "l"), "l");
        assert!(!i.uses("addr64") && !i.uses("memory64"));
        assert_eq!(check_range(AddrWidth::W64, &mut i), "checkRange64");
        assert_eq!(alloc(AddrWidth::W64, &mut i), "alloc64");
        assert_eq!(check_list(AddrWidth::W64, &mut i), "checkList64");
        assert_eq!(unsigned(AddrWidth::W64, "p"), "p");
        assert_eq!(from_core(AddrWidth::W64, &mut i, "p"), "addr64(p)");
        assert_eq!(
            len_from_core(AddrWidth::W64, &mut i, false, "l"),
            "len64(l)"
        );
        assert_eq!(
            len_from_core(AddrWidth::W64, &mut i, true, "l"),
            "untag64(l)"
        );
        let js = i.render("checkRange64(m, p, 1, 1, ''); len64(l);");
        assert!(js.contains("function checkRange64") && js.contains("function len64"));
    }
}
