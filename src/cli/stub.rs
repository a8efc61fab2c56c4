//! `weft transpile --stub <wit>` (jco's `--stub`): transpiles a component
//! built from WIT alone, its core module a placeholder whose every export
//! traps (`unreachable`). The glue and `.d.ts` are those of a real component
//! of the world, so JS can be written and type-checked against it before the
//! guest exists; calling an export throws a `RuntimeError`.

use std::path::Path;

use weft::TranspileOptions;
use wit_component::{embed_component_metadata, ComponentEncoder, StringEncoding};
use wit_parser::{ManglingAndAbi, Resolve};

/// The component for the world of the WIT file or directory at `path` (its
/// only world), with the WIT features `opts` enables.
pub fn stub_component(path: &Path, opts: &TranspileOptions) -> Result<Vec<u8>, weft::Error> {
    let at = |e| invalid(path, e);
    if !path.exists() {
        return Err(weft::Error::io(format!(
            "{}: no such file or directory",
            path.display()
        )));
    }
    let mut resolve = Resolve {
        features: opts.features.iter().cloned().collect(),
        all_features: opts.all_features,
        ..Resolve::default()
    };
    let (pkg, _) = resolve.push_path(path).map_err(at)?;
    let world = resolve.select_world(&[pkg], None).map_err(at)?;
    let mut module = wit_component::dummy_module(&resolve, world, ManglingAndAbi::Standard32);
    embed_component_metadata(&mut module, &resolve, world, StringEncoding::UTF8, false)
        .map_err(at)?;
    ComponentEncoder::default()
        .module(&module)
        .and_then(|e| e.validate(true).encode())
        .map_err(at)
}

fn invalid(path: &Path, e: impl std::fmt::Display) -> weft::Error {
    weft::Error::invalid(format!("{}: {e:#}", path.display()), None)
}
