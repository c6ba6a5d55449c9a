//! How events enter Gatehouse.

pub mod http;
pub mod identity;
