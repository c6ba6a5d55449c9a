//! Issued access tokens: who they act for and when they stop working.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use parking_lot::Mutex;

/// Two hours: the default session timeout of a Salesforce org.
pub const DEFAULT_LIFETIME: Duration = Duration::hours(2);

/// What an access token stands for. Put into each authenticated request's extensions, so data
/// handlers can tell who is calling (e.g. for `CreatedById`). Holds no secret, so it may be
/// printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The 18-character id of the user the token acts as.
    pub user_id: String,
    pub username: String,
    /// The connected app's consumer key.
    pub client_id: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The org's live sessions. Salesforce's session timeout slides with activity; here a token
/// lives a fixed time from issue, which is the stricter case a client must already handle.
pub struct Tokens {
    lifetime: Mutex<Duration>,
    sessions: Mutex<HashMap<String, Session>>,
}

impl Default for Tokens {
    fn default() -> Self {
        Tokens::new(DEFAULT_LIFETIME)
    }
}

impl Tokens {
    /// No sessions yet; tokens issued from now on live `lifetime`.
    pub fn new(lifetime: Duration) -> Self {
        Tokens {
            lifetime: Mutex::new(lifetime),
            sessions: Mutex::new(HashMap::new()),
        }
    }

    /// How long newly issued tokens live.
    pub fn lifetime(&self) -> Duration {
        *self.lifetime.lock()
    }

    /// Changes the lifetime of tokens issued from now on; issued ones keep theirs.
    pub fn set_lifetime(&self, lifetime: Duration) {
        *self.lifetime.lock() = lifetime;
    }

    /// Issues a token for `user_id` through the app `client_id`. The token starts with the
    /// org's 15-character id and `!`, as Salesforce's do, because clients sometimes log that
    /// prefix to tell orgs apart.
    pub fn issue(
        &self,
        org_id: &str,
        user_id: &str,
        username: &str,
        client_id: &str,
        now: DateTime<Utc>,
    ) -> (String, Session) {
        let prefix: String = org_id.chars().take(15).collect();
        let token = format!(
            "{prefix}!AQ{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let session = Session {
            user_id: user_id.to_owned(),
            username: username.to_owned(),
            client_id: client_id.to_owned(),
            issued_at: now,
            expires_at: now + self.lifetime(),
        };
        self.sessions.lock().insert(token.clone(), session.clone());
        (token, session)
    }

    /// The session behind `token`, unless it is unknown, revoked or expired at `now`.
    pub fn session(&self, token: &str, now: DateTime<Utc>) -> Option<Session> {
        let mut sessions = self.sessions.lock();
        let session = sessions.get(token)?;
        if session.expires_at <= now {
            sessions.remove(token);
            return None;
        }
        Some(session.clone())
    }

    /// Revokes one token; `false` when it was not live.
    pub fn revoke(&self, token: &str) -> bool {
        self.sessions.lock().remove(token).is_some()
    }

    /// Revokes every token; returns how many there were.
    pub fn revoke_all(&self) -> usize {
        let mut sessions = self.sessions.lock();
        let count = sessions.len();
        sessions.clear();
        count
    }

    /// How many tokens are live at `now`.
    pub fn live(&self, now: DateTime<Utc>) -> usize {
        let mut sessions = self.sessions.lock();
        sessions.retain(|_, s| s.expires_at > now);
        sessions.len()
    }
}

#[cfg(test)]
mod tests;
