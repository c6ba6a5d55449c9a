//! Configuration: one TOML file plus `GATEHOUSE_…` environment overrides, validated at start-up.

pub mod secret;

pub use secret::{SecretError, SecretRef};
