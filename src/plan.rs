//! TODO
pub struct Plan;
