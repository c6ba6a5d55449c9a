//! The operators' surface: the admin HTTP API ([`api`]) and the command line's client of it
//! ([`client`]), so that the same operations work against a laptop and a deployed instance.

pub mod api;
pub mod client;
