use super::*;

#[test]
fn a_verifier_can_be_shared_across_worker_threads() {
    fn shareable<T: Send + Sync + 'static>() {}
    shareable::<Verifier>();
    shareable::<VerifiedWebhook>();
}

#[test]
fn the_verifier_reports_its_scheme() {
    let v = fixtures::verifier("scheme = \"okta\"\nsecrets = [{ secret = \"s\" }]");
    assert_eq!(v.scheme(), "okta");
    assert!(v.takes_okta_challenge());
    let v = fixtures::verifier(
        "scheme = \"hmac\"\npreset = \"deel\"\nsecrets = [{ secret = \"a-sixteen-byte-secret\" }]",
    );
    assert_eq!(v.scheme(), "hmac");
    assert!(!v.takes_okta_challenge());
}

#[test]
fn debug_output_of_a_verifier_shows_no_secret() {
    let v = fixtures::verifier(
        "scheme = \"basic\"\nusername = \"workday\"\nsecrets = [{ secret = \"hunter2\", label = \"l\" }]",
    );
    let shown = format!("{v:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("REDACTED"), "{shown}");
}
