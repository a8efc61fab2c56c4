//! What every fused-adapter code generator writes with: a buffer of
//! instructions (`Emit`: the body in `body.rs`, the transcoders in
//! `transcode.rs`) and memory immediates naming one of the two memories.

use wasm_encoder::{BlockType, Instruction as I, MemArg, MemArgTarget};

/// A generator that appends the instructions of one function.
pub trait Emit {
    /// The function's instructions so far.
    fn instrs(&mut self) -> &mut Vec<I<'static>>;
    fn op(&mut self, i: I<'static>) {
        self.instrs().push(i);
    }
    fn ops<const N: usize>(&mut self, is: [I<'static>; N]) {
        self.instrs().extend(is);
    }
    /// Traps when the i32 on the stack is non-zero.
    fn trap_if(&mut self) {
        self.ops([I::If(BlockType::Empty), I::Unreachable, I::End]);
    }
    /// With an address and a byte count on the stack (both i64, so the sum
    /// cannot wrap): traps when their sum is past the end of memory `mem`.
    fn trap_if_past_end(&mut self, mem: u32) {
        self.ops([
            I::I64Add,
            I::MemorySize(mem),
            I::I64ExtendI32U,
            I::I64Const(16),
            I::I64Shl,
            I::I64GtU,
        ]);
        self.trap_if();
    }
}

/// A load or store immediate: `offset` and `align` (log2) in memory `mem`
/// (the adapter's imported memory index: caller's or callee's).
pub fn mem_arg(mem: u32, offset: impl Into<u64>, align: u32) -> MemArg {
    MemArg {
        offset: offset.into(),
        align,
        target: MemArgTarget::Memory(mem),
        ordering: None,
    }
}
