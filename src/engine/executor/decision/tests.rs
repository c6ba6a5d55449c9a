use super::*;
use crate::engine::apply::STORE_UNAVAILABLE;
use crate::salesforce::{CallError, SalesforceError};
use crate::store::StoreError;

fn command() -> CommandId {
    CommandId::generate()
}

fn salesforce(status: u16, code: &str) -> ApplyError {
    ApplyError::Call(CallError::Refused(SalesforceError::new(
        Some(status),
        code,
        "as Salesforce said it",
        vec![],
    )))
}

fn store_failure() -> ApplyError {
    ApplyError::Store(StoreError::Unavailable {
        action: "recording a command's progress",
        source: sqlx::Error::Protocol("disk I/O error".to_owned()),
    })
}

#[test]
fn a_store_failure_is_retried_and_kept_as_store_unavailable() {
    let policy = RetryPolicy::default();
    match decide(&store_failure(), &command(), 1, &policy) {
        Decision::Retry { delay, error } => {
            assert!(delay > Duration::ZERO);
            assert_eq!(error.code, STORE_UNAVAILABLE);
            assert!(
                error.message.contains("disk I/O error"),
                "{}",
                error.message
            );
        }
        other => panic!("not retried: {other:?}"),
    }
}

#[test]
fn a_transient_failure_out_of_attempts_is_dead_lettered_with_its_last_error() {
    let policy = RetryPolicy::default();
    let last = policy.max_attempts;
    match decide(&store_failure(), &command(), last, &policy) {
        Decision::DeadLetter(refusal) => {
            assert_eq!(refusal.code, "RETRIES_EXHAUSTED");
            assert!(
                refusal.message.contains(STORE_UNAVAILABLE),
                "{}",
                refusal.message
            );
        }
        other => panic!("not dead-lettered: {other:?}"),
    }
}

#[test]
fn a_permanent_refusal_is_dead_lettered_verbatim_and_no_licence_parks() {
    let policy = RetryPolicy::default();
    let refused = ApplyError::refused("ACCOUNT_NOT_ELIGIBLE", "no role");
    assert_eq!(
        decide(&refused, &command(), 1, &policy),
        Decision::DeadLetter(refused.refusal())
    );
    let no_licence = salesforce(400, "LICENSE_LIMIT_EXCEEDED");
    assert!(matches!(
        decide(&no_licence, &command(), 1, &policy),
        Decision::Park(refusal) if refusal.code == "LICENSE_LIMIT_EXCEEDED"
    ));
}

#[test]
fn the_same_command_and_attempt_always_waits_the_same() {
    let policy = RetryPolicy::default();
    let id = command();
    let error = salesforce(503, "SERVER_UNAVAILABLE");
    let delay = |attempts| match decide(&error, &id, attempts, &policy) {
        Decision::Retry { delay, .. } => delay,
        other => panic!("not retried: {other:?}"),
    };
    assert_eq!(delay(2), delay(2));
    assert!(delay(3) > delay(1));
}
