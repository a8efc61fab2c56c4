//! The JS for pointers and lengths under an address width ([`AddrWidth`]).
//! 32-bit: the expressions the glue always had (numbers, `>>> 0` where a
//! helper does not already do it), so 32-bit glue is unchanged. 64-bit: i64
//! values arrive as BigInt and become numbers once, at the boundary
//! (`addr64`, `untag64`), and go back as BigInt (`BigInt(..)`, `tag64`);
//! everything between (strings, lists, range checks, reallocs wrapped by
//! [`realloc_wrappers`]) is the 32-bit code.

use std::fmt::Write;

use super::bindings::Names;
use super::cx::EmitCx;
use super::intrinsics::Intrinsics;
use crate::abi::AddrWidth;
use crate::plan::{ComponentInstanceIdx, CoreDef, Plan};

/// A pointer (or a non-string length) from the core side, as the value the
/// 32-bit code would have: unchanged for 32-bit, a checked number for 64-bit.
pub fn from_core(w: AddrWidth, intr: &mut Intrinsics, expr: &str) -> String {
    match w {
        AddrWidth::W32 => expr.to_string(),
        AddrWidth::W64 => {
            intr.use_("addr64");
            format!("addr64({expr})")
        }
    }
}

/// A string length from the core side; `tagged`: latin1+utf16 (bit 63 tags UTF-16).
pub fn len_from_core(w: AddrWidth, intr: &mut Intrinsics, tagged: bool, expr: &str) -> String {
    match w {
        AddrWidth::W64 if tagged => {
            intr.use_("addr64");
            format!("untag64({expr})")
        }
        _ => from_core(w, intr, expr),
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
