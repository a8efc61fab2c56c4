//! The WIT view of a component: WIT text and TypeScript declarations.
//! (Placeholder until the types branch lands.)
use crate::{Error, OutputFile, Result, TranspileOptions};

pub fn component_wit(_component: &[u8]) -> Result<String> {
    Err(Error::unsupported("weft wit"))
}
pub fn component_dts_for(_component: &[u8], _opts: &TranspileOptions) -> Result<Vec<OutputFile>> {
    Ok(Vec::new())
}
pub fn dts_from_wit_path(
    _p: &std::path::Path,
    _w: Option<&str>,
    _o: &TranspileOptions,
) -> Result<Vec<OutputFile>> {
    Err(Error::unsupported("weft types on WIT"))
}
