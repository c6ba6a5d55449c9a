//! OAuth token endpoint (client credentials, JWT bearer) and session checks.

use serde::{Deserialize, Serialize};

/// A connected app (or external client app) that may ask for tokens. Comes from the fixture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// Issued access tokens.
#[derive(Default)]
pub struct Tokens {}
