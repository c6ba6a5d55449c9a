//! The secrets a source may currently sign with, and which of them proved a delivery.
//!
//! The config resolves them (`config::verification`); here each is held as the bytes its
//! scheme compares with, and the first live one that proves a delivery is named, for rotation
//! metrics.

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretSlice};

use super::mac::credential_matches;
use super::rejection::Rejection;
use crate::config::verification::ResolvedSecret;

/// Which configured secret proved a delivery: its position in `secrets` and its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchedSecret {
    index: usize,
    label: Option<String>,
}

impl MatchedSecret {
    /// Position in the source's `secrets` list, counting from 0.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The entry's `label`, if the config gave one.
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }
}

/// The label if there is one, else `secrets[i]`: a short name for metrics and logs.
impl std::fmt::Display for MatchedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.label {
            Some(label) => f.write_str(label),
            None => write!(f, "secrets[{}]", self.index),
        }
    }
}

/// One resolved secret, already turned into the bytes its scheme compares with.
#[derive(Debug)]
struct Key {
    matched: MatchedSecret,
    /// First instant at which this secret no longer verifies.
    expires_at: Option<DateTime<Utc>>,
    material: SecretSlice<u8>,
}

/// All secrets of one source, in config order.
#[derive(Debug)]
pub(super) struct KeyRing {
    keys: Vec<Key>,
}

impl KeyRing {
    /// The resolved secrets as they are: the keys of a MAC scheme.
    pub(super) fn of_keys(secrets: &[ResolvedSecret]) -> Self {
        Self::derived(secrets, <[u8]>::to_vec)
    }

    /// The resolved secrets turned into what each is compared as by `derive` (a digest of the
    /// credential a sender presents, for basic auth and static headers).
    pub(super) fn derived(secrets: &[ResolvedSecret], derive: impl Fn(&[u8]) -> Vec<u8>) -> Self {
        let keys = secrets
            .iter()
            .map(|secret| Key {
                matched: MatchedSecret {
                    index: secret.index,
                    label: secret.label.clone(),
                },
                expires_at: secret.expires_at,
                material: SecretSlice::from(derive(secret.material.expose_secret())),
            })
            .collect();
        Self { keys }
    }

    /// The first live secret (config order) for which `proves` holds. When none does, the
    /// rejection comes from `no_match`, given how many live secrets were tried.
    pub(super) fn find(
        &self,
        now: DateTime<Utc>,
        mut proves: impl FnMut(&[u8]) -> bool,
        no_match: impl FnOnce(usize) -> Rejection,
    ) -> Result<MatchedSecret, Rejection> {
        let mut tried = 0;
        for key in &self.keys {
            if key.expires_at.is_some_and(|expiry| now >= expiry) {
                continue;
            }
            tried += 1;
            if proves(key.material.expose_secret()) {
                return Ok(key.matched.clone());
            }
        }
        if tried == 0 {
            Err(Rejection::NoLiveSecret)
        } else {
            Err(no_match(tried))
        }
    }

    /// The live secret whose credential digest matches `presented`, for schemes that send a
    /// shared credential (basic auth, a static header) rather than a MAC.
    pub(super) fn find_credential(
        &self,
        now: DateTime<Utc>,
        presented: &[u8],
    ) -> Result<MatchedSecret, Rejection> {
        self.find(
            now,
            |tag| credential_matches(tag, presented),
            |tried| Rejection::BadCredentials { tried },
        )
    }
}

#[cfg(test)]
mod tests;
