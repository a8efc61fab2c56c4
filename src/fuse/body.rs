//! The body of a fused adapter: moves every argument from the caller's flat
//! values or memory into the callee's, calls the callee's core function, moves
//! the result back, runs post-return. Values are converted type-directed, one
//! wasm instruction sequence per type, with the Canonical ABI's checks.

use wasm_encoder::{BlockType, Function, Instruction as I, ValType as W};

use super::code::{mem_arg, Emit};
use super::handles::{Funcs, Handles};
use super::{assemble, transcode, utf8, wasm_ty, Import, ImportSig, Imports, InlineFlags, Sig};
use crate::abi;
use crate::plan::{CoreDef, StringEncoding};
use crate::types::CoreTy;
use crate::types::{FuncType, ValType};

/// One side of the call: its memory, realloc and string encoding.
pub struct Side {
    pub realloc: Option<Import>,
    pub memory: Option<CoreDef>,
    pub encoding: StringEncoding,
}

/// Everything the body needs to know about one adapter.
pub struct Spec {
    pub ty: FuncType,
    pub caller: Side,
    pub callee: Side,
    pub post_return: Option<Import>,
    /// Restore the entering set when the callee throws.
    pub guard_exceptions: bool,
    /// The flags as bytes of the glue's flags memory (else: `enter`/`leave`).
    pub flags: Option<InlineFlags>,
    /// The handle helpers the adapter imports.
    pub handles: Handles,
    pub callee_core: CoreDef,
}

/// Memory indices inside the adapter module.
const CALLER_MEM: u32 = 0;
const CALLEE_MEM: u32 = 1;
/// Function indices of the imports that are always present: `enter` and
/// `leave`, or with inline flags the two that throw the traps.
const ENTER: u32 = 0;
const LEAVE: u32 = 1;
const CANNOT_ENTER: u32 = 0;
const CANNOT_LEAVE: u32 = 1;
const CALLEE: u32 = 2;

/// A direction of copying: from one memory into the other.
#[derive(Clone, Copy)]
struct Dir {
    src: u32,
    dst: u32,
    /// The destination's realloc (function index), when the type needs one.
    realloc: Option<u32>,
    /// The utf8 validator of the source memory (function index).
    validate: u32,
    /// The string function when the encodings are not both utf8 (`transcode`).
    transcode: Option<u32>,
}

/// The function being generated: its locals and instructions.
struct Gen {
    nparams: u32,
    locals: Vec<W>,
    code: Vec<I<'static>>,
    /// The handle helpers' function indices.
    handles: Funcs,
}

impl Gen {
    fn local(&mut self, t: W) -> u32 {
        self.locals.push(t);
        self.nparams + self.locals.len() as u32 - 1
    }
    /// Traps when `local` (unsigned) is above `max`: the spec's length
    /// limits, checked before alignment and bounds.
    fn check_max(&mut self, local: u32, max: u32) {
        self.ops([I::LocalGet(local), I::I32Const(max as i32), I::I32GtU]);
        self.trap_if();
    }
    /// Traps when `local` is not a multiple of `align`.
    fn check_align(&mut self, local: u32, align: u32) {
        if align > 1 {
            self.ops([I::LocalGet(local), I::I32Const(align as i32 - 1), I::I32And]);
            self.trap_if();
        }
    }
    /// Traps when `ptr + bytes` (unsigned, no overflow) exceeds memory `mem`.
    fn check_range(&mut self, mem: u32, ptr: u32, bytes: impl FnOnce(&mut Gen)) {
        self.ops([I::LocalGet(ptr), I::I64ExtendI32U]);
        bytes(self);
        self.trap_if_past_end(mem);
    }
    /// Traps unless `ptr` is aligned and `size` bytes from it fit in memory `mem`.
    fn check_place(&mut self, mem: u32, ptr: u32, align: u32, size: u32) {
        self.check_align(ptr, align);
        self.check_range(mem, ptr, |g| g.op(I::I64Const(size.into())));
    }
    /// `realloc(0, 0, align, size)` into a new local (size already on the stack
    /// is not used: `size` pushes it).
    fn realloc(&mut self, f: u32, align: u32, size: impl FnOnce(&mut Gen)) -> u32 {
        self.ops([I::I32Const(0), I::I32Const(0), I::I32Const(align as i32)]);
        size(self);
        self.op(I::Call(f));
        let p = self.local(W::I32);
        self.op(I::LocalSet(p));
        p
    }
}

impl Emit for Gen {
    fn instrs(&mut self) -> &mut Vec<I<'static>> {
        &mut self.code
    }
}

/// Whether moving `t` needs a realloc on the destination side.
fn allocates(t: &ValType) -> bool {
    t.any(&|t| matches!(t, ValType::String | ValType::List(_)))
}

/// Builds the adapter module: its bytes and its imports in order.
pub fn build(spec: &Spec) -> Option<(Vec<u8>, Imports)> {
    let ty = &spec.ty;
    let sig = abi::flat_sig(ty);
    let wasm = |ts: &[CoreTy]| ts.iter().map(|t| wasm_ty(*t)).collect::<Vec<W>>();
    let i32x = |n: usize| vec![W::I32; n];

    // Imports: functions first (fixed order), then the memories, then the handle helpers.
    let [first, second] = match spec.flags {
        Some(_) => [
            ("cannot_enter", Import::CannotEnter),
            ("cannot_leave", Import::CannotLeave),
        ],
        None => [("enter", Import::Enter), ("leave", Import::Leave)],
    };
    let mut imports: Vec<(&'static str, Import, Option<Sig>)> = vec![
        (first.0, first.1, Some((vec![], vec![]))),
        (second.0, second.1, Some((vec![], vec![]))),
        (
            "callee",
            Import::Callee(spec.callee_core.clone()),
            Some((wasm(&sig.params), wasm(&sig.results))),
        ),
    ];
    let mut next_func = 3;
    let mut func_import = |imports: &mut Vec<_>, name, imp: Option<Import>, s: Option<Sig>| {
        imp.map(|imp| {
            imports.push((name, imp, s));
            next_func += 1;
            next_func - 1
        })
    };
    let params_alloc = sig.params_spilled || ty.params.iter().any(|(_, t)| allocates(t));
    let result_alloc = ty.result.as_ref().is_some_and(allocates);
    // A realloc is imported only where values are allocated; a missing one fails the adapter.
    let [callee_realloc, caller_realloc] = [
        (params_alloc, "realloc_callee", &spec.callee.realloc),
        (result_alloc, "realloc_caller", &spec.caller.realloc),
    ]
    .map(|(wanted, name, imp)| match wanted {
        true => func_import(&mut imports, name, imp.clone(), Some((i32x(4), i32x(1)))).map(Some),
        false => Some(None),
    });
    let (callee_realloc, caller_realloc) = (callee_realloc?, caller_realloc?);
    let post = func_import(
        &mut imports,
        "post_return",
        spec.post_return.clone(),
        Some((wasm(&sig.results), vec![])),
    );
    let handle_funcs = spec.handles.funcs(next_func);
    let n_funcs = next_func + spec.handles.len();
    let needs_memory = spec.caller.memory.is_some() && spec.callee.memory.is_some();
    if needs_memory {
        for (name, m) in [
            ("mem_caller", &spec.caller.memory),
            ("mem_callee", &spec.callee.memory),
        ] {
            imports.push((name, Import::Memory(m.clone()?), None));
        }
    }
    let flags = spec.flags.as_ref().map(|f| {
        imports.push(("flags", Import::FlagsMemory, None));
        Flags {
            mem: if needs_memory { 2 } else { 0 },
            bytes: f,
        }
    });
    // Defined functions: the adapter, then a utf8 validator per memory.
    let adapter = n_funcs;
    let mut down = Dir {
        src: CALLER_MEM,
        dst: CALLEE_MEM,
        realloc: callee_realloc,
        validate: adapter + 3,
        transcode: None,
    };
    let mut up = Dir {
        src: CALLEE_MEM,
        dst: CALLER_MEM,
        realloc: caller_realloc,
        validate: adapter + 4,
        transcode: None,
    };
    let strings = transcoders(spec, needs_memory, adapter + 5, [&mut down, &mut up]);

    // The adapter's own signature: the caller's view of `canon lower`.
    let mut params = wasm(&sig.params);
    if sig.results_spilled {
        params.push(W::I32);
    }
    let results = if sig.results_spilled {
        vec![]
    } else {
        wasm(&sig.results)
    };
    let mut g = Gen {
        nparams: params.len() as u32,
        locals: vec![],
        code: vec![],
        handles: handle_funcs,
    };
    let lends = g.handles.end_abort();
    enter(&mut g, flags.as_ref());
    let guarded = spec.guard_exceptions || lends.is_some();
    if guarded {
        g.op(I::Try(BlockType::Empty));
    }
    // Arguments.
    let args: Vec<u32> = if sig.params_spilled {
        let tuple = abi::params_tuple(ty);
        let (align, size) = (abi::alignment(&tuple), abi::size(&tuple));
        g.check_place(CALLER_MEM, 0, align, size);
        let dst = g.realloc(down.realloc?, align, |g| g.op(I::I32Const(size as i32)));
        g.check_align(dst, align);
        mem(&mut g, &tuple, (0, 0), (dst, 0), down)?;
        vec![dst]
    } else {
        let mut src = 0..sig.params.len() as u32;
        let mut out = Vec::new();
        for (_, t) in &ty.params {
            flat(&mut g, t, &mut src, &mut out, down)?;
        }
        out
    };
    for a in &args {
        g.op(I::LocalGet(*a));
    }
    g.op(I::Call(CALLEE));
    // The result.
    let core_results: Vec<u32> = sig
        .results
        .iter()
        .rev()
        .map(|t| {
            let l = g.local(wasm_ty(*t));
            g.op(I::LocalSet(l));
            l
        })
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let mut out = Vec::new();
    if let Some(rt) = &ty.result {
        if sig.results_spilled {
            let (align, size) = (abi::alignment(rt), abi::size(rt));
            let (rp, retp) = (core_results[0], g.nparams - 1);
            g.check_place(CALLEE_MEM, rp, align, size);
            g.check_place(CALLER_MEM, retp, align, size);
            mem(&mut g, rt, (rp, 0), (retp, 0), up)?;
        } else {
            let mut src = core_results.iter().copied();
            flat(&mut g, rt, &mut src, &mut out, up)?;
        }
    }
    if let Some((end, _)) = lends {
        g.op(I::Call(end));
    }
    if let Some(p) = post {
        for r in &core_results {
            g.op(I::LocalGet(*r));
        }
        g.op(I::Call(p));
    }
    if guarded {
        g.op(I::CatchAll);
        leave(&mut g, flags.as_ref());
        if let Some((_, abort)) = lends {
            g.op(I::Call(abort));
        }
        g.ops([I::Rethrow(0), I::End]);
    }
    leave(&mut g, flags.as_ref());
    for o in &out {
        g.op(I::LocalGet(*o));
    }
    let mut f = Function::new_with_locals_types(g.locals.iter().copied());
    for i in &g.code {
        f.instruction(i);
    }
    f.instruction(&I::End);

    let mut funcs = vec![((params, results), f)];
    if needs_memory {
        // adapter + 1, + 2: the scalar validators the SIMD ones (+ 3, + 4) finish with.
        let mems = [CALLER_MEM, CALLEE_MEM];
        funcs.extend(mems.map(|m| ((i32x(2), vec![]), utf8::validator(m))));
        let simd = |(k, m): (usize, u32)| {
            (
                (i32x(2), vec![]),
                utf8::simd_validator(m, adapter + 1 + k as u32),
            )
        };
        funcs.extend(mems.into_iter().enumerate().map(simd));
        funcs.extend(strings.into_iter().map(|f| ((i32x(2), i32x(2)), f)));
    }
    // The handle helpers last: their function indices follow the others'.
    let imports = (imports.into_iter().map(|(n, i, s)| (n.to_string(), i, s)))
        .chain(spec.handles.imports().map(|(n, i, s)| (n, i, Some(s))));
    let (sigs, imports): (Vec<ImportSig>, Imports) =
        imports.map(|(n, i, s)| ((n.clone(), s), (n, i))).unzip();
    let bytes = assemble(&sigs, funcs);
    Some((bytes, imports))
}

/// The flags memory's index in the adapter and the bytes to check and set.
struct Flags<'a> {
    mem: u32,
    bytes: &'a InlineFlags,
}

/// The entry checks: the caller's `may_leave`, then the entering set's
/// `may_enter`, each trapping through its imported thrower; then the
/// entering set cleared. Without inline flags, the glue's `enter` does it.
fn enter(g: &mut Gen, flags: Option<&Flags>) {
    let Some(f) = flags else {
        return g.op(I::Call(ENTER));
    };
    let refuse = |g: &mut Gen, byte: u32, thrower: u32| {
        g.ops([
            I::I32Const(0),
            I::I32Load8U(mem_arg(f.mem, byte, 0)),
            I::I32Eqz,
            I::If(BlockType::Empty),
            I::Call(thrower),
            I::Unreachable,
            I::End,
        ]);
    };
    refuse(g, f.bytes.may_leave, CANNOT_LEAVE);
    for b in &f.bytes.entering {
        refuse(g, *b, CANNOT_ENTER);
    }
    set_entering(g, f, 0);
}

/// The entering set restored after the call (or the glue's `leave`).
fn leave(g: &mut Gen, flags: Option<&Flags>) {
    match flags {
        Some(f) => set_entering(g, f, 1),
        None => g.op(I::Call(LEAVE)),
    }
}

/// Stores `value` into every `may_enter` byte of the entering set.
fn set_entering(g: &mut Gen, f: &Flags, value: i32) {
    for b in &f.bytes.entering {
        g.ops([
            I::I32Const(0),
            I::I32Const(value),
            I::I32Store8(mem_arg(f.mem, *b, 0)),
        ]);
    }
}

/// The string functions (`transcode::store`) of the directions that carry
/// strings when caller and callee do not both use utf8, numbered from `first`;
/// sets each direction's `transcode`.
fn transcoders(spec: &Spec, needs_memory: bool, first: u32, dirs: [&mut Dir; 2]) -> Vec<Function> {
    let (caller, callee) = (spec.caller.encoding, spec.callee.encoding);
    if !needs_memory || (caller, callee) == (StringEncoding::Utf8, StringEncoding::Utf8) {
        return Vec::new();
    }
    let has_string = |t: &ValType| t.any(&|t| matches!(t, ValType::String));
    let carries = [
        spec.ty.params.iter().any(|(_, t)| has_string(t)),
        spec.ty.result.as_ref().is_some_and(has_string),
    ];
    let encodings = [(caller, callee), (callee, caller)];
    let mut funcs = Vec::new();
    for ((d, carries), (src, dst)) in dirs.into_iter().zip(carries).zip(encodings) {
        let Some(realloc) = d.realloc.filter(|_| carries) else {
            continue;
        };
        d.transcode = Some(first + funcs.len() as u32);
        funcs.push(transcode::store(&transcode::Strings {
            src_mem: d.src,
            dst_mem: d.dst,
            src,
            dst,
            realloc,
            validate_utf8: d.validate,
        }));
    }
    funcs
}

/// Converts one value of type `t` from flat source locals into flat
/// destination locals (pushed to `out`).
fn flat(
    g: &mut Gen,
    t: &ValType,
    src: &mut dyn Iterator<Item = u32>,
    out: &mut Vec<u32>,
    d: Dir,
) -> Option<()> {
    match t {
        ValType::S32 | ValType::U32 | ValType::S64 | ValType::U64 | ValType::F32 | ValType::F64 => {
            out.push(src.next()?)
        }
        ValType::Bool | ValType::U8 | ValType::S8 | ValType::U16 | ValType::S16 => {
            let x = src.next()?;
            g.op(I::LocalGet(x));
            g.op(match t {
                ValType::Bool => I::I32Const(0),
                ValType::U8 => I::I32Const(0xff),
                ValType::U16 => I::I32Const(0xffff),
                ValType::S8 => I::I32Extend8S,
                _ => I::I32Extend16S,
            });
            match t {
                ValType::Bool => g.op(I::I32Ne),
                ValType::U8 | ValType::U16 => g.op(I::I32And),
                _ => {}
            }
            let y = g.local(W::I32);
            g.op(I::LocalSet(y));
            out.push(y);
        }
        ValType::Char => {
            let x = src.next()?;
            check_char(g, x);
            out.push(x);
        }
        ValType::Enum(names) => {
            let x = src.next()?;
            g.ops([I::LocalGet(x), I::I32Const(names.len() as i32), I::I32GeU]);
            g.trap_if();
            out.push(x);
        }
        ValType::Flags(names) => {
            let words = names.len().div_ceil(32);
            for w in 0..words {
                let x = src.next()?;
                let bits = names.len() - w * 32;
                if bits >= 32 {
                    out.push(x);
                } else {
                    g.ops([
                        I::LocalGet(x),
                        I::I32Const(((1u64 << bits) - 1) as i32),
                        I::I32And,
                    ]);
                    let y = g.local(W::I32);
                    g.op(I::LocalSet(y));
                    out.push(y);
                }
            }
        }
        ValType::String | ValType::List(_) => {
            let (ptr, len) = (src.next()?, src.next()?);
            let (dst, len) = match t {
                ValType::String => copy_string(g, ptr, len, d)?,
                ValType::List(e) => (copy_list(g, e, ptr, len, d)?, len),
                _ => unreachable!(),
            };
            out.extend([dst, len]);
        }
        ValType::Record(fs) => {
            for (_, t) in fs {
                flat(g, t, src, out, d)?;
            }
        }
        ValType::Tuple(ts) => {
            for t in ts {
                flat(g, t, src, out, d)?;
            }
        }
        ValType::FixedList(e, n) => {
            for _ in 0..*n {
                flat(g, e, src, out, d)?;
            }
        }
        ValType::Variant(_) | ValType::Option(_) | ValType::Result(..) => {
            flat_variant(g, t, src, out, d)?
        }
        ValType::Own(_) | ValType::Borrow(_) => {
            let f = g.handles.moves(t, d.src == CALLER_MEM)?;
            let (x, y) = (src.next()?, g.local(W::I32));
            g.ops([I::LocalGet(x), I::Call(f), I::LocalSet(y)]);
            out.push(y);
        }
        _ => return None,
    }
    Some(())
}

/// A variant's flat form: the discriminant (checked), then the joined payload
/// slots. The active case's payload is taken out of the joined slots, moved,
/// and joined again; the other slots become zeros (the spec's
/// `lift_flat_variant` then `lower_flat_variant`).
fn flat_variant(
    g: &mut Gen,
    t: &ValType,
    src: &mut dyn Iterator<Item = u32>,
    out: &mut Vec<u32>,
    d: Dir,
) -> Option<()> {
    let cases = abi::variant_cases(t)?;
    let joined = abi::variant_payload_flat(&cases);
    let disc = src.next()?;
    g.ops([
        I::LocalGet(disc),
        I::I32Const(cases.len() as i32),
        I::I32GeU,
    ]);
    g.trap_if();
    let slots: Vec<u32> = (0..joined.len())
        .map(|_| src.next())
        .collect::<Option<_>>()?;
    // Fresh locals start at zero.
    let outs: Vec<u32> = joined.iter().map(|j| g.local(wasm_ty(*j))).collect();
    for (k, case) in cases.iter().enumerate() {
        let Some(p) = case else { continue };
        g.ops([
            I::LocalGet(disc),
            I::I32Const(k as i32),
            I::I32Eq,
            I::If(BlockType::Empty),
        ]);
        let flat_p = abi::flat_of(p);
        let mut taken = Vec::new();
        for (i, want) in flat_p.iter().enumerate() {
            g.op(I::LocalGet(slots[i]));
            coerce_from_joined(g, joined[i], *want);
            let l = g.local(wasm_ty(*want));
            g.op(I::LocalSet(l));
            taken.push(l);
        }
        let mut moved = Vec::new();
        flat(g, p, &mut taken.into_iter(), &mut moved, d)?;
        for (i, (m, have)) in moved.iter().zip(&flat_p).enumerate() {
            g.op(I::LocalGet(*m));
            coerce_to_joined(g, *have, joined[i]);
            g.op(I::LocalSet(outs[i]));
        }
        g.op(I::End);
    }
    out.push(disc);
    out.extend(outs);
    Some(())
}

/// A case's flat type and the joined slot type it travels in, with the
/// instructions converting to the slot and back (the spec's `join` cases).
type Coercion = (CoreTy, CoreTy, &'static [I<'static>], &'static [I<'static>]);
const COERCIONS: [Coercion; 4] = {
    use CoreTy::*;
    [
        (I32, I64, &[I::I64ExtendI32U], &[I::I32WrapI64]),
        (F32, I32, &[I::I32ReinterpretF32], &[I::F32ReinterpretI32]),
        (
            F32,
            I64,
            &[I::I32ReinterpretF32, I::I64ExtendI32U],
            &[I::I32WrapI64, I::F32ReinterpretI32],
        ),
        (F64, I64, &[I::I64ReinterpretF64], &[I::F64ReinterpretI64]),
    ]
};

/// The instructions between a case's flat type and its joined slot (none when equal).
fn coercion(case: CoreTy, joined: CoreTy, to_joined: bool) -> &'static [I<'static>] {
    COERCIONS
        .iter()
        .find(|c| (c.0, c.1) == (case, joined))
        .map_or(&[], |c| if to_joined { c.2 } else { c.3 })
}

/// Converts a joined slot value on the stack to the case's flat type.
fn coerce_from_joined(g: &mut Gen, joined: CoreTy, want: CoreTy) {
    g.code.extend_from_slice(coercion(want, joined, false));
}

/// Converts a case's flat value on the stack to the joined slot type.
fn coerce_to_joined(g: &mut Gen, have: CoreTy, joined: CoreTy) {
    g.code.extend_from_slice(coercion(have, joined, true));
}

/// Traps unless local `x` is a Unicode scalar value.
fn check_char(g: &mut Gen, x: u32) {
    // x >= 0x110000 || (x >= 0xD800 && x < 0xE000)
    g.ops([
        I::LocalGet(x),
        I::I32Const(0x11_0000),
        I::I32GeU,
        I::LocalGet(x),
        I::I32Const(0xD800),
        I::I32Sub,
        I::I32Const(0x800),
        I::I32LtU,
        I::I32Or,
    ]);
    g.trap_if();
}

/// Copies a utf8 string `(ptr, len)` from `d.src` into a fresh allocation in
/// `d.dst` (other encodings: calls `d.transcode`); returns the locals holding
/// the new pointer and (tagged) length.
fn copy_string(g: &mut Gen, ptr: u32, len: u32, d: Dir) -> Option<(u32, u32)> {
    if let Some(f) = d.transcode {
        g.ops([I::LocalGet(ptr), I::LocalGet(len), I::Call(f)]);
        let (dst, dst_len) = (g.local(W::I32), g.local(W::I32));
        g.ops([I::LocalSet(dst_len), I::LocalSet(dst)]);
        return Some((dst, dst_len));
    }
    g.check_max(len, abi::MAX_STRING_BYTE_LENGTH);
    g.check_range(d.src, ptr, |g| g.ops([I::LocalGet(len), I::I64ExtendI32U]));
    g.ops([I::LocalGet(ptr), I::LocalGet(len), I::Call(d.validate)]);
    let dst = g.realloc(d.realloc?, 1, |g| g.op(I::LocalGet(len)));
    g.ops([
        I::LocalGet(dst),
        I::LocalGet(ptr),
        I::LocalGet(len),
        I::MemoryCopy {
            src_mem: d.src,
            dst_mem: d.dst,
        },
    ]);
    Some((dst, len))
}

/// Copies a list `(ptr, len)` of `e` from `d.src` into a fresh allocation in
/// `d.dst` (one `memory.copy` for plain bytes, else element by element).
fn copy_list(g: &mut Gen, e: &ValType, ptr: u32, len: u32, d: Dir) -> Option<u32> {
    let (size, align) = (abi::size(e), abi::alignment(e));
    // len * size > MAX exactly when len > MAX / size (rounded down).
    g.check_max(len, abi::MAX_LIST_BYTE_LENGTH / size.max(1));
    g.check_align(ptr, align);
    let bytes64 = |g: &mut Gen| {
        g.ops([
            I::LocalGet(len),
            I::I64ExtendI32U,
            I::I64Const(size.into()),
            I::I64Mul,
        ])
    };
    g.check_range(d.src, ptr, bytes64);
    let bytes = g.local(W::I32);
    g.ops([
        I::LocalGet(len),
        I::I32Const(size as i32),
        I::I32Mul,
        I::LocalSet(bytes),
    ]);
    let dst = g.realloc(d.realloc?, align, |g| g.op(I::LocalGet(bytes)));
    g.check_align(dst, align);
    if abi::copies_as_bytes(e) {
        g.ops([
            I::LocalGet(dst),
            I::LocalGet(ptr),
            I::LocalGet(bytes),
            I::MemoryCopy {
                src_mem: d.src,
                dst_mem: d.dst,
            },
        ]);
        return Some(dst);
    }
    g.check_range(d.dst, dst, |g| {
        g.ops([I::LocalGet(bytes), I::I64ExtendI32U])
    });
    let (s, t, end) = (g.local(W::I32), g.local(W::I32), g.local(W::I32));
    g.ops([
        I::LocalGet(ptr),
        I::LocalTee(s),
        I::LocalGet(bytes),
        I::I32Add,
        I::LocalSet(end),
        I::LocalGet(dst),
        I::LocalSet(t),
        I::Block(BlockType::Empty),
        I::Loop(BlockType::Empty),
        I::LocalGet(s),
        I::LocalGet(end),
        I::I32Eq,
        I::BrIf(1),
    ]);
    mem(g, e, (s, 0), (t, 0), d)?;
    for l in [s, t] {
        g.ops([
            I::LocalGet(l),
            I::I32Const(size as i32),
            I::I32Add,
            I::LocalSet(l),
        ]);
    }
    g.ops([I::Br(0), I::End, I::End]);
    Some(dst)
}

/// Copies one value of type `t` from `d.src` at `(local, offset)` to `d.dst`
/// at `(local, offset)`.
fn mem(g: &mut Gen, t: &ValType, from: (u32, u32), to: (u32, u32), d: Dir) -> Option<()> {
    let (sa, so) = from;
    let (da, dof) = to;
    let load = |g: &mut Gen, bytes: u32| {
        g.op(I::LocalGet(sa));
        let m = mem_arg(d.src, so, bytes.trailing_zeros());
        g.op(match bytes {
            1 => I::I32Load8U(m),
            2 => I::I32Load16U(m),
            4 => I::I32Load(m),
            _ => I::I64Load(m),
        });
    };
    // Stores the value in `tmp` (i32 unless 8 bytes).
    let store = |g: &mut Gen, bytes: u32, tmp: u32| {
        g.ops([I::LocalGet(da), I::LocalGet(tmp)]);
        let m = mem_arg(d.dst, dof, bytes.trailing_zeros());
        g.op(match bytes {
            1 => I::I32Store8(m),
            2 => I::I32Store16(m),
            4 => I::I32Store(m),
            _ => I::I64Store(m),
        });
    };
    let copy_scalar = |g: &mut Gen, bytes: u32, check: &dyn Fn(&mut Gen, u32)| {
        load(g, bytes);
        let tmp = g.local(if bytes == 8 { W::I64 } else { W::I32 });
        g.op(I::LocalSet(tmp));
        check(g, tmp);
        store(g, bytes, tmp);
    };
    let none = |_: &mut Gen, _: u32| {};
    match t {
        _ if abi::copies_as_bytes(t) && !matches!(t, ValType::Record(_) | ValType::Tuple(_)) => {
            let size = abi::size(t);
            if matches!(size, 1 | 2 | 4 | 8) {
                copy_scalar(g, size, &none);
            } else {
                // A fixed-size list of plain values.
                g.ops([I::LocalGet(da), I::I32Const(dof as i32), I::I32Add]);
                g.ops([I::LocalGet(sa), I::I32Const(so as i32), I::I32Add]);
                g.ops([
                    I::I32Const(size as i32),
                    I::MemoryCopy {
                        src_mem: d.src,
                        dst_mem: d.dst,
                    },
                ]);
            }
        }
        ValType::Bool => copy_scalar(g, 1, &|g, x| {
            g.ops([I::LocalGet(x), I::I32Const(0), I::I32Ne, I::LocalSet(x)]);
        }),
        ValType::Char => copy_scalar(g, 4, &check_char),
        ValType::Own(_) | ValType::Borrow(_) => {
            let f = g.handles.moves(t, d.src == CALLER_MEM)?;
            copy_scalar(g, 4, &|g, x| {
                g.ops([I::LocalGet(x), I::Call(f), I::LocalSet(x)]);
            });
        }
        ValType::Flags(names) => {
            let size = abi::flags_size(names.len());
            if size <= 2 {
                copy_scalar(g, size, &|g, x| {
                    g.ops([
                        I::LocalGet(x),
                        I::I32Const(((1u64 << names.len()) - 1) as i32),
                        I::I32And,
                        I::LocalSet(x),
                    ]);
                });
            } else {
                for w in 0..size / 4 {
                    let bits = names.len() - w as usize * 32;
                    let (f, t2) = ((sa, so + 4 * w), (da, dof + 4 * w));
                    let mask = if bits >= 32 {
                        -1
                    } else {
                        ((1u64 << bits) - 1) as i32
                    };
                    mem_word(g, f, t2, d, mask);
                }
            }
        }
        ValType::String | ValType::List(_) => {
            let (ptr, len) = (g.local(W::I32), g.local(W::I32));
            g.ops([
                I::LocalGet(sa),
                I::I32Load(mem_arg(d.src, so, 2)),
                I::LocalSet(ptr),
                I::LocalGet(sa),
                I::I32Load(mem_arg(d.src, so + 4, 2)),
                I::LocalSet(len),
            ]);
            let (dst, len) = match t {
                ValType::String => copy_string(g, ptr, len, d)?,
                ValType::List(e) => (copy_list(g, e, ptr, len, d)?, len),
                _ => unreachable!(),
            };
            store(g, 4, dst);
            g.ops([
                I::LocalGet(da),
                I::LocalGet(len),
                I::I32Store(mem_arg(d.dst, dof + 4, 2)),
            ]);
        }
        ValType::Record(_) | ValType::Tuple(_) => {
            let fields: Vec<&ValType> = match t {
                ValType::Record(fs) => fs.iter().map(|(_, t)| t).collect(),
                ValType::Tuple(ts) => ts.iter().collect(),
                _ => unreachable!(),
            };
            let offsets = abi::field_offsets(fields.iter().copied());
            for (f, off) in fields.into_iter().zip(offsets) {
                mem(g, f, (sa, so + off), (da, dof + off), d)?;
            }
        }
        ValType::FixedList(e, n) => {
            let size = abi::size(e);
            for i in 0..*n {
                mem(g, e, (sa, so + i * size), (da, dof + i * size), d)?;
            }
        }
        ValType::Enum(_) | ValType::Variant(_) | ValType::Option(_) | ValType::Result(..) => {
            let cases = abi::variant_cases(t)?;
            let dsize = abi::discriminant_size(cases.len());
            let disc = g.local(W::I32);
            load(g, dsize);
            g.ops([
                I::LocalTee(disc),
                I::I32Const(cases.len() as i32),
                I::I32GeU,
            ]);
            g.trap_if();
            store(g, dsize, disc);
            let off = abi::payload_offset(&cases);
            for (k, case) in cases.iter().enumerate() {
                let Some(p) = case else { continue };
                g.ops([
                    I::LocalGet(disc),
                    I::I32Const(k as i32),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                ]);
                mem(g, p, (sa, so + off), (da, dof + off), d)?;
                g.op(I::End);
            }
        }
        _ => return None,
    }
    Some(())
}

/// Copies one i32 word, masked with `mask`.
fn mem_word(g: &mut Gen, (sa, so): (u32, u32), (da, dof): (u32, u32), d: Dir, mask: i32) {
    g.ops([
        I::LocalGet(da),
        I::LocalGet(sa),
        I::I32Load(mem_arg(d.src, so, 2)),
        I::I32Const(mask),
        I::I32And,
        I::I32Store(mem_arg(d.dst, dof, 2)),
    ]);
}
