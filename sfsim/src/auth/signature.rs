//! The `signature` of a token response: HMAC-SHA256 over `id` + `issued_at`, keyed with the
//! consumer secret, base64. Salesforce sends it so a client can check the response came from
//! the org; a simulated org that omitted it would hide a client that depends on it.

use base64::Engine;
use sha2::{Digest, Sha256};

const BLOCK: usize = 64;

/// HMAC-SHA256 (RFC 2104) of `message` under `key`, base64 (standard alphabet, padded).
pub fn sign(key: &[u8], message: &[u8]) -> String {
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    let outer = Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize();
    base64::engine::general_purpose::STANDARD.encode(outer)
}

#[cfg(test)]
mod tests;
