//! Shared test set-up: verifiers from TOML text and instants from Unix seconds.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::Verifier;
use crate::config::VerificationConfig;

/// The config key prefix the fixtures build under; errors name keys below it.
pub(super) const PREFIX: &str = "sources.test.verification";

#[derive(Deserialize)]
struct Holder {
    verification: VerificationConfig,
}

/// Parses the body of a `[verification]` table.
pub(super) fn config(body: &str) -> VerificationConfig {
    let text = format!("[verification]\n{body}");
    match toml::from_str::<Holder>(&text) {
        Ok(holder) => holder.verification,
        Err(err) => panic!("test config does not parse: {err}"),
    }
}

/// A verifier built from the body of a `[verification]` table.
pub(super) fn verifier(body: &str) -> Verifier {
    match Verifier::build(&config(body), PREFIX) {
        Ok(verifier) => verifier,
        Err(err) => panic!("test config does not build: {err}"),
    }
}

/// The build error for a config that should not build, as its message.
pub(super) fn build_error(body: &str) -> String {
    match Verifier::build(&config(body), PREFIX) {
        Ok(_) => panic!("config built but should have been refused"),
        Err(err) => err.to_string(),
    }
}

/// The instant `seconds` after the Unix epoch.
pub(super) fn at(seconds: i64) -> DateTime<Utc> {
    match DateTime::from_timestamp(seconds, 0) {
        Some(instant) => instant,
        None => panic!("{seconds} is out of range"),
    }
}
