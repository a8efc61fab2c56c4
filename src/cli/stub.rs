//! `weft transpile --stub <wit>`: the stub component (`weft::stub`) of the
//! only world of a WIT file or directory.

use std::path::Path;

use weft::TranspileOptions;
use wit_parser::Resolve;

/// The stub component for the world of the WIT file or directory at `path`
/// (its only world), with the WIT features `opts` enables.
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
    weft::stub::stub_component(&resolve, world).map_err(|e| weft::Error {
        message: format!("{}: {}", path.display(), e.message),
        ..e
    })
}

fn invalid(path: &Path, e: impl std::fmt::Display) -> weft::Error {
    weft::Error::invalid(format!("{}: {e:#}", path.display()), None)
}
