//! The cached access token, replaced at most once per expiry however many callers notice it.
//!
//! Many commands run at once. When the token expires they all get `INVALID_SESSION_ID` at
//! about the same time; each asks to renew *the token it used*, and only the first of them
//! goes to the token endpoint: the others find a newer token already in place (a higher
//! generation) and take it. No thundering herd at the token endpoint.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::error::AuthError;
use super::grant::{Authenticator, Session};

/// The token shared by every call of one client.
pub struct TokenCache {
    authenticator: Authenticator,
    current: Mutex<Option<Arc<Session>>>,
    /// Held while one caller talks to the token endpoint; the others wait on it.
    renewing: tokio::sync::Mutex<()>,
    requests: AtomicU64,
}

impl TokenCache {
    /// An empty cache: the first call authenticates.
    pub fn new(authenticator: Authenticator) -> Self {
        TokenCache {
            authenticator,
            current: Mutex::new(None),
            renewing: tokio::sync::Mutex::new(()),
            requests: AtomicU64::new(0),
        }
    }

    /// The token to use now, authenticating if there is none yet.
    pub async fn session(&self) -> Result<Arc<Session>, AuthError> {
        if let Some(session) = self.peek() {
            return Ok(session);
        }
        let _turn = self.renewing.lock().await;
        if let Some(session) = self.peek() {
            return Ok(session);
        }
        self.fetch().await
    }

    /// Replaces `stale` (which Salesforce just refused), unless another caller already did.
    pub async fn renew(&self, stale: &Session) -> Result<Arc<Session>, AuthError> {
        let _turn = self.renewing.lock().await;
        if let Some(session) = self.peek().filter(|s| s.generation != stale.generation) {
            return Ok(session);
        }
        self.fetch().await
    }

    /// How many times this cache went to the token endpoint.
    pub fn token_requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }

    fn peek(&self) -> Option<Arc<Session>> {
        self.current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Called with `renewing` held. A failed request clears the cache, so the known-bad token
    /// is not handed out again.
    async fn fetch(&self) -> Result<Arc<Session>, AuthError> {
        let generation = self.requests.fetch_add(1, Ordering::SeqCst) + 1;
        let result = self
            .authenticator
            .authenticate(generation)
            .await
            .map(Arc::new);
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        *current = result.as_ref().ok().cloned();
        result
    }
}
