//! Fused adapters: a call from one component into another that never leaves wasm.
//!
//! **Why.** A `canon lower` whose callee is another component's `canon lift` is, in the
//! JS adapter (`emit::lower::lowered`), JS frames around every call and conversions: lift
//! the caller's arguments into JS values (or, between utf8 components, views of the
//! caller's memory), lower them again into the callee's memory, and the same for the
//! result. The spec describes the call as one *fused* function that copies straight from one
//! linear memory to the other (wasmtime compiles exactly that; its "FACT" trampolines).
//! This module generates such a function as a small core wasm module (one per adapter)
//! that imports both memories (multi-memory), the callee's core function, the reallocs
//! and post-return, and calls the callee directly: core wasm to core wasm, no JS frames
//! for the values.
//!
//! **What it covers** (decided statically per adapter by [`adapter`]): a synchronous
//! lower of a synchronous lift that cannot suspend (no JSPI on its path), whose
//! parameter and result types are built from scalars, `bool`, `char`, enums, flags,
//! strings (utf8 to utf8: validated, then one `memory.copy`), lists (`memory.copy` when
//! the element's bytes need no checking, else an element loop), records, tuples,
//! fixed-size lists, variants, options and results, and resource handles (`own`/`borrow`:
//! the tables stay the glue's, the adapter calls imported helpers to move each handle,
//! see `handles.rs`). Parameters and results may be flat or spilled to memory, as the
//! Canonical ABI says. Strings between any two encodings (utf8, utf16, latin1+utf16)
//! are transcoded in wasm by a generated function per direction ([`transcode`]: the
//! spec's lift checks, then its exact realloc sequence).
//!
//! **What falls back to the JS adapter:** streams, futures, error contexts, maps,
//! 64-bit memories on either side (memory64: the JS adapter converts between the two
//! address widths), async lowers and lifts, JSPI-blocking calls, handles in a
//! component that uses the async ABI (a lent borrow counts in the callee's task
//! there), nested (parent/child) calls, and engines without multi-memory or exception
//! handling: the glue checks once with `WebAssembly.validate`
//! (`js-runtime/intrinsics/fused.js`) and wires the JS adapter when the engine lacks them.
//!
//! **The spec's checks** stay where they are observable: `may_leave` of the caller and
//! the callee's entering set (`may_enter`) are the glue's flags. Without the async ABI
//! they are bytes of a memory the glue shares with the adapters ([`InlineFlags`]): the
//! adapter checks and clears them before the call and sets them again after it, also
//! when the callee throws (a `catch_all` that rethrows), calling into JS only to
//! throw the trap. With the async ABI they live in the runtime's instances, so the
//! adapter calls two tiny imported helpers (`enter`, `leave`) around the call, which
//! also begin and end the callee's synchronous task (`enterSync` / `leaveSync`: the
//! thread its `context.get`/`set` and built-ins find), as the JS adapter does, unless
//! the callee runs no JS at all. Reallocs and post-return that
//! must clear `may_leave` are imported as the glue's wrappers. Invalid
//! values (strings and lists above the spec's 2^28 - 1 byte length limits, bad utf8,
//! unpaired utf16 surrogates, out-of-range discriminants and chars, misaligned or
//! out-of-bounds pointers, reallocs returning such) trap with `unreachable`; handle
//! traps (dangling, wrong type, lent, leaked borrows) come from the handle helpers,
//! with the JS adapter's messages.

mod body;
mod code;
mod handles;
mod transcode;
mod utf8;

pub use handles::Op as HandleOp;

use wasm_encoder::{
    CodeSection, EntityType, ExportKind, ExportSection, FunctionSection, ImportSection, MemoryType,
    Module, TypeSection, ValType as W,
};

use crate::abi;
use crate::plan::{Callee, ComponentInstanceIdx, CoreDef, LoweredIdx, Plan};
use crate::types::CoreTy;
use crate::types::ValType;

/// One fused adapter: the core module's bytes and what to pass as each of its imports
/// (all from module `""`; the module exports the adapter as `"adapter"`).
#[derive(Debug, Clone)]
pub struct Adapter {
    pub bytes: Vec<u8>,
    pub imports: Imports,
}

/// What the glue passes as one import of an adapter module.
#[derive(Debug, Clone)]
pub enum Import {
    /// A core memory (the caller's or the callee's).
    Memory(CoreDef),
    /// The callee's core function.
    Callee(CoreDef),
    /// A realloc of component instance `inst` (the glue wraps it when `may_leave` matters).
    Realloc {
        inst: ComponentInstanceIdx,
        def: CoreDef,
    },
    /// The callee's post-return, taking `nargs` core values (wrapped like realloc).
    PostReturn {
        inst: ComponentInstanceIdx,
        def: CoreDef,
        nargs: usize,
    },
    /// Checks the caller's `may_leave` and checks and clears the entering set.
    Enter,
    /// Restores the entering set.
    Leave,
    /// The glue's flags memory, where the adapter checks and sets the flags
    /// itself ([`InlineFlags`]).
    FlagsMemory,
    /// Traps: the entering set may not be entered (with its flags inline).
    CannotEnter,
    /// Traps: the caller may not leave (with its flags inline).
    CannotLeave,
    /// A handle helper (`handles`): moves handles between the two instances' tables.
    Handle {
        op: handles::Op,
        caller: ComponentInstanceIdx,
        callee: ComponentInstanceIdx,
    },
}

/// The fused adapter for `canon lower` number `idx`, or `None` when it must stay a JS
/// adapter (see the module documentation for what is covered).
pub fn adapter(plan: &Plan, idx: LoweredIdx) -> Option<Adapter> {
    let lower = &plan.lowered[idx];
    let Callee::Lifted(li) = lower.callee else {
        return None;
    };
    let lift = &plan.lifted[li];
    let (caller, callee) = (lower.component_instance, lift.component_instance);
    if lower.opts.is_async
        || lift.opts.is_async
        || lift.ty.is_async
        || plan.nested_call_traps(callee, caller)
        || lift.ty != lower.ty
        || !matches!(lift.core, CoreDef::Export { .. })
        || plan.addr(lower.opts.memory.as_ref()).is_64()
        || plan.addr(lift.opts.memory.as_ref()).is_64()
    {
        return None;
    }
    let ty = &lift.ty;
    let types = || ty.params.iter().map(|(_, t)| t).chain(&ty.result);
    if !types().all(covered) {
        return None;
    }
    // With the async ABI, a lent borrow counts in the callee's task, which
    // the handle helpers do not track: such calls keep the JS adapter.
    if plan.uses_async()
        && types().any(|t| t.any(&|t| matches!(t, ValType::Own(_) | ValType::Borrow(_))))
    {
        return None;
    }
    let sig = abi::flat_sig(ty);
    let needs_memory = sig.params_spilled
        || sig.results_spilled
        || types().any(|t| t.any(&|t| matches!(t, ValType::String | ValType::List(_))));
    let mems = [&lower.opts.memory, &lift.opts.memory];
    if needs_memory && mems.iter().any(|m| m.is_none()) {
        return None;
    }
    let side = |opts: &crate::plan::CanonOpts, inst| body::Side {
        realloc: opts
            .realloc
            .clone()
            .map(|def| Import::Realloc { inst, def }),
        memory: opts.memory.clone(),
        encoding: opts.string_encoding,
    };
    let spec = body::Spec {
        ty: ty.clone(),
        caller: side(&lower.opts, caller),
        callee: side(&lift.opts, callee),
        post_return: lift.opts.post_return.clone().map(|def| Import::PostReturn {
            inst: callee,
            def,
            nargs: sig.results.len(),
        }),
        guard_exceptions: !plan.entering_set(callee, Some(caller)).is_empty(),
        flags: (!plan.uses_async()).then(|| InlineFlags {
            may_leave: flag_byte(caller, true),
            entering: (plan.entering_set(callee, Some(caller)).iter())
                .map(|c| flag_byte(*c, false))
                .collect(),
        }),
        handles: handles::Handles::new(plan, ty, caller, callee),
        callee_core: lift.core.clone(),
    };
    body::build(&spec).map(|(bytes, imports)| Adapter { bytes, imports })
}

/// The glue's `may_enter`/`may_leave` flags as bytes of its flags memory
/// (`emit::ident::FlagHome::Memory`; 1: set), which the adapter checks and
/// sets itself instead of calling the glue's `enter`/`leave` helpers. Without
/// the async ABI only the glue and the adapters read them.
#[derive(Debug, Clone)]
pub struct InlineFlags {
    /// The caller's `may_leave` byte.
    pub may_leave: u32,
    /// The `may_enter` bytes of the callee's entering set.
    pub entering: Vec<u32>,
}

/// The byte of instance `c`'s `may_enter` flag (its `may_leave`: the next
/// one) in the flags memory.
pub fn flag_byte(c: ComponentInstanceIdx, may_leave: bool) -> u32 {
    2 * c.index() as u32 + u32::from(may_leave)
}

/// Whether the fused adapter can carry values of type `t`.
fn covered(t: &ValType) -> bool {
    !t.any(&|t| {
        matches!(
            t,
            ValType::Stream(_) | ValType::Future(_) | ValType::ErrorContext | ValType::Map(..)
        )
    })
}

/// A core function type: params and results.
type Sig = (Vec<W>, Vec<W>);
/// A module import: its name and function type (`None`: a memory).
type ImportSig = (String, Option<Sig>);
/// An adapter's imports in order: name and what the glue passes.
pub type Imports = Vec<(String, Import)>;

/// A wasm value type for a flat core type.
fn wasm_ty(t: CoreTy) -> W {
    match t {
        CoreTy::I32 => W::I32,
        CoreTy::I64 => W::I64,
        CoreTy::F32 => W::F32,
        CoreTy::F64 => W::F64,
    }
}

/// Assembles a module from its imports (functions as `(params, results)`, memories as
/// `None`) and one defined function body per entry of `funcs`, exporting the first
/// defined function as `"adapter"`.
fn assemble(imports: &[ImportSig], funcs: Vec<(Sig, wasm_encoder::Function)>) -> Vec<u8> {
    let mut types = TypeSection::new();
    let mut import_sec = ImportSection::new();
    let mut n_types = 0u32;
    let mut n_func_imports = 0u32;
    for (name, sig) in imports {
        match sig {
            Some((p, r)) => {
                types.ty().function(p.iter().copied(), r.iter().copied());
                import_sec.import("", name, EntityType::Function(n_types));
                n_types += 1;
                n_func_imports += 1;
            }
            None => {
                let mem = MemoryType {
                    minimum: 0,
                    maximum: None,
                    memory64: false,
                    shared: false,
                    page_size_log2: None,
                };
                import_sec.import("", name, EntityType::Memory(mem));
            }
        }
    }
    let mut fsec = FunctionSection::new();
    let mut code = CodeSection::new();
    for ((p, r), f) in funcs {
        types.ty().function(p, r);
        fsec.function(n_types);
        n_types += 1;
        code.function(&f);
    }
    let mut exports = ExportSection::new();
    exports.export("adapter", ExportKind::Func, n_func_imports);
    let mut m = Module::new();
    m.section(&types)
        .section(&import_sec)
        .section(&fsec)
        .section(&exports)
        .section(&code);
    m.finish()
}

#[cfg(test)]
mod tests;
