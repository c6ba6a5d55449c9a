//! Pure domain types and rules: no I/O here.

pub mod time;
