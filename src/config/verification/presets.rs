//! Known senders' HMAC conventions, so a config can say `preset = "greenhouse"` instead of
//! spelling out header, prefix, hash and encoding. Any field a preset fills can still be
//! overridden in the config. Each preset is checked against its sender's published
//! signing example by the HMAC verifier's tests (`ingress::http::verify`).

use super::signing::{MacAlgorithm, SignatureEncoding, SignedPayload};

/// One sender's signing convention, as its documentation describes it.
#[derive(Debug)]
pub(super) struct Preset {
    pub(super) name: &'static str,
    pub(super) algorithm: MacAlgorithm,
    pub(super) signature_header: &'static str,
    pub(super) signature_prefix: &'static str,
    pub(super) encoding: SignatureEncoding,
    pub(super) signed_payload: SignedPayload,
    pub(super) timestamp_header: Option<&'static str>,
}

/// The names accepted by `preset`, for the error that lists them.
pub(super) const KNOWN_PRESETS: &str = "bamboohr, hibob, greenhouse, gusto, deel";

const PRESETS: &[Preset] = &[
    // Body followed by the timestamp header's text, lowercase hex.
    Preset {
        name: "bamboohr",
        algorithm: MacAlgorithm::Sha256,
        signature_header: "x-bamboohr-signature",
        signature_prefix: "",
        encoding: SignatureEncoding::Hex,
        signed_payload: SignedPayload::BodyThenTimestamp,
        timestamp_header: Some("x-bamboohr-timestamp"),
    },
    Preset {
        name: "hibob",
        algorithm: MacAlgorithm::Sha512,
        signature_header: "bob-signature",
        signature_prefix: "",
        encoding: SignatureEncoding::Base64,
        signed_payload: SignedPayload::Body,
        timestamp_header: None,
    },
    // `Signature: sha256 <hex>`. Greenhouse retries about 7 times over about 15 hours and
    // sends no timestamp, so there is no replay window to check.
    Preset {
        name: "greenhouse",
        algorithm: MacAlgorithm::Sha256,
        signature_header: "signature",
        signature_prefix: "sha256 ",
        encoding: SignatureEncoding::Hex,
        signed_payload: SignedPayload::Body,
        timestamp_header: None,
    },
    // Keyed with the webhook subscription's verification token.
    Preset {
        name: "gusto",
        algorithm: MacAlgorithm::Sha256,
        signature_header: "x-gusto-signature",
        signature_prefix: "",
        encoding: SignatureEncoding::Hex,
        signed_payload: SignedPayload::Body,
        timestamp_header: None,
    },
    // Deel signs the method ("POST") followed by the body.
    Preset {
        name: "deel",
        algorithm: MacAlgorithm::Sha256,
        signature_header: "x-deel-signature",
        signature_prefix: "",
        encoding: SignatureEncoding::Hex,
        signed_payload: SignedPayload::MethodThenBody,
        timestamp_header: None,
    },
];

/// The preset called `name`; names are matched exactly (they are lowercase).
pub(super) fn find(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|preset| preset.name == name)
}
