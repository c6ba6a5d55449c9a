use super::*;
use actix_web::http::Method;

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap()
}

#[test]
fn exactly_at_the_tolerance_passes_either_side() {
    assert!(check_fresh(at(1_000), at(1_300), 300).is_ok());
    assert!(check_fresh(at(1_300), at(1_000), 300).is_ok());
}

#[test]
fn one_second_beyond_the_tolerance_fails_either_side() {
    assert_eq!(
        check_fresh(at(1_000), at(1_301), 300),
        Err(Rejection::StaleTimestamp {
            age_seconds: 301,
            tolerance_seconds: 300
        })
    );
    assert_eq!(
        check_fresh(at(1_301), at(1_000), 300),
        Err(Rejection::FutureTimestamp {
            ahead_seconds: 301,
            tolerance_seconds: 300
        })
    );
}

#[test]
fn only_plain_digits_are_a_timestamp() {
    for bad in ["", "-5", "+5", "1.5", " 5", "16142653300000000", "abc"] {
        let req = UnverifiedWebhook::new(Method::POST, "").with_header("ts", bad);
        let err = read(&req, "ts").err().unwrap();
        assert_eq!(err.reason_code(), "malformed_header", "{bad:?}");
    }
    let req = UnverifiedWebhook::new(Method::POST, "").with_header("ts", "1614265330");
    let read = read(&req, "ts").unwrap();
    assert_eq!(read.text, "1614265330");
    assert_eq!(read.at, at(1_614_265_330));
}

#[test]
fn an_absent_timestamp_is_a_missing_header() {
    let req = UnverifiedWebhook::new(Method::POST, "");
    assert_eq!(
        read(&req, "webhook-timestamp").err(),
        Some(Rejection::missing("webhook-timestamp"))
    );
}
