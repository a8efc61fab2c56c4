//! TODO
pub fn flatten(_ir: &crate::parse::ComponentIr) -> crate::Result<crate::plan::Plan> { todo!() }
