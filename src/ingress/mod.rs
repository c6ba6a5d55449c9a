//! How events enter Gatehouse.

pub mod http;
