//! TODO
pub struct ComponentIr;
pub fn parse(_b: &[u8]) -> crate::Result<ComponentIr> { todo!() }
