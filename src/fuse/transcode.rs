//! Strings between components with different encodings, moved inside a fused
//! adapter: one generated function per direction, `(ptr, tagged_len) ->
//! (ptr, tagged_len)`, that lifts the string out of the source memory and
//! stores it into the destination's as the Canonical ABI says.
//!
//! **Lift** (`load_string_from_range`): the byte length (code units, twice that
//! for utf16, the tag bit of latin1+utf16 choosing) above 2^28 - 1 traps, then a
//! misaligned utf16 or latin1+utf16 pointer (2), then an out-of-bounds range,
//! then ill-formed contents: bad utf8 (the adapter's utf8 validator) or an
//! unpaired surrogate in utf16. Everything traps before the first realloc, so
//! the store below reads well-formed input.
//!
//! **Store** (`store_string_into_range`), by source representation and
//! destination encoding, with the spec's exact realloc sequence (sizes,
//! alignment, shrinking and growing reallocs) and its checks after each call
//! (alignment 2 where the spec asks, bounds always):
//! - same unit on both sides (utf16 to utf16, latin1 to latin1+utf16): one
//!   realloc and `memory.copy` (`store_string_copy`); latin1 to utf16 the same
//!   with each byte widened;
//! - utf16 or latin1 to utf8 (`store_string_to_utf8`): code units as bytes while
//!   ASCII, then a realloc to the worst case (3 or 2 bytes a unit), encoding,
//!   and a shrinking realloc to the encoded length;
//! - utf8 to utf16 (`store_utf8_to_utf16`): worst case 2 bytes a utf8 byte,
//!   decoded, shrunk;
//! - utf8 or utf16 to latin1+utf16 (`store_string_to_latin1_or_utf16`): latin1
//!   while every code point fits (then shrunk), else grown to 2 bytes a source
//!   unit, the latin1 prefix widened in place, the rest as utf16, shrunk, and
//!   the length tagged `UTF16_TAG`;
//! - tagged utf16 to latin1+utf16 (`store_probably_utf16_to_latin1_or_utf16`):
//!   copied as utf16, then deflated to latin1 with a shrinking realloc of
//!   alignment 1 when every unit is below 256.
//!
//! The loops take 16 source bytes at a time (SIMD) while those need no
//! transcoding beyond widening or narrowing (ASCII, latin1, utf16 without
//! surrogates), and one code point at a time otherwise.

use wasm_encoder::{BlockType, Function, Instruction as I, MemArg, ValType as W};

use super::code::{mem_arg, Emit};
use crate::abi::{MAX_STRING_BYTE_LENGTH, UTF16_TAG};
use crate::plan::StringEncoding;

/// What one direction's string function works with (indices in the adapter module).
pub struct Strings {
    pub src_mem: u32,
    pub dst_mem: u32,
    pub src: StringEncoding,
    pub dst: StringEncoding,
    /// The destination's realloc.
    pub realloc: u32,
    /// The utf8 validator of the source memory, `(ptr, len) -> ()`.
    pub validate_utf8: u32,
}

/// A source string's representation, once its lift has decided it.
#[derive(Clone, Copy, PartialEq)]
enum Src {
    Utf8,
    Utf16,
    Latin1,
    /// utf16 in a latin1+utf16 memory (the tag bit set).
    TaggedUtf16,
}

impl Src {
    fn unit(self) -> i32 {
        match self {
            Src::Utf16 | Src::TaggedUtf16 => 2,
            Src::Utf8 | Src::Latin1 => 1,
        }
    }
}

// Locals: the parameters, then i32s, then one v128.
const SRC: u32 = 0;
const LEN: u32 = 1;
/// Source code units (bytes for utf8 and latin1).
const N: u32 = 2;
/// The destination pointer (what realloc returned last).
const DST: u32 = 3;
/// Source cursor, destination cursor, source end (addresses).
const P: u32 = 4;
const Q: u32 = 5;
const END: u32 = 6;
/// The current code unit or point, and a second one.
const C: u32 = 7;
const D: u32 = 8;
/// Allocation sizes: the worst case, the encoded length.
const WORST: u32 = 9;
const OUT: u32 = 10;
const K: u32 = 11;
const V: u32 = 12;

/// The string function for one direction: type `(i32, i32) -> (i32, i32)`.
pub fn store(s: &Strings) -> Function {
    let mut a = Asm {
        s,
        code: Vec::new(),
    };
    match s.src {
        StringEncoding::Utf8 => a.lift_and_store(Src::Utf8),
        StringEncoding::Utf16 => a.lift_and_store(Src::Utf16),
        StringEncoding::Latin1Utf16 => {
            a.ops([
                I::LocalGet(LEN),
                I::I32Const(UTF16_TAG as i32),
                I::I32And,
                I::If(BlockType::Empty),
            ]);
            a.lift_and_store(Src::TaggedUtf16);
            a.op(I::Else);
            a.lift_and_store(Src::Latin1);
            a.op(I::End);
        }
    }
    a.op(I::Unreachable);
    let mut f = Function::new([(10, W::I32), (1, W::V128)]);
    for i in &a.code {
        f.instruction(i);
    }
    f.instruction(&I::End);
    f
}

/// The instructions of the function being generated.
struct Asm<'a> {
    s: &'a Strings,
    code: Vec<I<'static>>,
}

/// An unaligned (align 0) memory immediate.
fn arg(mem: u32, offset: u64) -> MemArg {
    mem_arg(mem, offset, 0)
}

impl Emit for Asm<'_> {
    fn instrs(&mut self) -> &mut Vec<I<'static>> {
        &mut self.code
    }
}

fn splat16(x: u16) -> I<'static> {
    let lanes = [x.to_le_bytes(); 8];
    I::V128Const(i128::from_le_bytes(lanes.concat().try_into().unwrap()))
}

impl Asm<'_> {
    /// `local += n`.
    fn bump(&mut self, local: u32, n: i32) {
        self.ops([
            I::LocalGet(local),
            I::I32Const(n),
            I::I32Add,
            I::LocalSet(local),
        ]);
    }
    /// Pushes the byte (`bytes` 1) or code unit (2) at `addr + offset` of `mem`.
    fn load(&mut self, mem: u32, bytes: u32, addr: u32, offset: u64) {
        self.op(I::LocalGet(addr));
        self.op(match bytes {
            1 => I::I32Load8U(arg(mem, offset)),
            _ => I::I32Load16U(arg(mem, offset)),
        });
    }
    /// Stores what `value` pushes at `Q + offset` of the destination (1 or 2 bytes).
    fn put(&mut self, bytes: u32, offset: u64, value: impl FnOnce(&mut Self)) {
        self.op(I::LocalGet(Q));
        value(self);
        let m = arg(self.s.dst_mem, offset);
        self.op(if bytes == 1 {
            I::I32Store8(m)
        } else {
            I::I32Store16(m)
        });
    }
    /// Traps unless `ptr + bytes` (unsigned, no overflow) is within `mem`.
    fn check_range(&mut self, mem: u32, ptr: u32, bytes: u32, unit: i32) {
        self.ops([
            I::LocalGet(ptr),
            I::I64ExtendI32U,
            I::LocalGet(bytes),
            I::I64ExtendI32U,
        ]);
        if unit == 2 {
            self.ops([I::I64Const(1), I::I64Shl]);
        }
        self.trap_if_past_end(mem);
    }
    /// `DST = realloc(old ? DST : 0, old ? old_size : 0, align, new_size)`,
    /// then the spec's checks: aligned (when `align` is 2) and in bounds.
    fn realloc(&mut self, old_size: Option<u32>, align: i32, new_size: u32) {
        match old_size {
            Some(o) => self.ops([I::LocalGet(DST), I::LocalGet(o)]),
            None => self.ops([I::I32Const(0), I::I32Const(0)]),
        }
        self.ops([
            I::I32Const(align),
            I::LocalGet(new_size),
            I::Call(self.s.realloc),
            I::LocalSet(DST),
        ]);
        if align == 2 {
            self.ops([I::LocalGet(DST), I::I32Const(1), I::I32And]);
            self.trap_if();
        }
        self.check_range(self.s.dst_mem, DST, new_size, 1);
    }
    /// `local = N * factor`.
    fn times_n(&mut self, local: u32, factor: i32) {
        self.ops([
            I::LocalGet(N),
            I::I32Const(factor),
            I::I32Mul,
            I::LocalSet(local),
        ]);
    }
    /// Returns `(DST, len)`, `len` pushed by `len`.
    fn ret(&mut self, len: impl FnOnce(&mut Self)) {
        self.op(I::LocalGet(DST));
        len(self);
        self.op(I::Return);
    }

    fn lift_and_store(&mut self, src: Src) {
        self.lift(src);
        self.store(src);
    }

    /// The spec's `load_string_from_range`: sets `N`, `END`; traps on a length
    /// above the limit, a misaligned pointer, a range out of bounds, ill-formed
    /// contents.
    fn lift(&mut self, src: Src) {
        self.op(I::LocalGet(LEN));
        if src == Src::TaggedUtf16 {
            self.ops([I::I32Const(UTF16_TAG as i32), I::I32Xor]);
        }
        self.op(I::LocalSet(N));
        let max = MAX_STRING_BYTE_LENGTH / src.unit() as u32;
        self.ops([I::LocalGet(N), I::I32Const(max as i32), I::I32GtU]);
        self.trap_if();
        if src != Src::Utf8 {
            self.ops([I::LocalGet(SRC), I::I32Const(1), I::I32And]);
            self.trap_if();
        }
        self.check_range(self.s.src_mem, SRC, N, src.unit());
        self.ops([
            I::LocalGet(SRC),
            I::LocalGet(N),
            I::I32Const(src.unit()),
            I::I32Mul,
            I::I32Add,
            I::LocalSet(END),
        ]);
        match src {
            Src::Utf8 => self.ops([
                I::LocalGet(SRC),
                I::LocalGet(N),
                I::Call(self.s.validate_utf8),
            ]),
            Src::Utf16 | Src::TaggedUtf16 => self.validate_utf16(),
            Src::Latin1 => {}
        }
        self.ops([I::LocalGet(SRC), I::LocalSet(P)]);
    }

    /// Traps on an unpaired surrogate in `SRC..END` (8 units at a time while
    /// there are none).
    fn validate_utf16(&mut self) {
        self.ops([I::LocalGet(SRC), I::LocalSet(P)]);
        self.ops([I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        self.simd_run(0, |a| {
            a.ops([
                I::LocalGet(V),
                splat16(0xF800),
                I::V128And,
                splat16(0xD800),
                I::I16x8Eq,
                I::V128AnyTrue,
            ])
        });
        self.at_end_break(1);
        self.load(self.s.src_mem, 2, P, 0);
        self.op(I::LocalTee(C));
        self.ops([
            I::I32Const(0xF800),
            I::I32And,
            I::I32Const(0xD800),
            I::I32Eq,
            I::If(BlockType::Empty),
        ]);
        // A high surrogate followed by a low one, else a trap.
        self.ops([I::LocalGet(C), I::I32Const(0xDC00), I::I32GeU]);
        self.trap_if();
        self.ops([
            I::LocalGet(END),
            I::LocalGet(P),
            I::I32Sub,
            I::I32Const(4),
            I::I32LtU,
        ]);
        self.trap_if();
        self.load(self.s.src_mem, 2, P, 2);
        self.ops([
            I::I32Const(0xFC00),
            I::I32And,
            I::I32Const(0xDC00),
            I::I32Ne,
        ]);
        self.trap_if();
        self.bump(P, 2);
        self.op(I::End);
        self.bump(P, 2);
        self.ops([I::Br(0), I::End, I::End]);
    }

    /// Breaks out `depth` levels when `P == END`.
    fn at_end_break(&mut self, depth: u32) {
        self.ops([I::LocalGet(P), I::LocalGet(END), I::I32Eq, I::BrIf(depth)]);
    }

    /// While 16 source bytes remain at `P` and `stop` (which sees them in `V`)
    /// pushes 0: writes them at `Q` as [`Asm::simd_write`] does for `dst_step`
    /// (0: writes nothing), advancing `P` by 16 and `Q` by `dst_step`.
    fn simd_run(&mut self, dst_step: i32, stop: impl FnOnce(&mut Self)) {
        self.ops([
            I::Block(BlockType::Empty),
            I::Loop(BlockType::Empty),
            I::LocalGet(END),
            I::LocalGet(P),
            I::I32Sub,
            I::I32Const(16),
            I::I32LtU,
            I::BrIf(1),
            I::LocalGet(P),
            I::V128Load(arg(self.s.src_mem, 0)),
            I::LocalSet(V),
        ]);
        stop(self);
        self.op(I::BrIf(1));
        self.simd_write(dst_step);
        self.bump(P, 16);
        if dst_step != 0 {
            self.bump(Q, dst_step);
        }
        self.ops([I::Br(0), I::End, I::End]);
    }

    /// [`Asm::simd_run`] only when the last code unit or point `C` was below
    /// `bound`: where a run of such is likely, not after every wide one.
    fn simd_run_after(&mut self, bound: i32, dst_step: i32, stop: impl FnOnce(&mut Self)) {
        self.ops([
            I::LocalGet(C),
            I::I32Const(bound),
            I::I32LtU,
            I::If(BlockType::Empty),
        ]);
        self.simd_run(dst_step, stop);
        self.op(I::End);
    }

    /// Writes the 16 source bytes in `V` at `Q`: as they are (`dst_step` 16),
    /// narrowed from 8 units to 8 bytes (8), or widened from 16 bytes to 16
    /// units (32).
    fn simd_write(&mut self, dst_step: i32) {
        let (src, dst) = (self.s.src_mem, self.s.dst_mem);
        match dst_step {
            16 => self.ops([I::LocalGet(Q), I::LocalGet(V), I::V128Store(arg(dst, 0))]),
            8 => self.ops([
                I::LocalGet(Q),
                I::LocalGet(V),
                I::LocalGet(V),
                I::I8x16NarrowI16x8U,
                I::V128Store64Lane {
                    memarg: arg(dst, 0),
                    lane: 0,
                },
            ]),
            32 => {
                for half in [0, 8] {
                    self.ops([
                        I::LocalGet(Q),
                        I::LocalGet(P),
                        I::V128Load8x8U(arg(src, half)),
                        I::V128Store(arg(dst, 2 * half)),
                    ]);
                }
            }
            _ => {}
        }
    }

    /// Pushes whether `V` holds a byte >= 0x80 (`unit` 1) or a unit with any of
    /// `mask`'s bits (`unit` 2).
    fn simd_any(&mut self, unit: i32, mask: u16) {
        if unit == 1 {
            self.ops([I::LocalGet(V), I::I8x16Bitmask]);
        } else {
            self.ops([I::LocalGet(V), splat16(mask), I::V128And, I::V128AnyTrue]);
        }
    }

    /// The spec's `store_string_into_range` for a lifted source.
    fn store(&mut self, src: Src) {
        use StringEncoding as E;
        match (src, self.s.dst) {
            (Src::Utf8, E::Utf8) => self.copy(1, 1),
            (Src::Utf16 | Src::TaggedUtf16, E::Utf16) => self.copy(2, 2),
            (Src::Latin1, E::Latin1Utf16) => self.copy(1, 2),
            (Src::Latin1, E::Utf16) => self.latin1_to_utf16(),
            (Src::Utf16 | Src::TaggedUtf16 | Src::Latin1, E::Utf8) => self.string_to_utf8(src),
            (Src::Utf8, E::Utf16) => self.utf8_to_utf16(),
            (Src::Utf8 | Src::Utf16, E::Latin1Utf16) => self.string_to_latin1_or_utf16(src),
            (Src::TaggedUtf16, E::Latin1Utf16) => self.probably_utf16(),
        }
    }

    /// `store_string_copy`: `unit` bytes a code unit on both sides.
    fn copy(&mut self, unit: i32, align: i32) {
        self.times_n(WORST, unit);
        self.realloc(None, align, WORST);
        self.ops([
            I::LocalGet(DST),
            I::LocalGet(SRC),
            I::LocalGet(WORST),
            I::MemoryCopy {
                src_mem: self.s.src_mem,
                dst_mem: self.s.dst_mem,
            },
        ]);
        self.ret(|a| a.op(I::LocalGet(N)));
    }

    /// `store_string_copy` from latin1 into utf16: each byte widened.
    fn latin1_to_utf16(&mut self) {
        self.times_n(WORST, 2);
        self.realloc(None, 2, WORST);
        self.ops([I::LocalGet(DST), I::LocalSet(Q)]);
        self.ops([I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        self.simd_run(32, |a| a.op(I::I32Const(0)));
        self.at_end_break(1);
        let src = self.s.src_mem;
        self.put(2, 0, |a| a.load(src, 1, P, 0));
        self.bump(P, 1);
        self.bump(Q, 2);
        self.ops([I::Br(0), I::End, I::End]);
        self.ret(|a| a.op(I::LocalGet(N)));
    }

    /// `store_string_to_utf8` from utf16 (worst case 3 bytes a unit) or latin1 (2).
    fn string_to_utf8(&mut self, src: Src) {
        let unit = src.unit();
        let mem = self.s.src_mem;
        self.realloc(None, 1, N);
        self.ops([I::LocalGet(DST), I::LocalSet(Q)]);
        // ASCII: code units as bytes.
        self.ops([
            I::Block(BlockType::Empty), // wide
            I::Block(BlockType::Empty), // all ASCII
            I::Loop(BlockType::Empty),
        ]);
        self.simd_run(16 / unit, |a| a.simd_any(unit, 0xFF80));
        self.at_end_break(1);
        self.load(mem, unit as u32, P, 0);
        self.ops([I::LocalTee(C), I::I32Const(0x80), I::I32GeU, I::BrIf(2)]);
        self.put(1, 0, |a| a.op(I::LocalGet(C)));
        self.bump(P, unit);
        self.bump(Q, 1);
        self.ops([I::Br(0), I::End, I::End]);
        self.ret(|a| a.op(I::LocalGet(N)));
        self.op(I::End);
        // The first non-ASCII unit: grow to the worst case, keep the ASCII prefix.
        self.ops([
            I::LocalGet(Q),
            I::LocalGet(DST),
            I::I32Sub,
            I::LocalSet(OUT),
        ]);
        self.times_n(WORST, if unit == 2 { 3 } else { 2 });
        self.realloc(Some(N), 1, WORST);
        self.ops([
            I::LocalGet(DST),
            I::LocalGet(OUT),
            I::I32Add,
            I::LocalSet(Q),
        ]);
        self.ops([I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        self.simd_run_after(0x80, 16 / unit, |a| a.simd_any(unit, 0xFF80));
        self.at_end_break(1);
        self.load(mem, unit as u32, P, 0);
        self.op(I::LocalSet(C));
        self.bump(P, unit);
        self.encode_utf8(src);
        self.ops([I::Br(0), I::End, I::End]);
        self.shrink(1, |a| a.op(I::LocalGet(OUT)));
    }

    /// `OUT = Q - DST`; a shrinking realloc from `WORST` to `OUT` when smaller;
    /// returns `(DST, len)`.
    fn shrink(&mut self, align: i32, len: impl FnOnce(&mut Self)) {
        self.ops([
            I::LocalGet(Q),
            I::LocalGet(DST),
            I::I32Sub,
            I::LocalSet(OUT),
            I::LocalGet(WORST),
            I::LocalGet(OUT),
            I::I32GtU,
            I::If(BlockType::Empty),
        ]);
        self.realloc(Some(WORST), align, OUT);
        self.op(I::End);
        self.ret(len);
    }

    /// Writes code unit `C` (a high surrogate takes its low one from `P`) as
    /// utf8 at `Q`, advancing `Q` (and `P` past a low surrogate).
    fn encode_utf8(&mut self, src: Src) {
        let cont = |a: &mut Self, off: u64, shift: i32| {
            a.put(1, off, |a| {
                a.ops([
                    I::LocalGet(C),
                    I::I32Const(shift),
                    I::I32ShrU,
                    I::I32Const(0x3F),
                    I::I32And,
                    I::I32Const(0x80),
                    I::I32Or,
                ])
            })
        };
        let lead = |a: &mut Self, shift: i32, tag: i32| {
            a.put(1, 0, |a| {
                a.ops([
                    I::LocalGet(C),
                    I::I32Const(shift),
                    I::I32ShrU,
                    I::I32Const(tag),
                    I::I32Or,
                ])
            })
        };
        self.op(I::Block(BlockType::Empty));
        self.ops([
            I::LocalGet(C),
            I::I32Const(0x80),
            I::I32LtU,
            I::If(BlockType::Empty),
        ]);
        self.put(1, 0, |a| a.op(I::LocalGet(C)));
        self.bump(Q, 1);
        self.ops([I::Br(1), I::End]);
        self.ops([
            I::LocalGet(C),
            I::I32Const(0x800),
            I::I32LtU,
            I::If(BlockType::Empty),
        ]);
        lead(self, 6, 0xC0);
        cont(self, 1, 0);
        self.bump(Q, 2);
        self.ops([I::Br(1), I::End]);
        if src != Src::Latin1 {
            self.ops([
                I::LocalGet(C),
                I::I32Const(0xFC00),
                I::I32And,
                I::I32Const(0xD800),
                I::I32Eq,
                I::If(BlockType::Empty),
            ]);
            // C = 0x10000 + ((C & 0x3FF) << 10 | (low & 0x3FF))
            self.ops([
                I::LocalGet(C),
                I::I32Const(0x3FF),
                I::I32And,
                I::I32Const(10),
                I::I32Shl,
            ]);
            self.load(self.s.src_mem, 2, P, 0);
            self.ops([
                I::I32Const(0x3FF),
                I::I32And,
                I::I32Or,
                I::I32Const(0x10000),
                I::I32Add,
                I::LocalSet(C),
            ]);
            self.bump(P, 2);
            lead(self, 18, 0xF0);
            cont(self, 1, 12);
            cont(self, 2, 6);
            cont(self, 3, 0);
            self.bump(Q, 4);
            self.ops([I::Br(1), I::End]);
        }
        lead(self, 12, 0xE0);
        cont(self, 1, 6);
        cont(self, 2, 0);
        self.bump(Q, 3);
        self.op(I::End);
    }

    /// Decodes the (valid) utf8 sequence at `P` into `C`, advancing `P`.
    fn decode_utf8(&mut self) {
        let mem = self.s.src_mem;
        let cont = |a: &mut Self, off: u64, shift: i32| {
            a.load(mem, 1, P, off);
            a.ops([I::I32Const(0x3F), I::I32And]);
            if shift > 0 {
                a.ops([I::I32Const(shift), I::I32Shl]);
            }
            a.op(I::I32Or);
        };
        self.load(mem, 1, P, 0);
        self.op(I::LocalSet(C));
        self.op(I::Block(BlockType::Empty));
        // (lead bound, payload mask of the lead, sequence length)
        for (bound, mask, len) in [(0x80, 0x7F, 1), (0xE0, 0x1F, 2), (0xF0, 0x0F, 3)] {
            self.ops([
                I::LocalGet(C),
                I::I32Const(bound),
                I::I32LtU,
                I::If(BlockType::Empty),
            ]);
            self.decode_tail(mask, len, &cont);
            self.ops([I::Br(1), I::End]);
        }
        self.decode_tail(0x07, 4, &cont);
        self.op(I::End);
    }

    /// `C = (C & mask) << 6 * (len - 1) | continuation bytes`; `P += len`.
    fn decode_tail(&mut self, mask: i32, len: u64, cont: &dyn Fn(&mut Self, u64, i32)) {
        if len > 1 {
            let shift = 6 * (len as i32 - 1);
            self.ops([
                I::LocalGet(C),
                I::I32Const(mask),
                I::I32And,
                I::I32Const(shift),
                I::I32Shl,
            ]);
            for k in 1..len {
                cont(self, k, 6 * (len - 1 - k) as i32);
            }
            self.op(I::LocalSet(C));
        }
        self.bump(P, len as i32);
    }

    /// Writes code point `C` as utf16 at `Q`, advancing `Q`.
    fn encode_utf16(&mut self) {
        self.ops([
            I::LocalGet(C),
            I::I32Const(0x10000),
            I::I32LtU,
            I::If(BlockType::Empty),
        ]);
        self.put(2, 0, |a| a.op(I::LocalGet(C)));
        self.bump(Q, 2);
        self.op(I::Else);
        self.bump(C, -0x10000);
        self.put(2, 0, |a| {
            a.ops([
                I::LocalGet(C),
                I::I32Const(10),
                I::I32ShrU,
                I::I32Const(0xD800),
                I::I32Or,
            ])
        });
        self.put(2, 2, |a| {
            a.ops([
                I::LocalGet(C),
                I::I32Const(0x3FF),
                I::I32And,
                I::I32Const(0xDC00),
                I::I32Or,
            ])
        });
        self.bump(Q, 4);
        self.op(I::End);
    }

    /// Decodes utf8 from `P` to `END` into utf16 at `Q` (16 ASCII bytes at a time).
    fn utf8_to_utf16_loop(&mut self) {
        self.ops([I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        self.simd_run_after(0x80, 32, |a| a.simd_any(1, 0));
        self.at_end_break(1);
        self.decode_utf8();
        self.encode_utf16();
        self.ops([I::Br(0), I::End, I::End]);
    }

    /// `store_utf8_to_utf16`.
    fn utf8_to_utf16(&mut self) {
        self.times_n(WORST, 2);
        self.realloc(None, 2, WORST);
        self.ops([I::LocalGet(DST), I::LocalSet(Q)]);
        self.utf8_to_utf16_loop();
        self.shrink(2, |a| {
            a.ops([I::LocalGet(OUT), I::I32Const(1), I::I32ShrU]);
        });
    }

    /// `store_string_to_latin1_or_utf16` from utf8 or (plain) utf16.
    fn string_to_latin1_or_utf16(&mut self, src: Src) {
        let unit = src.unit();
        let mem = self.s.src_mem;
        self.realloc(None, 2, N);
        self.ops([I::LocalGet(DST), I::LocalSet(Q)]);
        self.ops([
            I::Block(BlockType::Empty), // wide
            I::Block(BlockType::Empty), // all latin1
            I::Loop(BlockType::Empty),
        ]);
        // 16 ASCII bytes, or 8 units below 256, at a time.
        self.simd_run_after(if unit == 2 { 0x100 } else { 0x80 }, 16 / unit, |a| {
            a.simd_any(unit, 0xFF00)
        });
        self.at_end_break(1);
        self.ops([I::LocalGet(P), I::LocalSet(D)]);
        if src == Src::Utf8 {
            self.decode_utf8();
        } else {
            self.load(mem, 2, P, 0);
            self.op(I::LocalSet(C));
            self.bump(P, 2);
        }
        self.ops([
            I::LocalGet(C),
            I::I32Const(256),
            I::I32GeU,
            I::If(BlockType::Empty),
            I::LocalGet(D),
            I::LocalSet(P),
            I::Br(3),
            I::End,
        ]);
        self.put(1, 0, |a| a.op(I::LocalGet(C)));
        self.bump(Q, 1);
        self.ops([I::Br(0), I::End, I::End]);
        // Latin1 all along: shrink to the bytes written.
        self.ops([I::LocalGet(N), I::LocalSet(WORST)]);
        self.shrink(2, |a| a.op(I::LocalGet(OUT)));
        self.op(I::End);
        self.latin1_or_utf16_wide(src);
    }

    /// The rest of [`Asm::string_to_latin1_or_utf16`] from the first code
    /// point >= 256 (at `P`): grow to 2 bytes a source unit, widen the latin1
    /// prefix, the rest as utf16, shrink, tag.
    fn latin1_or_utf16_wide(&mut self, src: Src) {
        let mem = self.s.src_mem;
        self.ops([
            I::LocalGet(Q),
            I::LocalGet(DST),
            I::I32Sub,
            I::LocalSet(OUT),
        ]);
        self.times_n(WORST, 2);
        self.realloc(Some(N), 2, WORST);
        self.widen_in_place();
        self.ops([
            I::LocalGet(DST),
            I::LocalGet(OUT),
            I::I32Const(1),
            I::I32Shl,
            I::I32Add,
            I::LocalSet(Q),
        ]);
        if src == Src::Utf8 {
            self.utf8_to_utf16_loop();
        } else {
            self.ops([
                I::LocalGet(Q),
                I::LocalGet(P),
                I::LocalGet(END),
                I::LocalGet(P),
                I::I32Sub,
                I::LocalTee(K),
                I::MemoryCopy {
                    src_mem: mem,
                    dst_mem: self.s.dst_mem,
                },
                I::LocalGet(Q),
                I::LocalGet(K),
                I::I32Add,
                I::LocalSet(Q),
            ]);
        }
        self.shrink(2, |a| {
            a.ops([
                I::LocalGet(OUT),
                I::I32Const(1),
                I::I32ShrU,
                I::I32Const(UTF16_TAG as i32),
                I::I32Or,
            ]);
        });
    }

    /// Widens the `OUT` latin1 bytes at `DST` to utf16 in place, from the end:
    /// 8 at a time while 8 remain (each load precedes the store that overlaps
    /// it), then one at a time.
    fn widen_in_place(&mut self) {
        let dst = self.s.dst_mem;
        self.ops([I::LocalGet(OUT), I::LocalSet(K)]);
        let steps = [
            (8, I::V128Load8x8U(arg(dst, 0)), I::V128Store(arg(dst, 0))),
            (1, I::I32Load8U(arg(dst, 0)), I::I32Store16(arg(dst, 0))),
        ];
        for (step, load, store) in steps {
            self.ops([
                I::Block(BlockType::Empty),
                I::Loop(BlockType::Empty),
                I::LocalGet(K),
                I::I32Const(step),
                I::I32LtU,
                I::BrIf(1),
            ]);
            self.bump(K, -step);
            self.ops([
                I::LocalGet(DST),
                I::LocalGet(K),
                I::I32Const(1),
                I::I32Shl,
                I::I32Add,
                I::LocalGet(DST),
                I::LocalGet(K),
                I::I32Add,
                load,
                store,
                I::Br(0),
                I::End,
                I::End,
            ]);
        }
    }

    /// `store_probably_utf16_to_latin1_or_utf16`: copy as utf16; when every
    /// unit is below 256, deflate to latin1 and shrink (alignment 1).
    fn probably_utf16(&mut self) {
        let (src, dst) = (self.s.src_mem, self.s.dst_mem);
        self.times_n(WORST, 2);
        self.realloc(None, 2, WORST);
        self.ops([
            I::LocalGet(DST),
            I::LocalGet(SRC),
            I::LocalGet(WORST),
            I::MemoryCopy {
                src_mem: src,
                dst_mem: dst,
            },
        ]);
        // Any unit >= 256 keeps utf16.
        self.ops([
            I::Block(BlockType::Empty), // latin1
            I::Block(BlockType::Empty), // wide
            I::Loop(BlockType::Empty),
        ]);
        self.simd_run(0, |a| a.simd_any(2, 0xFF00));
        self.at_end_break(2);
        self.load(src, 2, P, 0);
        self.ops([I::I32Const(256), I::I32GeU, I::BrIf(1)]);
        self.bump(P, 2);
        self.ops([I::Br(0), I::End, I::End]);
        self.ret(|a| {
            a.ops([I::LocalGet(N), I::I32Const(UTF16_TAG as i32), I::I32Or]);
        });
        self.op(I::End);
        // Deflate: byte i of the destination is unit i's low byte.
        self.ops([
            I::LocalGet(SRC),
            I::LocalSet(P),
            I::LocalGet(DST),
            I::LocalSet(Q),
        ]);
        self.ops([I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        self.simd_run(8, |a| a.op(I::I32Const(0)));
        self.at_end_break(1);
        self.put(1, 0, |a| a.load(src, 1, P, 0));
        self.bump(P, 2);
        self.bump(Q, 1);
        self.ops([I::Br(0), I::End, I::End]);
        self.realloc(Some(WORST), 1, N);
        self.ret(|a| a.op(I::LocalGet(N)));
    }
}
