//! Resource handles through a fused adapter.
//!
//! The handle tables stay in the glue (one `HandleTable` per component
//! instance), so a fused adapter moves a handle by calling a small imported
//! JS helper where the handle sits (a flat parameter or result, or a word in
//! memory inside a record, variant, list, ...): `(i32) -> i32`, the handle's
//! index in one table in, its index in the other (or the rep) out. One helper
//! per operation and resource type, imported only by the adapters that use it
//! (`js-runtime/intrinsics/resourcesFused.js`; `emit::fused` binds them to the
//! two instances' tables):
//!
//! - `own<T>` parameter ([`Op::OwnIn`]) / result ([`Op::OwnOut`]): the spec's
//!   `lift_own` out of one table (traps on a dangling, wrong-type, borrowed
//!   or lent handle) and `lower_own` into the other.
//! - `borrow<T>` parameter: `lift_borrow` checks the caller's handle;
//!   `lower_borrow` passes the rep when the callee implements `T` ([`Op::Rep`]),
//!   else adds a borrow handle to the callee's table counted on the call's
//!   borrow scope ([`Op::Borrow`]).
//! - A call with borrow handles ends with [`Op::End`] (after the result moved,
//!   before post-return: a borrow handle the callee did not drop traps) or,
//!   when it throws, [`Op::Abort`].
//!
//! **Lends.** `lift_borrow` also lends the caller's handle until the call
//! returns, so that moving or dropping it meanwhile traps. In a synchronous
//! call nothing but the call's own arguments can observe that: only the
//! caller's core code reaches its table, and it cannot run until the call
//! returns (entering it again traps; its realloc runs with `may_leave`
//! cleared, so it cannot drop a handle). So the lend is recorded ([`Op::LendRep`],
//! [`Op::LendBorrow`], ended by `End`/`Abort`) only where the same parameters
//! also move an `own` of that resource type, whose `lift_own` must then trap.
//!
//! Each table sees the same additions and removals in the same order as with
//! the JS adapter (lifts from the caller's table in parameter order, lowers
//! into the callee's; the two interleave here, but neither table sees the
//! other's), so handle indices, traps and `resource.drop` behave alike.

use std::cell::RefCell;
use std::collections::BTreeSet;

use wasm_encoder::ValType as W;

use super::{Import, Sig};
use crate::plan::{ComponentInstanceIdx, Idx, Plan, ResourceIdx};
use crate::types::{FuncType, ResourceKey, ValType};

/// One imported handle helper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Op {
    /// An `own` parameter: moved from the caller's table into the callee's.
    OwnIn(ResourceKey),
    /// An `own` result: moved from the callee's table into the caller's.
    OwnOut(ResourceKey),
    /// A `borrow` parameter of a resource the callee implements: the rep passed.
    Rep(ResourceKey),
    /// A `borrow` parameter of another resource: a borrow handle in the callee's table.
    Borrow(ResourceKey),
    /// [`Op::Rep`], the caller's handle lent for the call.
    LendRep(ResourceKey),
    /// [`Op::Borrow`], the caller's handle lent for the call.
    LendBorrow(ResourceKey),
    /// The call returned: its borrow handles must be gone; its lends end.
    End,
    /// The call threw: its lends end.
    Abort,
}

impl Op {
    /// The import's name in the adapter module.
    fn name(self) -> String {
        match self {
            Op::OwnIn(rt) => format!("own_in{rt}"),
            Op::OwnOut(rt) => format!("own_out{rt}"),
            Op::Rep(rt) => format!("rep{rt}"),
            Op::Borrow(rt) => format!("borrow{rt}"),
            Op::LendRep(rt) => format!("lend_rep{rt}"),
            Op::LendBorrow(rt) => format!("lend_borrow{rt}"),
            Op::End => "end".into(),
            Op::Abort => "abort".into(),
        }
    }

    fn sig(self) -> Sig {
        match self {
            Op::End | Op::Abort => (vec![], vec![]),
            _ => (vec![W::I32], vec![W::I32]),
        }
    }
}

/// The handle helpers one adapter imports, in import order.
#[derive(Debug, Clone, Default)]
pub struct Handles {
    caller: ComponentInstanceIdx,
    callee: ComponentInstanceIdx,
    ops: Vec<Op>,
}

impl Handles {
    /// The helpers a call of type `ty` from `caller` into `callee` needs.
    pub fn new(
        plan: &Plan,
        ty: &FuncType,
        caller: ComponentInstanceIdx,
        callee: ComponentInstanceIdx,
    ) -> Self {
        let ops = RefCell::new(BTreeSet::new());
        let implements =
            |rt: ResourceKey| plan.resources[ResourceIdx::new(rt)].impl_instance == Some(callee);
        let params = || ty.params.iter().map(|(_, t)| t);
        let moves_own = |rt| params().any(|t| t.any(&|t| *t == ValType::Own(rt)));
        for t in params() {
            t.any(&|t| {
                let op = match *t {
                    ValType::Own(rt) => Op::OwnIn(rt),
                    ValType::Borrow(rt) => match (implements(rt), moves_own(rt)) {
                        (true, false) => Op::Rep(rt),
                        (false, false) => Op::Borrow(rt),
                        (true, true) => Op::LendRep(rt),
                        (false, true) => Op::LendBorrow(rt),
                    },
                    _ => return false,
                };
                ops.borrow_mut().insert(op);
                false
            });
        }
        if let Some(t) = &ty.result {
            t.any(&|t| {
                if let ValType::Own(rt) = t {
                    ops.borrow_mut().insert(Op::OwnOut(*rt));
                }
                false
            });
        }
        let mut ops: Vec<Op> = ops.into_inner().into_iter().collect();
        let ends = |o: &Op| matches!(o, Op::Borrow(_) | Op::LendRep(_) | Op::LendBorrow(_));
        if ops.iter().any(ends) {
            ops.extend([Op::End, Op::Abort]);
        }
        Handles {
            caller,
            callee,
            ops,
        }
    }

    /// The imports, in order: name, what the glue passes, signature.
    pub fn imports(&self) -> impl Iterator<Item = (String, Import, Sig)> + '_ {
        self.ops.iter().map(|&op| {
            let imp = Import::Handle {
                op,
                caller: self.caller,
                callee: self.callee,
            };
            (op.name(), imp, op.sig())
        })
    }

    /// How many functions the adapter imports for handles.
    pub fn len(&self) -> u32 {
        self.ops.len() as u32
    }

    /// The helpers' function indices, the first being `base`.
    pub fn funcs(&self, base: u32) -> Funcs {
        Funcs {
            base,
            ops: self.ops.clone(),
        }
    }
}

/// The function indices of an adapter's handle helpers.
#[derive(Default)]
pub struct Funcs {
    base: u32,
    ops: Vec<Op>,
}

impl Funcs {
    fn index(&self, op: Op) -> Option<u32> {
        let k = self.ops.iter().position(|o| *o == op)?;
        Some(self.base + k as u32)
    }

    /// The helper moving a handle of type `t` (`down`: caller to callee).
    pub fn moves(&self, t: &ValType, down: bool) -> Option<u32> {
        match (t, down) {
            (ValType::Own(rt), true) => self.index(Op::OwnIn(*rt)),
            (ValType::Own(rt), false) => self.index(Op::OwnOut(*rt)),
            (ValType::Borrow(rt), true) => [Op::Rep, Op::Borrow, Op::LendRep, Op::LendBorrow]
                .into_iter()
                .find_map(|op| self.index(op(*rt))),
            _ => None,
        }
    }

    /// [`Op::End`] and [`Op::Abort`], when the call makes borrow handles or lends.
    pub fn end_abort(&self) -> Option<(u32, u32)> {
        Some((self.index(Op::End)?, self.index(Op::Abort)?))
    }
}
