//! Why no token was issued, and what that means for the command that needed one.

use super::error::Disposition;

/// Why no token was issued. The message says what the admin should check.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AuthError {
    /// The token endpoint said no.
    #[error("Salesforce refused to issue an access token ({error}: {description}); {hint}")]
    Refused {
        error: String,
        description: String,
        hint: &'static str,
    },
    /// No answer from the token endpoint.
    #[error("the token endpoint could not be reached: {reason}")]
    Unreachable { reason: String },
    /// An answer that is neither a token nor an OAuth error.
    #[error("the token endpoint answered {status}: {detail}")]
    Unexpected { status: u16, detail: String },
}

impl AuthError {
    /// Refusals need the admin; an unreachable or failing endpoint may recover.
    pub fn disposition(&self) -> Disposition {
        match self {
            AuthError::Refused { .. } => Disposition::Permanent,
            AuthError::Unreachable { .. } => Disposition::Transient,
            AuthError::Unexpected { status, .. } if *status >= 500 => Disposition::Transient,
            AuthError::Unexpected { .. } => Disposition::Permanent,
        }
    }

    /// OAuth's error code (`invalid_grant`), or Gatehouse's own.
    pub fn code(&self) -> &str {
        match self {
            AuthError::Refused { error, .. } => error,
            AuthError::Unreachable { .. } => "TOKEN_ENDPOINT_UNREACHABLE",
            AuthError::Unexpected { .. } => "TOKEN_ENDPOINT_ERROR",
        }
    }
}

#[cfg(test)]
mod tests;
