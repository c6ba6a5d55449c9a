//! The operators' surface: the admin HTTP API ([`api`]) and the command line's client of it
//! ([`client`]), so that the same operations work against a laptop and a deployed instance;
//! who operators are and what their roles let them do ([`identity`]).

pub mod api;
pub mod client;
pub mod identity;
