use secrecy::SecretString;

use super::*;
use crate::config::SecretRef;
use crate::config::verification::{SecretEntry, resolve_secrets};

fn entry(value: &str, label: Option<&str>, expires_at: Option<i64>) -> SecretEntry {
    SecretEntry {
        secret: SecretRef::Inline(SecretString::from(value)),
        label: label.map(str::to_owned),
        expires_at: expires_at.and_then(|s| DateTime::from_timestamp(s, 0)),
    }
}

fn ring(entries: &[SecretEntry]) -> KeyRing {
    KeyRing::of_keys(&resolve_secrets(entries, "src").unwrap())
}

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap()
}

fn no_match(tried: usize) -> Rejection {
    Rejection::BadCredentials { tried }
}

#[test]
fn the_matching_secret_is_reported_by_position_and_label() {
    let ring = ring(&[
        entry("old", None, None),
        entry("new", Some("2026-11"), None),
    ]);
    let matched = ring.find(at(0), |k| k == b"new", no_match).unwrap();
    assert_eq!(matched.index(), 1);
    assert_eq!(matched.label(), Some("2026-11"));
    assert_eq!(matched.to_string(), "2026-11");
    let matched = ring.find(at(0), |k| k == b"old", no_match).unwrap();
    assert_eq!(matched.to_string(), "secrets[0]");
}

#[test]
fn a_secret_stops_counting_at_its_expiry_instant() {
    let ring = ring(&[entry("old", None, Some(1_000)), entry("new", None, None)]);
    assert!(ring.find(at(999), |k| k == b"old", no_match).is_ok());
    assert_eq!(
        ring.find(at(1_000), |k| k == b"old", no_match),
        Err(Rejection::BadCredentials { tried: 1 })
    );
}

#[test]
fn only_expired_secrets_is_its_own_rejection() {
    let ring = ring(&[entry("old", None, Some(1_000))]);
    assert_eq!(
        ring.find(at(2_000), |_| true, no_match),
        Err(Rejection::NoLiveSecret)
    );
}
