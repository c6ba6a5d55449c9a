//! Why a delivery was refused, in words its sender can act on.
//!
//! Every message names what was wrong with the request (which header, how far off the clock is,
//! how many signatures were read) and never the secret, the expected MAC or the computed MAC:
//! the text goes back to whoever sent the request, and that may be an attacker.

/// A delivery that did not prove it came from the configured sender.
///
/// The `Display` text is meant for the sender (problem+json `detail`); [`Rejection::reason_code`]
/// is a stable label for metrics and the problem `type`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// A header the scheme needs was absent.
    #[error("missing header {header}")]
    MissingHeader { header: String },

    /// A header was present but could not be read as the scheme writes it.
    #[error("malformed {header} header: expected '{expected}'")]
    MalformedHeader { header: String, expected: String },

    /// A header the scheme reads appeared more than once, so which one was signed is ambiguous.
    #[error("header {header} appears more than once; send it once")]
    DuplicateHeader { header: String },

    /// The signed timestamp is older than the tolerance allows: a replay or a long queue.
    #[error(
        "timestamp is {age_seconds} s in the past; tolerance is {tolerance_seconds} s — \
         check the sender's clock, or resend the event with a fresh signature"
    )]
    StaleTimestamp {
        age_seconds: u64,
        tolerance_seconds: u64,
    },

    /// The signed timestamp is further ahead than the tolerance allows.
    #[error(
        "timestamp is {ahead_seconds} s in the future; tolerance is {tolerance_seconds} s — \
         check the sender's clock"
    )]
    FutureTimestamp {
        ahead_seconds: u64,
        tolerance_seconds: u64,
    },

    /// The signature header held no signature this verifier can check.
    #[error(
        "empty signature list in {header}: no signature this service can check \
         ({skipped} entries of other versions skipped)"
    )]
    EmptySignatureList { header: String, skipped: usize },

    /// The signature header carried more entries than are read, to bound the work per request.
    #[error("signature header carries more than {limit} signatures")]
    TooManySignatures { limit: usize },

    /// Signatures were read but none matched any live secret.
    #[error("no signature matched ({read} read, {tried} secret(s) tried)")]
    NoSignatureMatched { read: usize, tried: usize },

    /// Basic authentication is configured and the request carried none.
    #[error("basic auth required")]
    BasicAuthRequired,

    /// The presented credential (basic auth or shared-secret header) matched no live secret.
    #[error("credentials did not match ({tried} secret(s) tried)")]
    BadCredentials { tried: usize },

    /// Every configured secret has passed its `expires_at`: nothing can verify until the
    /// configuration gains a current secret.
    #[error("every secret configured for this source has expired")]
    NoLiveSecret,

    /// The request is of a kind this source's scheme does not accept (e.g. a verification
    /// challenge to a source that is not an Okta event hook).
    #[error("{what} is not accepted by this source")]
    NotAccepted { what: &'static str },
}

impl Rejection {
    /// A stable, lowercase label for metrics and the problem+json `type`; never changes when
    /// the wording of a message does.
    pub fn reason_code(&self) -> &'static str {
        match self {
            Rejection::MissingHeader { .. } => "missing_header",
            Rejection::MalformedHeader { .. } | Rejection::DuplicateHeader { .. } => {
                "malformed_header"
            }
            Rejection::StaleTimestamp { .. } => "stale_timestamp",
            Rejection::FutureTimestamp { .. } => "future_timestamp",
            Rejection::EmptySignatureList { .. } => "empty_signature_list",
            Rejection::TooManySignatures { .. } => "too_many_signatures",
            Rejection::NoSignatureMatched { .. } => "bad_signature",
            Rejection::BasicAuthRequired => "missing_credentials",
            Rejection::BadCredentials { .. } => "bad_credentials",
            Rejection::NoLiveSecret => "no_live_secret",
            Rejection::NotAccepted { .. } => "not_accepted",
        }
    }

    pub(crate) fn missing(header: &str) -> Self {
        Rejection::MissingHeader {
            header: header.to_owned(),
        }
    }

    pub(crate) fn malformed(header: &str, expected: impl Into<String>) -> Self {
        Rejection::MalformedHeader {
            header: header.to_owned(),
            expected: expected.into(),
        }
    }
}

#[cfg(test)]
mod tests;
