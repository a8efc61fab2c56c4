//! A component binary's WIT: the resolved world `wit-component` decodes
//! from it, for `weft wit`, the `.d.ts` and the glue's namespace objects.

use wit_component::DecodedWasm;
use wit_parser::{Resolve, WorldId};

use crate::{Error, Result};

/// Decodes a component binary into its resolved world.
pub(super) fn decode(component: &[u8]) -> Result<(Resolve, WorldId)> {
    if !wasmparser::Parser::is_component(component) {
        return Err(Error::invalid("not a WebAssembly component", Some(0)));
    }
    // wit-parser can panic on a valid component it does not expect (see
    // `panic_guard`): that is an input it cannot describe, not a crash.
    let decoded = crate::panic_guard::guard(|| wit_component::decode(component)).ok_or_else(|| {
        Error::invalid(
            "cannot decode the component's WIT: wit-parser failed on it (an internal error of the decoder)",
            None,
        )
    })?;
    match decoded {
        Ok(DecodedWasm::Component(resolve, world)) => Ok((resolve, world)),
        Ok(DecodedWasm::WitPackage(..)) => Err(Error::invalid(
            "expected a component, found a WIT package encoded as wasm",
            None,
        )),
        Err(e) => Err(Error::invalid(
            format!("cannot decode the component's WIT: {e:#}"),
            None,
        )),
    }
}
