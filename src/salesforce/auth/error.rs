//! Why no token was issued, and what that means for the command that needed one.

use crate::salesforce::disposition::Disposition;

/// Why no token was issued. The message says what the admin should check.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The token endpoint said no.
    #[error("Salesforce refused to issue an access token ({error}: {description}); {hint}")]
    Refused {
        error: String,
        description: String,
        hint: &'static str,
    },
    /// The JWT assertion could not be signed with the configured key, so nothing was asked.
    #[error(
        "the JWT assertion cannot be signed; check that private_key is the RSA key whose certificate is uploaded to the connected app"
    )]
    Unsigned(#[source] jsonwebtoken::errors::Error),
    /// No answer from the token endpoint. The cause is reqwest's error without the URL.
    #[error("the token endpoint could not be reached")]
    Unreachable(#[source] reqwest::Error),
    /// A success status whose body is not a token grant.
    #[error("the token endpoint answered {status} with something that is not a token grant")]
    NotAGrant {
        status: u16,
        #[source]
        cause: serde_json::Error,
    },
    /// An answer that is neither a token nor an OAuth error.
    #[error("the token endpoint answered {status}: {detail}")]
    Unexpected { status: u16, detail: String },
}

impl AuthError {
    /// Refusals need the admin; an unreachable or failing endpoint may recover.
    pub fn disposition(&self) -> Disposition {
        match self {
            AuthError::Refused { .. } | AuthError::Unsigned(_) => Disposition::Permanent,
            AuthError::Unreachable(_) => Disposition::Transient,
            AuthError::NotAGrant { status, .. } | AuthError::Unexpected { status, .. }
                if *status >= 500 =>
            {
                Disposition::Transient
            }
            AuthError::NotAGrant { .. } | AuthError::Unexpected { .. } => Disposition::Permanent,
        }
    }

    /// OAuth's error code (`invalid_grant`), or Gatehouse's own.
    pub fn code(&self) -> &str {
        match self {
            AuthError::Refused { error, .. } => error,
            AuthError::Unsigned(_) => "assertion_not_signed",
            AuthError::Unreachable(_) => "TOKEN_ENDPOINT_UNREACHABLE",
            AuthError::NotAGrant { .. } | AuthError::Unexpected { .. } => "TOKEN_ENDPOINT_ERROR",
        }
    }
}

#[cfg(test)]
mod tests;
