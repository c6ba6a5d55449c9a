//! Leases and fencing: a renewed claim is kept, and every write made under a claim that was
//! taken over is refused by its token, leaving the new holder's command as it was.

use chrono::{TimeDelta, Utc};
use serde_json::json;

use super::backing::Scratch;
use super::backing::on_both_stores;
use super::fresh_store;
use super::samples::{WORKER, at, ended, provision};
use crate::domain::{OutcomeKind, Refusal};
use crate::store::{
    ClaimedCommand, CommandState, OutboxEvent, Store, StoreError, StoreErrorKind, SubjectUpdate,
};

/// A fresh store with one provision waiting, due now.
async fn store_with_one_command() -> (Scratch, Store) {
    let (dir, store) = fresh_store().await;
    store
        .enqueue(None, vec![provision("partner-portal:1", at(0))])
        .await
        .unwrap();
    (dir, store)
}

/// Claims the one due command at `now` for `worker`, for `lease`.
async fn claimed_at(
    store: &Store,
    now: chrono::DateTime<Utc>,
    worker: &str,
    lease: TimeDelta,
) -> ClaimedCommand {
    let mut claimed = store.claim_due(now, 10, worker, lease).await.unwrap();
    assert_eq!(claimed.len(), 1, "{claimed:#?}");
    claimed.remove(0)
}

/// Every write a run makes under `stale`'s claim, each answered.
async fn writes_under(store: &Store, stale: &ClaimedCommand) -> Vec<StoreError> {
    let id = &stale.command.id;
    let fence = stale.fence;
    let outcome = ended(OutcomeKind::Succeeded);
    let announcement = OutboxEvent::announcing(&stale.command, &outcome);
    vec![
        store
            .renew(id, fence, TimeDelta::minutes(5))
            .await
            .unwrap_err(),
        store
            .record_progress(id, fence, "welcome_email", json!("intended"))
            .await
            .unwrap_err(),
        store
            .finish(id, fence, outcome, SubjectUpdate::default(), announcement)
            .await
            .unwrap_err(),
        store
            .retry_later(id, fence, Utc::now(), &busy())
            .await
            .unwrap_err(),
        store.park(id, fence, "no licence", None).await.unwrap_err(),
    ]
}

fn busy() -> Refusal {
    Refusal {
        code: "SERVER_UNAVAILABLE".into(),
        message: "503".into(),
        fields: vec![],
        status: Some(503),
    }
}

fn assert_all_claim_lost(errors: &[StoreError]) {
    for error in errors {
        assert!(matches!(error, StoreError::ClaimLost { .. }), "{error:?}");
        assert_eq!(error.kind(), StoreErrorKind::ClaimLost);
        assert!(!error.is_unavailable());
    }
}

on_both_stores! {
    async fn each_claim_of_a_command_carries_a_larger_token() {
        let (_dir, store) = store_with_one_command().await;
        let now = Utc::now();
        let first = claimed_at(&store, now, WORKER, TimeDelta::minutes(1)).await;
        let later = now + TimeDelta::minutes(2);
        assert_eq!(store.release_expired_claims(later).await.unwrap(), 1);
        let second = claimed_at(&store, later, "another-worker", TimeDelta::minutes(1)).await;
        assert!(second.fence > first.fence, "{first:?} then {second:?}");
    }
}

on_both_stores! {
    async fn a_renewed_claim_is_not_released_as_expired() {
        let (_dir, store) = store_with_one_command().await;
        let now = Utc::now();
        let claimed = claimed_at(&store, now, WORKER, TimeDelta::minutes(1)).await;

        let until = store
            .renew(&claimed.command.id, claimed.fence, TimeDelta::minutes(10))
            .await
            .unwrap();

        assert!(until >= now + TimeDelta::minutes(9), "{until}");
        let after_first_lease = now + TimeDelta::minutes(2);
        assert_eq!(
            store
                .release_expired_claims(after_first_lease)
                .await
                .unwrap(),
            0
        );
        let record = store
            .get_command(&claimed.command.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(record.state, CommandState::Running);
        assert_eq!(record.claimed_until, Some(until));
    }
}

on_both_stores! {
    async fn every_write_under_a_claim_taken_over_is_refused_and_changes_nothing() {
        let (_dir, store) = store_with_one_command().await;
        let now = Utc::now();
        let stale = claimed_at(&store, now, WORKER, TimeDelta::minutes(1)).await;
        let later = now + TimeDelta::minutes(2);
        store.release_expired_claims(later).await.unwrap();
        let holder = claimed_at(&store, later, "another-worker", TimeDelta::minutes(10)).await;
        let before = store
            .get_command(&holder.command.id)
            .await
            .unwrap()
            .unwrap();
        let subject = &holder.command.subject;
        let history_before = store.get_subject(subject).await.unwrap().unwrap().history;

        let errors = writes_under(&store, &stale).await;

        assert_all_claim_lost(&errors);
        let after = store
            .get_command(&holder.command.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(after, before, "the new holder's command is untouched");
        assert_eq!(after.claimed_by.as_deref(), Some("another-worker"));
        let history_after = store.get_subject(subject).await.unwrap().unwrap().history;
        assert_eq!(history_after, history_before);
        assert!(store.outbox_unpublished(10).await.unwrap().is_empty());
    }
}

on_both_stores! {
    async fn every_write_under_a_claim_released_on_expiry_is_refused() {
        let (_dir, store) = store_with_one_command().await;
        let now = Utc::now();
        let stale = claimed_at(&store, now, WORKER, TimeDelta::minutes(1)).await;
        store
            .release_expired_claims(now + TimeDelta::minutes(2))
            .await
            .unwrap();

        let errors = writes_under(&store, &stale).await;

        assert_all_claim_lost(&errors);
        let record = store.get_command(&stale.command.id).await.unwrap().unwrap();
        assert_eq!(record.state, CommandState::Queued);
        assert!(record.progress.is_empty());
    }
}
