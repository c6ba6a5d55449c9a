use super::*;

#[test]
fn header_lookup_ignores_case() {
    let req = UnverifiedWebhook::new(Method::POST, "{}").with_header("Webhook-Id", "msg_1");
    assert_eq!(req.header("webhook-id").unwrap(), Some(&b"msg_1"[..]));
    assert_eq!(req.header("WEBHOOK-ID").unwrap(), Some(&b"msg_1"[..]));
}

#[test]
fn a_repeated_header_is_refused_as_ambiguous() {
    let req = UnverifiedWebhook::new(Method::POST, "{}")
        .with_header("webhook-id", "a")
        .with_header("Webhook-Id", "b");
    let err = req.header("webhook-id").unwrap_err();
    assert_eq!(err.reason_code(), "malformed_header");
    assert!(err.to_string().contains("webhook-id"), "{err}");
}

#[test]
fn non_utf8_header_is_malformed_not_a_panic() {
    let req = UnverifiedWebhook::new(Method::POST, "").with_header("x-sig", [0xff, 0xfe]);
    let err = req.required_text("x-sig", "hex").unwrap_err();
    assert_eq!(err.reason_code(), "malformed_header");
}

#[test]
fn header_map_from_actix_is_copied_with_raw_values() {
    use actix_web::http::header::{HeaderName, HeaderValue};
    let mut map = HeaderMap::new();
    map.insert(
        HeaderName::from_static("x-deel-signature"),
        HeaderValue::from_static("abc"),
    );
    let req = UnverifiedWebhook::from_header_map(Method::POST, &map, Bytes::from_static(b"x"));
    assert_eq!(req.required_header("X-Deel-Signature").unwrap(), b"abc");
    assert_eq!(req.body_len(), 1);
}

#[test]
fn debug_output_hides_header_values_and_body() {
    let req = UnverifiedWebhook::new(Method::POST, "alice@example.com")
        .with_header("authorization", "Basic c2VjcmV0");
    let shown = format!("{req:?}");
    assert!(!shown.contains("c2VjcmV0"), "{shown}");
    assert!(!shown.contains("alice"), "{shown}");
    assert!(shown.contains("authorization"), "{shown}");
}
