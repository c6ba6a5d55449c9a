//! Erasure of one person: refused while they have access or a command of theirs is under way;
//! otherwise every row of theirs goes in one transaction, what names others stays, a tombstone
//! keeps the last applied source time, and a pending erasure settles once its deprovision ended.

use serde_json::json;

use super::backing::on_both_stores;
use super::samples::{at, claim_now, deprovision, ended, enqueue_and_claim, key, provision};
use super::{delivery, fresh_store};
use crate::domain::OutcomeKind;
use crate::store::{
    ClaimedCommand, CommandFilter, Erasure, ErasureRefusal, ErasureRequest, EventId, HistoryKind,
    NewCommand, OutboxEvent, Settled, Store, SubjectState, SubjectUpdate, key_hash,
};

fn request() -> ErasureRequest {
    ErasureRequest {
        actor: "alice".to_owned(),
        reason: Some("request DSR-7".to_owned()),
    }
}

/// Finishes the claimed command with an outcome of `kind`, leaving the record in `state`.
async fn finish_in(
    store: &Store,
    claimed: &ClaimedCommand,
    kind: OutcomeKind,
    state: SubjectState,
) {
    let outcome = ended(kind);
    let announcement = OutboxEvent::announcing(&claimed.command, &outcome);
    let update = SubjectUpdate {
        state: Some(state),
        username: Some("ada@partner.example.portal".to_owned()),
        ..SubjectUpdate::default()
    };
    store
        .finish(
            &claimed.command.id,
            claimed.fence,
            outcome,
            update,
            announcement,
        )
        .await
        .unwrap();
}

/// Provisions `subject` at `minute` and deactivates them a minute later: no access left.
async fn provisioned_then_deactivated(store: &Store, subject: &str, minute: i64) {
    let claimed = enqueue_and_claim(store, provision(subject, at(minute))).await;
    finish_in(
        store,
        &claimed,
        OutcomeKind::Succeeded,
        SubjectState::Provisioned,
    )
    .await;
    let claimed = enqueue_and_claim(store, deprovision(subject, at(minute + 1))).await;
    finish_in(
        store,
        &claimed,
        OutcomeKind::Succeeded,
        SubjectState::Deactivated,
    )
    .await;
}

/// An accepted event with `body`, and commands mapped from it for each subject (its items).
async fn mapped_event(store: &Store, dedupe_key: &str, body: &str, subjects: &[&str]) -> EventId {
    let event_id = store
        .accept(delivery("partner-portal", dedupe_key, body.as_bytes()))
        .await
        .unwrap()
        .event_id;
    let commands: Vec<NewCommand> = subjects
        .iter()
        .map(|subject| {
            let mut command = provision(subject, at(0));
            command.origin.event_id = Some(event_id.as_str().to_owned());
            command.item_key = Some((*subject).to_owned());
            command
        })
        .collect();
    store.enqueue(Some(&event_id), commands).await.unwrap();
    event_id
}

async fn erased(store: &Store, subject: &str) -> Box<crate::store::Erased> {
    match store
        .erase_subject(&key(subject), &request())
        .await
        .unwrap()
    {
        Erasure::Erased(erased) => erased,
        Erasure::Refused(refusal) => panic!("refused: {refusal:?}"),
    }
}

on_both_stores! {
    async fn an_erasure_is_refused_while_the_person_has_access_or_a_command_runs() {
        let (_dir, store) = fresh_store().await;
        let unknown = store.erase_subject(&key("partner-portal:nobody"), &request()).await;
        assert_eq!(unknown.unwrap(), Erasure::Refused(ErasureRefusal::Unknown));

        let claimed = enqueue_and_claim(&store, provision("partner-portal:1", at(0))).await;
        let busy = store.erase_subject(&key("partner-portal:1"), &request()).await.unwrap();
        assert_eq!(
            busy,
            Erasure::Refused(ErasureRefusal::Busy { command_id: claimed.command.id.clone() })
        );

        finish_in(&store, &claimed, OutcomeKind::Succeeded, SubjectState::Provisioned).await;
        let active = store.erase_subject(&key("partner-portal:1"), &request()).await.unwrap();
        assert_eq!(
            active,
            Erasure::Refused(ErasureRefusal::HasAccess { state: SubjectState::Provisioned })
        );
        // Nothing was written by the refusals.
        assert!(store.get_subject(&key("partner-portal:1")).await.unwrap().is_some());
        assert!(store.tombstone(&key("partner-portal:1")).await.unwrap().is_none());
    }
}

on_both_stores! {
    async fn an_erasure_removes_the_persons_rows_and_keeps_everyone_elses() {
        let (_dir, store) = fresh_store().await;
        let own = mapped_event(&store, "evt-own", r#"{"who":"ada"}"#, &["partner-portal:1"]).await;
        let shared = mapped_event(
            &store,
            "evt-shared",
            r#"{"who":["ada","bob"]}"#,
            &["partner-portal:1", "partner-portal:2"],
        )
        .await;
        let other = mapped_event(&store, "evt-other", r#"{"who":"bob"}"#, &["partner-portal:2"]).await;
        loop {
            let claimed = claim_now(&store).await;
            if claimed.is_empty() {
                break;
            }
            for claimed in claimed {
                finish_in(&store, &claimed, OutcomeKind::Succeeded, SubjectState::Deactivated).await;
            }
        }
        provisioned_then_deactivated(&store, "partner-portal:1", 10).await;
        store
            .save_reconcile_report(
                "run_1",
                at(20),
                at(21),
                &json!({"findings": [{"subject": "partner-portal:1"}, {"subject": "partner-portal:2"}]}),
            )
            .await
            .unwrap();

        let erased = erased(&store, "partner-portal:1").await;

        let tombstone = &erased.tombstone;
        assert_eq!(tombstone.key_hash, key_hash(&key("partner-portal:1")));
        assert_eq!(tombstone.last_applied_source_time, Some(at(11)));
        assert_eq!(tombstone.actor, "alice");
        assert_eq!(tombstone.reason.as_deref(), Some("request DSR-7"));
        assert_eq!(store.tombstone(&key("partner-portal:1")).await.unwrap().as_ref(), Some(tombstone));
        assert_eq!((erased.removed.commands, erased.removed.inbox_bodies), (4, 2));
        assert_eq!(erased.removed.reports, 1);

        assert!(store.get_subject(&key("partner-portal:1")).await.unwrap().is_none());
        let theirs = store
            .list_commands(&CommandFilter {
                subject: Some(key("partner-portal:1")),
                ..CommandFilter::default()
            })
            .await
            .unwrap();
        assert!(theirs.is_empty(), "{theirs:?}");
        for (event, body) in [(&own, ""), (&shared, ""), (&other, r#"{"who":"bob"}"#)] {
            let stored = store.get(event).await.unwrap().unwrap();
            assert_eq!(String::from_utf8_lossy(&stored.body), body, "{event}");
        }
        // The redelivery of an erased event is still known as a duplicate.
        let again = store.accept(delivery("partner-portal", "evt-own", b"{}")).await.unwrap();
        assert!(again.duplicate);

        let outbox = store.outbox_unpublished(100).await.unwrap();
        assert!(outbox.iter().all(|row| row.subject_key.as_str() != "partner-portal:1"));
        let announced = outbox.iter().find(|row| row.outbox_id == erased.outbox_id).unwrap();
        assert_eq!(announced.event_type, "dev.gatehouse.subject.erased");
        assert_eq!(announced.subject_key.as_str(), tombstone.key_hash);
        assert!(!announced.payload.to_string().contains("partner-portal:1"));

        let report = store.last_reconcile_report().await.unwrap().unwrap();
        assert_eq!(report, json!({"findings": [{"subject": "partner-portal:2"}]}));
        let lifecycle = store.get_subject(&key("partner-portal:2")).await.unwrap().unwrap();
        assert!(!lifecycle.history.is_empty());
    }
}

on_both_stores! {
    async fn a_person_named_again_after_erasure_starts_from_the_tombstone() {
        let (_dir, store) = fresh_store().await;
        provisioned_then_deactivated(&store, "partner-portal:1", 10).await;
        erased(&store, "partner-portal:1").await;

        let older = enqueue_and_claim(&store, provision("partner-portal:1", at(5))).await;
        assert_eq!(older.subject.last_applied_source_time, Some(at(11)), "stale by the tombstone");
        finish_in(&store, &older, OutcomeKind::SkippedStale, SubjectState::Deactivated).await;

        let newer = enqueue_and_claim(&store, provision("partner-portal:1", at(30))).await;
        assert!(newer.command.origin.source_time > at(11), "newer than the last applied");
        finish_in(&store, &newer, OutcomeKind::Succeeded, SubjectState::Provisioned).await;
        let record = store.get_subject(&key("partner-portal:1")).await.unwrap().unwrap().record;
        assert_eq!(record.last_applied_source_time, Some(at(30)));
    }
}

on_both_stores! {
    async fn a_pending_erasure_is_done_once_its_deprovision_succeeded() {
        let (_dir, store) = fresh_store().await;
        let claimed = enqueue_and_claim(&store, provision("partner-portal:1", at(0))).await;
        finish_in(&store, &claimed, OutcomeKind::Succeeded, SubjectState::Provisioned).await;
        let lockout = enqueue_and_claim(&store, deprovision("partner-portal:1", at(1))).await;
        let pending = store
            .plan_erasure(&key("partner-portal:1"), &lockout.command.id, &request())
            .await
            .unwrap();
        assert_eq!(store.pending_erasures().await.unwrap(), vec![pending]);
        assert!(store.settle_erasures().await.unwrap().is_empty(), "the deprovision runs");

        finish_in(&store, &lockout, OutcomeKind::Succeeded, SubjectState::Deactivated).await;
        let settled = store.settle_erasures().await.unwrap();
        assert!(matches!(settled.as_slice(), [Settled::Erased(_)]), "{settled:?}");
        assert!(store.get_subject(&key("partner-portal:1")).await.unwrap().is_none());
        assert!(store.pending_erasures().await.unwrap().is_empty());
        assert!(store.tombstone(&key("partner-portal:1")).await.unwrap().is_some());
    }
}

on_both_stores! {
    async fn a_pending_erasure_whose_deprovision_failed_is_abandoned_on_the_history() {
        let (_dir, store) = fresh_store().await;
        let claimed = enqueue_and_claim(&store, provision("partner-portal:1", at(0))).await;
        finish_in(&store, &claimed, OutcomeKind::Succeeded, SubjectState::Provisioned).await;
        let lockout = enqueue_and_claim(&store, deprovision("partner-portal:1", at(1))).await;
        store
            .plan_erasure(&key("partner-portal:1"), &lockout.command.id, &request())
            .await
            .unwrap();
        finish_in(&store, &lockout, OutcomeKind::DeadLettered, SubjectState::Provisioned).await;

        let settled = store.settle_erasures().await.unwrap();
        let [Settled::Abandoned { subject, why }] = settled.as_slice() else {
            panic!("{settled:?}");
        };
        assert_eq!(subject, &key("partner-portal:1"));
        assert!(why.contains("dead_lettered") && why.contains("provisioned"), "{why}");
        assert!(store.pending_erasures().await.unwrap().is_empty());
        let lifecycle = store.get_subject(&key("partner-portal:1")).await.unwrap().unwrap();
        let last = lifecycle.history.last().unwrap();
        assert_eq!(last.kind, HistoryKind::Operator);
        assert_eq!(last.detail["action"], "erasure_abandoned");
        assert_eq!(last.actor.as_deref(), Some("alice"));
    }
}
