use super::*;

#[test]
fn messages_read_as_the_sender_needs_them() {
    assert_eq!(
        Rejection::missing("webhook-timestamp").to_string(),
        "missing header webhook-timestamp"
    );
    assert_eq!(
        Rejection::FutureTimestamp {
            ahead_seconds: 412,
            tolerance_seconds: 300
        }
        .to_string(),
        "timestamp is 412 s in the future; tolerance is 300 s — check the sender's clock"
    );
    assert_eq!(
        Rejection::NoSignatureMatched { read: 2, tried: 1 }.to_string(),
        "no signature matched (2 read, 1 secret(s) tried)"
    );
    assert_eq!(
        Rejection::TooManySignatures { limit: 10 }.to_string(),
        "signature header carries more than 10 signatures"
    );
    assert_eq!(
        Rejection::malformed("webhook-signature", "v1,<base64>").to_string(),
        "malformed webhook-signature header: expected 'v1,<base64>'"
    );
}

#[test]
fn reason_codes_are_stable_labels() {
    let cases = [
        (Rejection::missing("x"), "missing_header"),
        (Rejection::malformed("x", "y"), "malformed_header"),
        (
            Rejection::StaleTimestamp {
                age_seconds: 1,
                tolerance_seconds: 0,
            },
            "stale_timestamp",
        ),
        (
            Rejection::NoSignatureMatched { read: 1, tried: 1 },
            "bad_signature",
        ),
        (
            Rejection::TooManySignatures { limit: 10 },
            "too_many_signatures",
        ),
        (Rejection::BasicAuthRequired, "missing_credentials"),
    ];
    for (rejection, code) in cases {
        assert_eq!(rejection.reason_code(), code, "{rejection}");
    }
}
