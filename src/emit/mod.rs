//! TODO
pub fn emit(_b: &[u8], _ir: &crate::parse::ComponentIr, _p: &crate::plan::Plan, _o: &crate::TranspileOptions) -> crate::Result<crate::Transpiled> { todo!() }
