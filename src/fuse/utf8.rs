//! The UTF-8 validator of a fused adapter: `(ptr, len)` in one memory, traps
//! (`unreachable`) on any ill-formed sequence (overlong forms, surrogates, code
//! points above U+10FFFF, truncated sequences), as the Canonical ABI's string
//! decoding does. ASCII runs are checked eight bytes at a time.

use wasm_encoder::{BlockType, Function, Instruction as I, MemArg, MemArgTarget, ValType as W};

const PTR: u32 = 0;
const LEN: u32 = 1;
const IDX: u32 = 2;
const END: u32 = 3;
const B: u32 = 4;
const C: u32 = 5;

/// The validator for memory `mem`: type `(i32, i32) -> ()`.
pub fn validator(mem: u32) -> Function {
    let mut f = Function::new([(4, W::I32)]);
    let m8 = MemArg {
        offset: 0,
        align: 0,
        target: MemArgTarget::Memory(mem),
        ordering: None,
    };
    let m64 = MemArg {
        offset: 0,
        align: 0,
        target: MemArgTarget::Memory(mem),
        ordering: None,
    };
    let trap_if = |f: &mut Function| {
        f.instruction(&I::If(BlockType::Empty));
        f.instruction(&I::Unreachable);
        f.instruction(&I::End);
    };
    // A continuation byte at IDX + k: 10xxxxxx.
    let cont = |f: &mut Function, k: u64| {
        f.instruction(&I::LocalGet(IDX));
        f.instruction(&I::I32Load8U(MemArg { offset: k, ..m8 }));
        f.instruction(&I::I32Const(0xC0));
        f.instruction(&I::I32And);
        f.instruction(&I::I32Const(0x80));
        f.instruction(&I::I32Ne);
        trap_if(f);
    };
    // Traps unless IDX + n <= END; then loads the byte after the lead into C.
    let need = |f: &mut Function, n: i32| {
        f.instruction(&I::LocalGet(IDX));
        f.instruction(&I::I32Const(n));
        f.instruction(&I::I32Add);
        f.instruction(&I::LocalGet(END));
        f.instruction(&I::I32GtU);
        trap_if(f);
        f.instruction(&I::LocalGet(IDX));
        f.instruction(&I::I32Load8U(MemArg { offset: 1, ..m8 }));
        f.instruction(&I::LocalSet(C));
    };
    // Traps when B == lead and C compares with `bound` by `op`.
    let lead_bound = |f: &mut Function, lead: i32, bound: i32, op: I<'static>| {
        f.instruction(&I::LocalGet(B));
        f.instruction(&I::I32Const(lead));
        f.instruction(&I::I32Eq);
        f.instruction(&I::LocalGet(C));
        f.instruction(&I::I32Const(bound));
        f.instruction(&op);
        f.instruction(&I::I32And);
        trap_if(f);
    };
    // IDX += n; continue the outer loop (depth 1 from inside an `if`).
    let advance = |f: &mut Function, n: i32| {
        f.instruction(&I::LocalGet(IDX));
        f.instruction(&I::I32Const(n));
        f.instruction(&I::I32Add);
        f.instruction(&I::LocalSet(IDX));
        f.instruction(&I::Br(1));
    };
    let lead_below = |f: &mut Function, bound: i32| {
        f.instruction(&I::LocalGet(B));
        f.instruction(&I::I32Const(bound));
        f.instruction(&I::I32LtU);
    };

    f.instruction(&I::LocalGet(PTR));
    f.instruction(&I::LocalGet(LEN));
    f.instruction(&I::I32Add);
    f.instruction(&I::LocalSet(END));
    f.instruction(&I::LocalGet(PTR));
    f.instruction(&I::LocalSet(IDX));
    f.instruction(&I::Block(BlockType::Empty)); // done
    f.instruction(&I::Loop(BlockType::Empty)); // next sequence
    {
        // Eight ASCII bytes at a time.
        f.instruction(&I::Block(BlockType::Empty));
        f.instruction(&I::Loop(BlockType::Empty));
        f.instruction(&I::LocalGet(IDX));
        f.instruction(&I::I32Const(8));
        f.instruction(&I::I32Add);
        f.instruction(&I::LocalGet(END));
        f.instruction(&I::I32GtU);
        f.instruction(&I::BrIf(1));
        f.instruction(&I::LocalGet(IDX));
        f.instruction(&I::I64Load(m64));
        f.instruction(&I::I64Const(0x8080_8080_8080_8080u64 as i64));
        f.instruction(&I::I64And);
        f.instruction(&I::I64Const(0));
        f.instruction(&I::I64Ne);
        f.instruction(&I::BrIf(1));
        f.instruction(&I::LocalGet(IDX));
        f.instruction(&I::I32Const(8));
        f.instruction(&I::I32Add);
        f.instruction(&I::LocalSet(IDX));
        f.instruction(&I::Br(0));
        f.instruction(&I::End);
        f.instruction(&I::End);

        f.instruction(&I::LocalGet(IDX));
        f.instruction(&I::LocalGet(END));
        f.instruction(&I::I32GeU);
        f.instruction(&I::BrIf(1));
        f.instruction(&I::LocalGet(IDX));
        f.instruction(&I::I32Load8U(m8));
        f.instruction(&I::LocalSet(B));

        lead_below(&mut f, 0x80);
        f.instruction(&I::If(BlockType::Empty));
        advance(&mut f, 1);
        f.instruction(&I::End);

        lead_below(&mut f, 0xC2);
        trap_if(&mut f);

        lead_below(&mut f, 0xE0);
        f.instruction(&I::If(BlockType::Empty));
        need(&mut f, 2);
        cont(&mut f, 1);
        advance(&mut f, 2);
        f.instruction(&I::End);

        lead_below(&mut f, 0xF0);
        f.instruction(&I::If(BlockType::Empty));
        need(&mut f, 3);
        cont(&mut f, 1);
        lead_bound(&mut f, 0xE0, 0xA0, I::I32LtU); // overlong
        lead_bound(&mut f, 0xED, 0xA0, I::I32GeU); // surrogate
        cont(&mut f, 2);
        advance(&mut f, 3);
        f.instruction(&I::End);

        lead_below(&mut f, 0xF5);
        f.instruction(&I::If(BlockType::Empty));
        need(&mut f, 4);
        cont(&mut f, 1);
        lead_bound(&mut f, 0xF0, 0x90, I::I32LtU); // overlong
        lead_bound(&mut f, 0xF4, 0x90, I::I32GeU); // above U+10FFFF
        cont(&mut f, 2);
        cont(&mut f, 3);
        advance(&mut f, 4);
        f.instruction(&I::End);

        f.instruction(&I::Unreachable);
    }
    f.instruction(&I::End);
    f.instruction(&I::End);
    f.instruction(&I::End);
    f
}
