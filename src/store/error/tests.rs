use std::error::Error as _;

use super::*;

#[test]
fn a_failed_batch_is_sorted_by_its_shared_cause() {
    let cause = Arc::new(StoreError::Unavailable {
        action: "writing a batch",
        source: sqlx::Error::PoolTimedOut,
    });
    let error = StoreError::BatchFailed(cause);
    assert!(error.is_unavailable());
    // The chain reaches the database error through the shared cause.
    let shared = error.source().expect("batch error has a cause");
    assert!(shared.source().is_some());
}

#[test]
fn a_broken_statement_is_not_mistaken_for_unavailability() {
    let error = StoreError::Failed {
        action: "reading an inbox event",
        source: sqlx::Error::RowNotFound,
    };
    assert_eq!(error.kind(), StoreErrorKind::Broken);
    assert!(!error.is_unavailable());
}
