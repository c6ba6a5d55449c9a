use actix_web::http::{Method, StatusCode};

use super::{MAX_URI_BYTES, check};

#[test]
fn a_read_at_the_limit_passes_and_one_byte_more_is_414() {
    let at_limit = "x".repeat(MAX_URI_BYTES);
    assert!(check(&Method::GET, &at_limit).is_ok());
    let over = "x".repeat(MAX_URI_BYTES + 1);
    let refusal = check(&Method::GET, &over).expect_err("over the limit");
    assert_eq!(refusal.status, StatusCode::URI_TOO_LONG);
    assert_eq!(refusal.errors[0].error_code, "URI_TOO_LONG");
    assert!(check(&Method::HEAD, &over).is_err());
}

#[test]
fn writes_are_not_held_to_the_read_limit() {
    let over = "x".repeat(MAX_URI_BYTES + 1);
    assert!(check(&Method::POST, &over).is_ok());
    assert!(check(&Method::PATCH, &over).is_ok());
}
