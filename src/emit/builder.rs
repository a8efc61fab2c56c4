//! [`FnBuilder`]: one generated function. It owns its [`ValueGen`] (set up in
//! one place from the canonical options: memory (and its address width),
//! realloc, encoding, handle table) and finishes into the function's source, declaring `dv` only when
//! the body reads memory, and handing the helpers it used to the glue.

use std::ops::{Deref, DerefMut};

use super::addr;
use super::bindings::Names;
use super::cx::EmitCx;
use super::values::{HandleCx, ValueGen};
use crate::plan::{CanonOpts, ComponentInstanceIdx, StringEncoding};

/// A function being generated (derefs to its [`ValueGen`]).
pub struct FnBuilder {
    g: ValueGen,
}

impl FnBuilder {
    /// A function moving values of component instance `inst` with `opts`
    /// (none: no memory, utf8).
    pub fn new(
        cx: &EmitCx,
        names: &mut Names,
        inst: ComponentInstanceIdx,
        opts: Option<&CanonOpts>,
    ) -> Self {
        let mem = opts
            .and_then(|o| o.memory.as_ref())
            .map(|m| names.memory(m));
        let w = cx.plan.addr(opts.and_then(|o| o.memory.as_ref()));
        let realloc =
            (opts.and_then(|o| o.realloc.as_ref())).map(|r| addr::realloc(cx, names, inst, r, w));
        let enc = opts.map_or(StringEncoding::Utf8, |o| o.string_encoding);
        let mut g = ValueGen::new(mem, realloc, enc);
        g.addr = w;
        g.style = cx.opts.value_style;
        g.resource_impls = cx.plan.resources.iter().map(|r| r.impl_instance).collect();
        g.async_types = cx.plan.async_types.to_vec();
        g.handles = HandleCx {
            inst,
            scope: None,
            lent: None,
        };
        FnBuilder { g }
    }

    /// `{head} {\n  let dv;\n  …body…\n}\n` where `head` is e.g.
    /// `function lower3(k0, k1)`.
    pub fn finish(self, names: &mut Names, head: &str) -> String {
        let (body, dv) = self.finish_body(names);
        format!("{head} {{\n{dv}{body}}}\n")
    }

    /// The body and its `dv` declaration line (empty when unused), apart.
    pub fn finish_body(self, names: &mut Names) -> (String, &'static str) {
        names.intrinsics.merge(&self.g.intr);
        let dv = if self.g.uses_dv { "  let dv;\n" } else { "" };
        (self.g.code, dv)
    }
}

impl Deref for FnBuilder {
    type Target = ValueGen;
    fn deref(&self) -> &ValueGen {
        &self.g
    }
}

impl DerefMut for FnBuilder {
    fn deref_mut(&mut self) -> &mut ValueGen {
        &mut self.g
    }
}
