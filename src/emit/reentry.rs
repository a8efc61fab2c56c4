//! What can be decided statically about entering a component instance from
//! the host. The `may_enter` flags exist to catch JS that calls into an
//! instance while a call of it is in progress. JS runs inside a call only
//! through the component's imports (host functions, host resources' drops,
//! the async ABI's built-ins) or, from the host side, while a call lowers its
//! arguments (getters, `valueOf`, proxies). When neither can happen
//! in the middle of a call, a host-facing call only checks its instances'
//! flags (see [`super::entry::EntryGuard::light`]).

use crate::addr::AddrWidth;
use crate::plan::{Callee, Plan};
use crate::types::{FuncType, ValType};

/// Whether host code (JS) can run while core code of the component runs:
/// a host function is lowered into it, it uses a host resource (dropping one
/// releases the host's object) or the async ABI's built-ins.
pub fn host_code_inside(plan: &Plan) -> bool {
    plan.lowered
        .iter()
        .any(|l| matches!(l.callee, Callee::Host { .. }))
        || plan.resources.iter().any(|r| r.impl_instance.is_none())
        || !plan.builtins.is_empty()
}

/// Whether lowering the arguments of `ty` leaves the instance untouched: the
/// parameters are passed flat (nothing written to memory, no `realloc`) and
/// hold no handle that moves between tables (`own`, a `borrow` the callee does
/// not implement, streams, futures, error contexts). JS that runs while such a
/// lowering reads its arguments (getters, `valueOf`) can only make a whole
/// call of its own before this one enters.
pub fn lowering_leaves_instance_untouched(w: AddrWidth, ty: &FuncType, borrow_scope: bool) -> bool {
    !borrow_scope
        && !w.flat_sig(ty).params_spilled
        && ty.params.iter().all(|(_, t)| !t.any(&touches_instance))
}

/// A type whose lowering writes memory or a handle table.
fn touches_instance(t: &ValType) -> bool {
    matches!(
        t,
        ValType::String
            | ValType::List(_)
            | ValType::FixedList(..)
            | ValType::Map(..)
            | ValType::Own(_)
            | ValType::Future(_)
            | ValType::Stream(_)
            | ValType::ErrorContext
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn func(params: Vec<ValType>) -> FuncType {
        FuncType {
            params: (params.into_iter().enumerate())
                .map(|(i, t)| (format!("p{i}"), t))
                .collect(),
            result: Some(ValType::String),
            is_async: false,
        }
    }

    fn untouched(params: Vec<ValType>) -> bool {
        lowering_leaves_instance_untouched(AddrWidth::W32, &func(params), false)
    }

    #[test]
    fn flat_scalars_and_implemented_borrows_leave_the_instance_untouched() {
        assert!(untouched(vec![]));
        assert!(untouched(vec![ValType::S32, ValType::F64, ValType::Char]));
        assert!(untouched(vec![
            ValType::Enum(vec!["a".into()]),
            ValType::Borrow(0),
            ValType::Record(vec![("x".into(), ValType::U64)]),
            ValType::Option(Box::new(ValType::Flags(vec!["f".into()]))),
        ]));
        // A borrow the callee does not implement goes into its table (scope).
        assert!(!lowering_leaves_instance_untouched(
            AddrWidth::W32,
            &func(vec![ValType::Borrow(0)]),
            true
        ));
    }

    #[test]
    fn memory_handles_and_spilled_params_touch_it() {
        assert!(!untouched(vec![ValType::String]));
        assert!(!untouched(vec![ValType::List(Box::new(ValType::U8))]));
        assert!(!untouched(vec![ValType::Own(0)]));
        assert!(!untouched(vec![ValType::Record(vec![(
            "s".into(),
            ValType::String
        )])]));
        assert!(!untouched(vec![ValType::Stream(None)]));
        // 17 flat params spill into memory.
        assert!(!untouched(vec![ValType::U32; 17]));
        assert!(untouched(vec![ValType::U32; 16]));
    }
}
