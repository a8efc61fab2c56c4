//! The address width of a linear memory: `memory32` (i32 pointers and
//! lengths) or `memory64` with the component model's 64-bit feature (`cm64`:
//! pointers and lengths are i64, strings and lists take 16 bytes in memory,
//! the latin1+utf16 tag is the top bit of 64). The Canonical ABI's layout
//! under a width is in [`crate::abi`]; the JS for pointers crossing the
//! boundary is in `emit/addr.rs`. No JS knowledge here.

use crate::types::CoreTy;

/// Pointer and length width of the memory a canonical option names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum AddrWidth {
    /// `memory32` (and no memory at all: the spec's default pointer type).
    #[default]
    W32,
    /// `memory64` (needs the `cm64` component feature).
    W64,
}

impl AddrWidth {
    /// From a validated memory type's `memory64` flag.
    pub fn of_memory64(memory64: bool) -> Self {
        if memory64 {
            AddrWidth::W64
        } else {
            AddrWidth::W32
        }
    }

    /// Bytes of one pointer or length in memory (the spec's `ptr_size`).
    pub fn ptr_size(self) -> u32 {
        match self {
            AddrWidth::W32 => 4,
            AddrWidth::W64 => 8,
        }
    }

    /// The core type of a pointer or length (the spec's `ptr_type`).
    pub fn core(self) -> CoreTy {
        match self {
            AddrWidth::W32 => CoreTy::I32,
            AddrWidth::W64 => CoreTy::I64,
        }
    }

    pub fn is_64(self) -> bool {
        self == AddrWidth::W64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_spec_ptr_type() {
        assert_eq!(AddrWidth::default(), AddrWidth::W32);
        assert_eq!(
            (AddrWidth::W32.ptr_size(), AddrWidth::W32.core()),
            (4, CoreTy::I32)
        );
        assert_eq!(
            (AddrWidth::W64.ptr_size(), AddrWidth::W64.core()),
            (8, CoreTy::I64)
        );
        assert!(AddrWidth::of_memory64(true).is_64());
    }
}
