//! Signing deliveries the way the demo's senders do, so the demo exercises the real verifiers.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Standard Webhooks: `v1,` + base64(HMAC-SHA256(key, "{id}.{ts}.{body}")), key = base64 after `whsec_`.
pub fn standard_webhooks(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix("whsec_")?).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// BambooHR: lowercase hex of HMAC-SHA256(secret, body followed by the timestamp).
pub fn bamboohr(secret: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(body);
    mac.update(timestamp.to_string().as_bytes());
    Some(hex::encode(mac.finalize().into_bytes()))
}
