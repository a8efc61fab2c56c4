//! `transpile --stub` (jco's `--stub`): a component built from a WIT world
//! alone, its core module a placeholder whose every export traps
//! (`unreachable`). Its glue and `.d.ts` are those of a real component of the
//! world, so JS can be written and type-checked against it before the guest
//! exists; calling an export throws a `RuntimeError`. The native CLI reads
//! the WIT from a path, the npm package from the sources it is given.

use wit_component::{embed_component_metadata, ComponentEncoder, StringEncoding};
use wit_parser::{ManglingAndAbi, Resolve, WorldId};

use crate::{Error, Result};

/// The stub component of `world`.
pub fn stub_component(resolve: &Resolve, world: WorldId) -> Result<Vec<u8>> {
    let mut module = wit_component::dummy_module(resolve, world, ManglingAndAbi::Standard32);
    embed_component_metadata(&mut module, resolve, world, StringEncoding::UTF8, false)
        .map_err(invalid)?;
    ComponentEncoder::default()
        .module(&module)
        .and_then(|e| e.validate(true).encode())
        .map_err(invalid)
}

fn invalid(e: impl std::fmt::Display) -> Error {
    Error::invalid(format!("{e:#}"), None)
}
