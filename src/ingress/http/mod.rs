//! Signed webhooks over HTTP.

pub mod verify;
