//! What a caller should do with a failed call: the one answer every error of this client gives,
//! whether it came from a data call, a composite subrequest or the token endpoint.

/// What a caller should do with a failed call. Decided once, where the answer is parsed, so
/// the executor never matches on error codes itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Disposition {
    /// Try again later with backoff: maintenance (`SERVER_UNAVAILABLE`), a record lock
    /// (`UNABLE_TO_LOCK_ROW`), a 5xx, a timeout, a lost connection.
    Transient,
    /// The org's API allowance is spent (`REQUEST_LIMIT_EXCEEDED`): wait for the rolling
    /// window, and slow every call to this org, not just this one.
    RateLimited,
    /// The access token expired or was revoked (`INVALID_SESSION_ID`): authenticate again.
    Session,
    /// No free licence of the profile's licence type (`LICENSE_LIMIT_EXCEEDED`): park until one
    /// is freed.
    LicenceExhausted,
    /// Salesforce will say the same next time (validation, references, duplicates): dead-letter
    /// with the error verbatim.
    Permanent,
}
