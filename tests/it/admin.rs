//! The operators' side, over HTTP and through the `gatehouse` binary: the bearer token, the
//! lifecycle records and commands, dead letters and their replay, manual provisions and
//! lock-outs, parked commands, and the inbox's unmapped events.

mod access;
pub mod app;
mod cli;
mod dead_letters;
mod erasure;
mod erasure_scan;
mod inbox;
mod manual;
mod parked;
mod records;
mod retention;
