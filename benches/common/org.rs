//! What the engine's benchmarks share about the org and the sender: a simulated org with room
//! for every user a run creates, and the Standard Webhooks signature a sender puts on a delivery.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sfsim::FixtureSource;
use sha2::Sha256;

/// The default simulated org with room for every user the run creates.
pub fn roomy_fixture() -> anyhow::Result<FixtureSource> {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/sfsim/fixtures"));
    let default = std::fs::read_to_string(dir.join("default.toml"))?;
    Ok(FixtureSource::Toml {
        text: default.replace("total = 50", "total = 1000000"),
        base_dir: dir.to_owned(),
    })
}

/// The Standard Webhooks signature of a delivery: `v1,` and the HMAC-SHA256 of
/// `{id}.{timestamp}.{body}`, keyed with `secret` (`whsec_` and the key in base64).
pub fn sign(secret: &str, id: &str, ts: i64, body: &[u8]) -> String {
    let key = STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .unwrap_or_default();
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key) else {
        return String::new();
    };
    mac.update(format!("{id}.{ts}.").as_bytes());
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}
