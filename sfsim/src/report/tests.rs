use super::chain;
use crate::ApiError;
use crate::fixture::FixtureError;

#[test]
fn a_refused_fixture_entry_is_told_with_the_org_s_refusal_once() {
    let refusal = ApiError::bad_request("LICENSE_LIMIT_EXCEEDED", "License limit exceeded");
    let error = FixtureError::Refused {
        entry: "user 'a@example.com'".to_owned(),
        source: refusal,
    };
    assert_eq!(
        chain(&error).to_string(),
        "user 'a@example.com' was refused by the org: 400 LICENSE_LIMIT_EXCEEDED: License limit exceeded"
    );
}

#[test]
fn a_cause_the_message_does_not_repeat_is_added() {
    #[derive(Debug, thiserror::Error)]
    #[error("reset failed")]
    struct ResetFailed(#[source] std::io::Error);

    let error = ResetFailed(std::io::Error::other("disk gone"));
    assert_eq!(chain(&error).to_string(), "reset failed: disk gone");
}
