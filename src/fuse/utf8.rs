//! The UTF-8 validator of a fused adapter: `(ptr, len)` in one memory, traps
//! (`unreachable`) on any ill-formed sequence (overlong forms, surrogates, code
//! points above U+10FFFF, truncated sequences), as the Canonical ABI's string
//! decoding does: 16 bytes at a time with SIMD table lookups, the last bytes
//! with a scalar loop (which checks ASCII runs eight bytes at a time).

use wasm_encoder::{BlockType, Function, Instruction as I, MemArg, ValType as W};

use super::code::mem_arg;

const PTR: u32 = 0;
const LEN: u32 = 1;
const IDX: u32 = 2;
const END: u32 = 3;
const B: u32 = 4;
const C: u32 = 5;

/// The validator for memory `mem`: type `(i32, i32) -> ()`.
pub fn validator(mem: u32) -> Function {
    let mut f = Function::new([(4, W::I32)]);
    let m8 = mem_arg(mem, 0u64, 0);
    let m64 = mem_arg(mem, 0u64, 0);
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

/// Error bits of the lookup tables (Keiser and Lemire, "Validating UTF-8 in
/// less than one instruction per byte", 2021): a byte pair is invalid when the
/// three tables, indexed by the previous byte's nibbles and this byte's high
/// nibble, share a bit (`TWO_CONTS` is expected where a 3- or 4-byte lead is
/// two or three bytes back).
const TOO_SHORT: u8 = 1;
const TOO_LONG: u8 = 2;
const OVERLONG_3: u8 = 4;
const TOO_LARGE: u8 = 8;
const SURROGATE: u8 = 16;
const OVERLONG_2: u8 = 32;
const TOO_LARGE_1000: u8 = 64;
const OVERLONG_4: u8 = 64;
const TWO_CONTS: u8 = 128;
const CARRY: u8 = TOO_SHORT | TOO_LONG | TWO_CONTS;

fn table(bytes: [u8; 16]) -> I<'static> {
    I::V128Const(i128::from_le_bytes(bytes))
}

/// Indexed by the previous byte's high nibble.
fn byte_1_high() -> I<'static> {
    let mut t = [TOO_LONG; 16]; // ASCII
    t[8..12].fill(TWO_CONTS); // continuation
    t[12] = TOO_SHORT | OVERLONG_2;
    t[13] = TOO_SHORT;
    t[14] = TOO_SHORT | OVERLONG_3 | SURROGATE;
    t[15] = TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4;
    table(t)
}

/// Indexed by the previous byte's low nibble.
fn byte_1_low() -> I<'static> {
    let mut t = [CARRY | TOO_LARGE | TOO_LARGE_1000; 16];
    t[0] = CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4;
    t[1] = CARRY | OVERLONG_2;
    t[2] = CARRY;
    t[3] = CARRY;
    t[4] = CARRY | TOO_LARGE;
    t[13] |= SURROGATE;
    table(t)
}

/// Indexed by this byte's high nibble.
fn byte_2_high() -> I<'static> {
    let cont = TOO_LONG | OVERLONG_2 | TWO_CONTS;
    let mut t = [TOO_SHORT; 16]; // ASCII and leads
    t[8] = cont | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4;
    t[9] = cont | OVERLONG_3 | TOO_LARGE;
    t[10] = cont | SURROGATE | TOO_LARGE;
    t[11] = cont | SURROGATE | TOO_LARGE;
    table(t)
}

/// The 16-bytes-at-a-time validator for memory `mem`, type `(i32, i32) -> ()`:
/// whole blocks with SIMD lookups, then the rest (from the lead byte of a
/// sequence that crosses the last block's end) with the scalar `validator`,
/// function index `scalar`.
pub fn simd_validator(mem: u32, scalar: u32) -> Function {
    const IN: u32 = 2;
    const PREV: u32 = 3;
    const INCOMPLETE: u32 = 4;
    const ERR: u32 = 5;
    const TMP: u32 = 6;
    const END: u32 = 7;
    const K: u32 = 8;
    const V: u32 = 9;
    const TMP_I32: u32 = 10;
    let mut f = Function::new([(5, W::V128), (4, W::I32)]);
    let m = mem_arg(mem, 0u64, 0);
    // The bytes `n` positions back: lanes 16 - n .. 32 - n of (PREV, IN).
    let prev = |n: u8| {
        let mut lanes = [0u8; 16];
        for (k, l) in lanes.iter_mut().enumerate() {
            *l = 16 - n + k as u8;
        }
        I::I8x16Shuffle(lanes)
    };
    let splat = |b: u8| I::V128Const(i128::from_le_bytes([b; 16]));
    let mut last3 = [255u8; 16];
    last3[13..].copy_from_slice(&[0xEF, 0xDF, 0xBF]);
    let code = [
        I::LocalGet(PTR),
        I::LocalGet(LEN),
        I::I32Add,
        I::LocalSet(END),
        I::Block(BlockType::Empty),
        I::Loop(BlockType::Empty),
        I::LocalGet(PTR),
        I::I32Const(16),
        I::I32Add,
        I::LocalGet(END),
        I::I32GtU,
        I::BrIf(1),
        I::LocalGet(PTR),
        I::V128Load(m),
        I::LocalTee(IN),
        I::I8x16Bitmask,
        I::I32Eqz,
        I::If(BlockType::Empty),
        // ASCII: a sequence left open by the previous block is an error.
        I::LocalGet(ERR),
        I::LocalGet(INCOMPLETE),
        I::V128Or,
        I::LocalSet(ERR),
        splat(0),
        I::LocalSet(INCOMPLETE),
        I::Else,
        // byte_1_high[prev1 >> 4] & byte_1_low[prev1 & 15] & byte_2_high[in >> 4]
        byte_1_high(),
        I::LocalGet(PREV),
        I::LocalGet(IN),
        prev(1),
        I::LocalTee(TMP),
        I::I32Const(4),
        I::I8x16ShrU,
        I::I8x16Swizzle,
        byte_1_low(),
        I::LocalGet(TMP),
        splat(0x0F),
        I::V128And,
        I::I8x16Swizzle,
        I::V128And,
        byte_2_high(),
        I::LocalGet(IN),
        I::I32Const(4),
        I::I8x16ShrU,
        I::I8x16Swizzle,
        I::V128And,
        // where a 3- or 4-byte lead is 2 or 3 back, TWO_CONTS is expected
        I::LocalGet(PREV),
        I::LocalGet(IN),
        prev(2),
        splat(0xE0 - 0x80),
        I::I8x16SubSatU,
        I::LocalGet(PREV),
        I::LocalGet(IN),
        prev(3),
        splat(0xF0 - 0x80),
        I::I8x16SubSatU,
        I::V128Or,
        splat(0x80),
        I::V128And,
        I::V128Xor,
        I::LocalGet(ERR),
        I::V128Or,
        I::LocalSet(ERR),
        // leads in the last three lanes that need more bytes than the block has
        I::LocalGet(IN),
        table(last3),
        I::I8x16SubSatU,
        I::LocalSet(INCOMPLETE),
        I::End,
        I::LocalGet(IN),
        I::LocalSet(PREV),
        I::LocalGet(PTR),
        I::I32Const(16),
        I::I32Add,
        I::LocalSet(PTR),
        I::Br(0),
        I::End,
        I::End,
        I::LocalGet(ERR),
        I::V128AnyTrue,
        I::If(BlockType::Empty),
        I::Unreachable,
        I::End,
        // Back up to the lead byte of a sequence crossing PTR (at most 3 back).
        I::LocalGet(PTR),
        I::LocalSet(V),
        I::I32Const(1),
        I::LocalSet(K),
        I::Block(BlockType::Empty),
        I::Loop(BlockType::Empty),
        I::LocalGet(K),
        I::I32Const(3),
        I::I32GtU,
        I::BrIf(1),
        I::LocalGet(K),
        I::LocalGet(PTR),
        I::LocalGet(END),
        I::LocalGet(LEN),
        I::I32Sub,
        I::I32Sub,
        I::I32GtU, // before the string's start (END - LEN; no wrap below address 0)
        I::BrIf(1),
        I::LocalGet(PTR),
        I::LocalGet(K),
        I::I32Sub,
        I::I32Load8U(m),
        I::LocalTee(TMP_I32),
        I::I32Const(0x80),
        I::I32LtU,
        I::BrIf(1), // ASCII: nothing crosses
        I::LocalGet(TMP_I32),
        I::I32Const(0xC0),
        I::I32GeU,
        I::If(BlockType::Empty),
        I::LocalGet(PTR),
        I::LocalGet(K),
        I::I32Sub,
        I::LocalSet(V),
        I::Br(2),
        I::End,
        I::LocalGet(K),
        I::I32Const(1),
        I::I32Add,
        I::LocalSet(K),
        I::Br(0),
        I::End,
        I::End,
        I::LocalGet(V),
        I::LocalGet(END),
        I::LocalGet(V),
        I::I32Sub,
        I::Call(scalar),
        I::End,
    ];
    for i in &code {
        f.instruction(i);
    }
    f
}
