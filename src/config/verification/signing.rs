//! The words an HMAC sender's convention is described in: which hash, how the signature is
//! written, and which bytes are signed. Both a written `hmac` table and the presets use them.

use serde::{Deserialize, Serialize};

/// The hash under the HMAC, as the sender's documentation names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MacAlgorithm {
    Sha256,
    Sha512,
}

/// How the signature is written after its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureEncoding {
    /// Either case is accepted.
    Hex,
    /// Standard alphabet, with padding.
    Base64,
}

/// Which bytes the sender feeds to the HMAC, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum SignedPayload {
    /// The raw body alone.
    #[serde(rename = "body")]
    Body,
    /// `{id}.{timestamp}.{body}`, as Standard Webhooks does.
    #[serde(rename = "id.timestamp.body")]
    IdTimestampBody,
    /// The body immediately followed by the timestamp header's text (BambooHR).
    #[serde(rename = "body-then-timestamp")]
    BodyThenTimestamp,
    /// The HTTP method (e.g. `POST`) immediately followed by the body (Deel).
    #[serde(rename = "method-then-body")]
    MethodThenBody,
}

impl SignedPayload {
    /// Whether the sender's message id is part of what is signed.
    pub fn includes_id(self) -> bool {
        self == SignedPayload::IdTimestampBody
    }

    /// Whether the timestamp header's text is part of what is signed.
    pub fn includes_timestamp(self) -> bool {
        matches!(
            self,
            SignedPayload::IdTimestampBody | SignedPayload::BodyThenTimestamp
        )
    }
}
