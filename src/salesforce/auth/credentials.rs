//! What Gatehouse proves itself with at the token endpoint. Keys and secrets never print.

use std::fmt;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::{ExposeSecret, SecretString};

/// Why a private key cannot be used for the JWT bearer flow.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Not PEM, or not RSA (PKCS#8 or PKCS#1).
    #[error("the private key is not an RSA key in PEM form")]
    NotRsaPem(#[source] jsonwebtoken::errors::Error),
    /// Read, but refused when tried on an empty assertion.
    #[error("the private key cannot sign with RS256")]
    CannotSign(#[source] jsonwebtoken::errors::Error),
}

/// What Gatehouse proves itself with.
pub enum Credentials {
    /// The connected app's consumer key, the integration user's username and the private key
    /// whose certificate is uploaded to the app; `audience` is the assertion's `aud` when it is
    /// not the one derived from the login URL (`https://login.salesforce.com`, or
    /// `https://test.salesforce.com` for a sandbox).
    JwtBearer {
        client_id: String,
        username: String,
        key: EncodingKey,
        audience: Option<String>,
    },
    /// The app's consumer key and secret; Salesforce runs the calls as the app's "Run As" user.
    ClientCredentials {
        client_id: String,
        client_secret: SecretString,
    },
}

impl Credentials {
    /// JWT bearer credentials from a PEM private key (PKCS#8 or PKCS#1). The key is tried once
    /// here, so a wrong file is reported at start-up rather than at the first token request.
    pub fn jwt_bearer(
        client_id: impl Into<String>,
        username: impl Into<String>,
        private_key_pem: &SecretString,
    ) -> Result<Credentials, KeyError> {
        let key = EncodingKey::from_rsa_pem(private_key_pem.expose_secret().as_bytes())
            .map_err(KeyError::NotRsaPem)?;
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &serde_json::json!({}), &key)
            .map_err(KeyError::CannotSign)?;
        Ok(Credentials::JwtBearer {
            client_id: client_id.into(),
            username: username.into(),
            key,
            audience: None,
        })
    }

    /// The same credentials with another JWT audience (no effect on client credentials).
    pub fn with_audience(mut self, aud: Option<String>) -> Credentials {
        if let Credentials::JwtBearer { audience, .. } = &mut self {
            *audience = aud.map(|a| a.trim_end_matches('/').to_owned());
        }
        self
    }
}

/// Never shows the key or the secret.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::JwtBearer {
                client_id,
                username,
                audience,
                ..
            } => f
                .debug_struct("JwtBearer")
                .field("client_id", client_id)
                .field("username", username)
                .field("audience", audience)
                .finish_non_exhaustive(),
            Credentials::ClientCredentials { client_id, .. } => f
                .debug_struct("ClientCredentials")
                .field("client_id", client_id)
                .finish_non_exhaustive(),
        }
    }
}

#[cfg(test)]
mod tests;
