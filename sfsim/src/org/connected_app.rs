//! Connected apps: the org's record of which clients may ask for tokens, and how.

use serde::{Deserialize, Serialize};

/// A connected app (or external client app) that may ask for tokens. Comes from the fixture.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectedApp {
    /// Label, for people.
    pub name: String,
    /// The consumer key: `client_id` in the client-credentials flow, `iss` in a JWT bearer assertion.
    pub client_id: String,
    /// The consumer secret for the client-credentials flow; `None` disables that flow for the app.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// PEM certificate whose key signs JWT bearer assertions; `None` disables that flow for the app.
    #[serde(default)]
    pub certificate_pem: Option<String>,
    /// Username of the user the client-credentials flow runs as (the integration user).
    pub run_as: String,
}

/// The secret stays out of debug output, so an app can be logged while diagnosing a fixture.
impl std::fmt::Debug for ConnectedApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectedApp")
            .field("name", &self.name)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("has_certificate", &self.certificate_pem.is_some())
            .field("run_as", &self.run_as)
            .finish()
    }
}
