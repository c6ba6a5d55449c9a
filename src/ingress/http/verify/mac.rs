//! MAC computation and every comparison of secret-derived bytes.
//!
//! All comparisons go through the `hmac` crate's `verify_slice`, which is constant-time and
//! refuses a tag of the wrong length. A hand-written `==` leaks timing, and one published
//! verifier's hand-rolled compare accepted an empty signature (`webhook-signature: v1,`).

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha512};

use crate::config::verification::MacAlgorithm;

// The algorithm is named in the config; computing it is the verifier's business, so its
// arithmetic lives here, beside every other comparison of secret-derived bytes.
impl MacAlgorithm {
    /// Whether any of `candidates` is the HMAC, under `key`, of `parts` joined end to end.
    pub(super) fn any_matches(self, key: &[u8], parts: &[&[u8]], candidates: &[Vec<u8>]) -> bool {
        match self {
            MacAlgorithm::Sha256 => any_matches_with::<Hmac<Sha256>>(key, parts, candidates),
            MacAlgorithm::Sha512 => any_matches_with::<Hmac<Sha512>>(key, parts, candidates),
        }
    }
}

fn any_matches_with<M: Mac + KeyInit + Clone>(
    key: &[u8],
    parts: &[&[u8]],
    candidates: &[Vec<u8>],
) -> bool {
    // HMAC takes keys of any length, so this cannot fail; refusing is the safe answer anyway.
    let Ok(mut mac) = <M as KeyInit>::new_from_slice(key) else {
        return false;
    };
    for part in parts {
        mac.update(part);
    }
    candidates
        .iter()
        .any(|candidate| mac.clone().verify_slice(candidate).is_ok())
}

/// Fixed key for [`credential_tag`]; it need not be secret, only constant.
const CREDENTIAL_TAG_KEY: &[u8] = b"gatehouse credential comparison";

/// A fixed-length digest of a shared credential (basic-auth pair, static header value), stored
/// instead of the credential so presented values can be compared with `verify_slice` in
/// constant time whatever their length. The credential is the HMAC message, not its key:
/// HMAC zero-pads short keys, so "abc" and "abc\0" would collide as keys.
pub(super) fn credential_tag(credential: &[u8]) -> Vec<u8> {
    credential_mac(credential)
        .map(|mac| mac.finalize().into_bytes().to_vec())
        .unwrap_or_default()
}

/// Whether `presented` is the credential that `tag` was made from.
pub(super) fn credential_matches(tag: &[u8], presented: &[u8]) -> bool {
    credential_mac(presented).is_some_and(|mac| mac.verify_slice(tag).is_ok())
}

fn credential_mac(credential: &[u8]) -> Option<Hmac<Sha256>> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(CREDENTIAL_TAG_KEY).ok()?;
    mac.update(credential);
    Some(mac)
}

#[cfg(test)]
mod tests;
