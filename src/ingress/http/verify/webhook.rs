//! A delivery before and after its signature is checked.
//!
//! [`UnverifiedWebhook`] is what the HTTP layer hands in: it can be built by hand (tests do) and
//! offers no way to read its body. [`VerifiedWebhook`] has no public constructor; the only way
//! to get one is [`super::Verifier::verify`], so code further in cannot mistake an unverified
//! body for a verified one.

use actix_web::http::Method;
use actix_web::http::header::HeaderMap;
use actix_web::web::Bytes;
use chrono::{DateTime, Utc};

use super::keys::MatchedSecret;
use super::rejection::Rejection;

/// A received request whose origin is not yet proven.
#[derive(Clone)]
pub struct UnverifiedWebhook {
    method: Method,
    /// Names lower-cased; values as received, which need not be UTF-8.
    headers: Vec<(String, Vec<u8>)>,
    /// The raw bytes as they arrived: the signature covers these, not any re-serialisation.
    body: Bytes,
}

impl UnverifiedWebhook {
    /// A request with no headers yet; add them with [`UnverifiedWebhook::with_header`].
    pub fn new(method: Method, body: impl Into<Bytes>) -> Self {
        Self {
            method,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// Adds one header; adding a name twice keeps both, as HTTP does.
    pub fn with_header(mut self, name: &str, value: impl AsRef<[u8]>) -> Self {
        self.headers
            .push((name.to_ascii_lowercase(), value.as_ref().to_vec()));
        self
    }

    /// Copies the headers an HTTP handler received (`HttpRequest::headers()`).
    pub fn from_header_map(method: Method, headers: &HeaderMap, body: Bytes) -> Self {
        let headers = headers
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
            .collect();
        Self {
            method,
            headers,
            body,
        }
    }

    /// The HTTP method, e.g. to tell an Okta verification `GET` from an event `POST`.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// How many body bytes arrived, for logs; the bytes themselves wait for verification.
    pub fn body_len(&self) -> usize {
        self.body.len()
    }

    pub(super) fn body(&self) -> &[u8] {
        &self.body
    }

    /// The one value of header `name`, if present. A header the scheme relies on may not be
    /// repeated: which copy was signed would be ambiguous.
    pub(super) fn header(&self, name: &str) -> Result<Option<&[u8]>, Rejection> {
        let mut found = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name));
        let first = found.next();
        if found.next().is_some() {
            return Err(Rejection::DuplicateHeader {
                header: name.to_owned(),
            });
        }
        Ok(first.map(|(_, value)| value.as_slice()))
    }

    /// The value of header `name`, which must be present.
    pub(super) fn required_header(&self, name: &str) -> Result<&[u8], Rejection> {
        self.header(name)?.ok_or_else(|| Rejection::missing(name))
    }

    /// The value of header `name` as text; `expected` describes the form for the error.
    pub(super) fn required_text(&self, name: &str, expected: &str) -> Result<&str, Rejection> {
        let raw = self.required_header(name)?;
        std::str::from_utf8(raw).map_err(|_| Rejection::malformed(name, expected))
    }
}

/// Debug shows the shape of the request, not header values (they may hold credentials) nor the
/// body (it may hold personal data).
impl std::fmt::Debug for UnverifiedWebhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("UnverifiedWebhook")
            .field("method", &self.method)
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// What a scheme learned while proving a delivery genuine.
#[derive(Debug, Clone)]
pub(super) struct Proof {
    pub(super) scheme: &'static str,
    pub(super) message_id: Option<String>,
    pub(super) signed_at: Option<DateTime<Utc>>,
    pub(super) matched: MatchedSecret,
}

/// A delivery proven to come from the configured sender. Only verification makes one.
#[derive(Clone)]
pub struct VerifiedWebhook {
    request: UnverifiedWebhook,
    proof: Proof,
}

impl VerifiedWebhook {
    pub(super) fn new(request: UnverifiedWebhook, proof: Proof) -> Self {
        Self { request, proof }
    }

    /// The raw body exactly as signed; parse it only now.
    pub fn body(&self) -> &Bytes {
        &self.request.body
    }

    /// The raw body, without copying.
    pub fn into_body(self) -> Bytes {
        self.request.body
    }

    /// The HTTP method of the delivery.
    pub fn method(&self) -> &Method {
        &self.request.method
    }

    /// Every header as received: names lower-cased, values as raw bytes.
    pub fn headers(&self) -> &[(String, Vec<u8>)] {
        &self.request.headers
    }

    /// The first value of header `name` (case-insensitive), if any.
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.request
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_slice())
    }

    /// The sender's own id for this message, when the scheme signs one (Standard Webhooks'
    /// `webhook-id`): the idempotency key for duplicate deliveries.
    pub fn message_id(&self) -> Option<&str> {
        self.proof.message_id.as_deref()
    }

    /// When the sender signed the delivery, when the scheme carries a timestamp.
    pub fn signed_at(&self) -> Option<DateTime<Utc>> {
        self.proof.signed_at
    }

    /// Which configured secret proved it, for rotation metrics ("is anyone still on the old
    /// secret?"). Never the secret itself.
    pub fn matched_secret(&self) -> &MatchedSecret {
        &self.proof.matched
    }

    /// The scheme that verified it, as written in the config (`standard-webhooks`, `hmac`, …).
    pub fn scheme(&self) -> &'static str {
        self.proof.scheme
    }
}

impl std::fmt::Debug for VerifiedWebhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedWebhook")
            .field("request", &self.request)
            .field("proof", &self.proof)
            .finish()
    }
}

#[cfg(test)]
mod tests;
