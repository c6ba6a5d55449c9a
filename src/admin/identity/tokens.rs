//! Named tokens: `[[admin.operators]]` and the shared `[admin] token` (the operator `admin`).
//!
//! Every token is kept as its SHA-256 (a `token_sha256` is already one), and a presented token
//! is hashed and compared with each under HMAC-SHA256 with a key drawn at start-up, by the
//! library's constant-time comparison, and always with all of them: neither a token's bytes
//! nor which operator's it is can be learnt from how long a refusal takes.

use std::fmt;

use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use super::{Credential, IdentityError, Operator};
use crate::config::AdminConfig;
use crate::config::admin::SHARED_TOKEN_ACTOR;
use crate::domain::Role;

/// One operator's token, as a keyed digest of its SHA-256.
struct Entry {
    name: String,
    role: Role,
    digest: Vec<u8>,
}

/// The configured tokens.
pub struct NamedTokens {
    key: [u8; 32],
    entries: Vec<Entry>,
}

impl NamedTokens {
    /// The shared token (as `admin`, role `admin`) and every named operator's, read now.
    pub fn from_config(config: &AdminConfig) -> Result<NamedTokens, IdentityError> {
        let mut tokens = NamedTokens::empty();
        if let Some(token) = &config.token {
            let secret = token.resolve("admin.token")?;
            let sha = Sha256::digest(secret.expose_secret().as_bytes()).to_vec();
            tokens.add(SHARED_TOKEN_ACTOR, Role::Admin, &sha)?;
        }
        for (index, operator) in config.operators.iter().enumerate() {
            let sha = match (&operator.token, &operator.token_sha256) {
                (Some(token), _) => {
                    let secret = token.resolve(&format!("admin.operators[{index}].token"))?;
                    Sha256::digest(secret.expose_secret().as_bytes()).to_vec()
                }
                (None, Some(hex_digest)) => hex::decode(hex_digest)
                    .ok()
                    .filter(|d| d.len() == 32)
                    .ok_or_else(|| IdentityError::BadDigest {
                        name: operator.name.clone(),
                    })?,
                (None, None) => {
                    return Err(IdentityError::BadDigest {
                        name: operator.name.clone(),
                    });
                }
            };
            tokens.add(&operator.name, operator.role, &sha)?;
        }
        Ok(tokens)
    }

    fn empty() -> NamedTokens {
        let mut key = [0u8; 32];
        key[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        key[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        NamedTokens {
            key,
            entries: Vec::new(),
        }
    }

    /// Adds `name`'s token by its SHA-256; refuses a token another operator has.
    fn add(&mut self, name: &str, role: Role, sha: &[u8]) -> Result<(), IdentityError> {
        if let Some(first) = self.matching(sha) {
            return Err(IdentityError::SameToken {
                first: first.name.clone(),
                second: name.to_owned(),
            });
        }
        let digest = self
            .mac(sha)
            .map(|mac| mac.finalize().into_bytes().to_vec());
        self.entries.push(Entry {
            name: name.to_owned(),
            role,
            digest: digest.unwrap_or_default(),
        });
        Ok(())
    }

    fn mac(&self, sha: &[u8]) -> Option<Hmac<Sha256>> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).ok()?;
        mac.update(sha);
        Some(mac)
    }

    /// The entry whose token has this SHA-256, comparing with every entry.
    fn matching(&self, sha: &[u8]) -> Option<&Entry> {
        let mut found = None;
        for entry in &self.entries {
            let same = self.mac(sha).is_some_and(|mac| {
                !entry.digest.is_empty() && mac.verify_slice(&entry.digest).is_ok()
            });
            if same && found.is_none() {
                found = Some(entry);
            }
        }
        found
    }

    /// The operator whose token `presented` is.
    pub fn find(&self, presented: &[u8]) -> Option<Operator> {
        let sha = Sha256::digest(presented);
        self.matching(&sha)
            .map(|entry| Operator::new(entry.name.clone(), entry.role, Credential::Token))
    }
}

impl fmt::Debug for NamedTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.entries.iter().map(|e| e.name.as_str()).collect();
        write!(f, "NamedTokens({names:?}, <redacted>)")
    }
}

#[cfg(test)]
mod tests;
