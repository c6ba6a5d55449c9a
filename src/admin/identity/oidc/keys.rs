//! The identity provider's signing keys (its JWKS), kept in memory and read again on the
//! refresh interval and when a token names a key id not among them (the provider rotated its
//! keys), at most once per [`UNKNOWN_KEY_PAUSE`] so a stream of made-up key ids cannot turn
//! Gatehouse into a client hammering the provider. A failed read keeps the keys already held.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, KeyAlgorithm, PublicKeyUse};
use parking_lot::RwLock;
use serde::Deserialize;

use crate::clock::Clock;

/// The least time between two reads of the keys that an unknown key id asks for.
pub const UNKNOWN_KEY_PAUSE: TimeDelta = TimeDelta::seconds(30);

/// Largest JWKS document read.
const MAX_JWKS_BYTES: usize = 1 << 20;

/// Where the keys come from.
#[derive(Debug, Clone)]
pub enum KeySource {
    File(PathBuf),
    Url(String),
}

/// One signing key of the set.
#[derive(Clone)]
pub struct SigningKey {
    pub kid: Option<String>,
    /// The algorithm the key is published for, when the JWKS says.
    pub alg: Option<KeyAlgorithm>,
    pub key: DecodingKey,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({:?}, {:?})", self.kid, self.alg)
    }
}

/// The keys could not be read.
#[derive(Debug, thiserror::Error)]
pub enum KeysError {
    #[error("reading the JWKS file {path}")]
    File {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("fetching the JWKS from {url}")]
    Fetch {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("the JWKS at {from} answered HTTP {status}")]
    Status { from: String, status: u16 },
    #[error("the JWKS at {from} is larger than {MAX_JWKS_BYTES} bytes")]
    TooLarge { from: String },
    #[error("the JWKS at {from} is not a JSON key set")]
    Unreadable {
        from: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("the JWKS at {from} holds no RSA or EC signing key")]
    NoKeys { from: String },
}

#[derive(Default)]
struct Held {
    keys: Arc<Vec<SigningKey>>,
    /// When the keys were last read, or tried.
    tried_at: Option<DateTime<Utc>>,
}

/// The provider's keys as last read.
pub struct KeyCache {
    source: KeySource,
    http: reqwest::Client,
    clock: Arc<dyn Clock>,
    refresh: TimeDelta,
    held: RwLock<Held>,
    /// One read at a time; the others wait for it and use what it read.
    reading: tokio::sync::Mutex<()>,
}

impl KeyCache {
    /// A cache over `source`; a file is read now (a missing or unreadable one stops start-up),
    /// a URL at the first token.
    pub fn new(
        source: KeySource,
        refresh: Duration,
        clock: Arc<dyn Clock>,
    ) -> Result<KeyCache, KeysError> {
        let cache = KeyCache {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap_or_default(),
            refresh: TimeDelta::from_std(refresh).unwrap_or(TimeDelta::hours(1)),
            held: RwLock::new(Held::default()),
            reading: tokio::sync::Mutex::new(()),
            source,
            clock,
        };
        if let KeySource::File(path) = &cache.source {
            let keys = parse(&read_file(path)?, &path.display().to_string())?;
            *cache.held.write() = Held {
                keys: Arc::new(keys),
                tried_at: Some(cache.clock.now()),
            };
        }
        Ok(cache)
    }

    /// The keys that may have signed a token naming `kid`: the one with that id, or, for a
    /// token naming none, every key. Reads the keys again when they are due, or when `kid` is
    /// unknown and the last read is [`UNKNOWN_KEY_PAUSE`] old.
    pub async fn candidates(&self, kid: Option<&str>) -> Vec<SigningKey> {
        if self.older_than(self.refresh) {
            self.read_again(self.refresh).await;
        }
        let found = self.lookup(kid);
        if !found.is_empty() || kid.is_none() || !self.older_than(UNKNOWN_KEY_PAUSE) {
            return found;
        }
        self.read_again(UNKNOWN_KEY_PAUSE).await;
        self.lookup(kid)
    }

    fn lookup(&self, kid: Option<&str>) -> Vec<SigningKey> {
        let keys = self.held.read().keys.clone();
        keys.iter()
            .filter(|key| kid.is_none() || key.kid.as_deref() == kid)
            .cloned()
            .collect()
    }

    fn older_than(&self, age: TimeDelta) -> bool {
        let tried_at = self.held.read().tried_at;
        tried_at.is_none_or(|at| self.clock.now() - at >= age)
    }

    /// Reads the keys, unless another task did while this one waited its turn.
    async fn read_again(&self, age: TimeDelta) {
        let _turn = self.reading.lock().await;
        if !self.older_than(age) {
            return;
        }
        let now = self.clock.now();
        let read = self.read().await;
        let mut held = self.held.write();
        held.tried_at = Some(now);
        match read {
            Ok(keys) => {
                tracing::info!(
                    keys = keys.len(),
                    "read the identity provider's signing keys"
                );
                held.keys = Arc::new(keys);
            }
            Err(e) => tracing::warn!(
                error = %crate::report::chain(&e),
                kept = held.keys.len(),
                "could not read the identity provider's signing keys; keeping those held"
            ),
        }
    }

    async fn read(&self) -> Result<Vec<SigningKey>, KeysError> {
        match &self.source {
            KeySource::File(path) => parse(&read_file(path)?, &path.display().to_string()),
            KeySource::Url(url) => parse(&self.fetch(url).await?, url),
        }
    }

    async fn fetch(&self, url: &str) -> Result<Vec<u8>, KeysError> {
        let fetch = |source| KeysError::Fetch {
            url: url.to_owned(),
            source,
        };
        let mut response = self.http.get(url).send().await.map_err(fetch)?;
        if !response.status().is_success() {
            return Err(KeysError::Status {
                from: url.to_owned(),
                status: response.status().as_u16(),
            });
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(fetch)? {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_JWKS_BYTES {
                return Err(KeysError::TooLarge {
                    from: url.to_owned(),
                });
            }
        }
        Ok(body)
    }
}

fn read_file(path: &PathBuf) -> Result<Vec<u8>, KeysError> {
    std::fs::read(path).map_err(|source| KeysError::File {
        path: path.display().to_string(),
        source,
    })
}

/// A JWKS document's keys, each read on its own: a key of a kind Gatehouse does not verify
/// with (symmetric, encryption, a curve it does not know) is left out, not fatal.
#[derive(Deserialize)]
struct Document {
    keys: Vec<serde_json::Value>,
}

fn parse(bytes: &[u8], from: &str) -> Result<Vec<SigningKey>, KeysError> {
    let document: Document =
        serde_json::from_slice(bytes).map_err(|source| KeysError::Unreadable {
            from: from.to_owned(),
            source,
        })?;
    let keys: Vec<SigningKey> = document
        .keys
        .into_iter()
        .filter_map(|value| serde_json::from_value::<Jwk>(value).ok())
        .filter(is_signing_key)
        .filter_map(|jwk| {
            Some(SigningKey {
                key: DecodingKey::from_jwk(&jwk).ok()?,
                kid: jwk.common.key_id,
                alg: jwk.common.key_algorithm,
            })
        })
        .collect();
    if keys.is_empty() {
        return Err(KeysError::NoKeys {
            from: from.to_owned(),
        });
    }
    Ok(keys)
}

/// An RSA or elliptic-curve public key for signatures; never a shared secret.
fn is_signing_key(jwk: &Jwk) -> bool {
    let public = matches!(
        jwk.algorithm,
        AlgorithmParameters::RSA(_) | AlgorithmParameters::EllipticCurve(_)
    );
    let signs = !matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption));
    public && signs
}

#[cfg(test)]
mod tests;
