//! `finish` and `replay`: outcomes are all-or-nothing, staleness is measured from applied
//! commands only, and dead letters can be replayed once.

use super::backing::on_both_stores;
use super::samples::{at, claim_now, ended, enqueue_and_claim, finish_as, key, provision};
use super::{execute_behind, fresh_store, open, table_rows};
use crate::domain::{CommandId, OutcomeKind};
use crate::store::{
    CommandFilter, CommandState, HistoryKind, OutboxEvent, StoreError, StoreErrorKind,
    SubjectState, SubjectUpdate,
};

on_both_stores! {
    async fn the_last_applied_source_time_moves_only_on_succeeded_or_no_change() {
        let (_dir, store) = fresh_store().await;
        let subject = key("partner-portal:1");
        let steps = [
            (1, OutcomeKind::DeadLettered, None),
            (2, OutcomeKind::SkippedStale, None),
            (3, OutcomeKind::NoChange, Some(at(3))),
            (5, OutcomeKind::Succeeded, Some(at(5))),
            // Should an older command ever succeed, the mark does not move back.
            (4, OutcomeKind::Succeeded, Some(at(5))),
        ];
        for (minute, kind, expected) in steps {
            let claimed = enqueue_and_claim(&store, provision("partner-portal:1", at(minute))).await;
            finish_as(&store, &claimed, kind).await;
            assert_eq!(
                store.last_applied(&subject).await.unwrap(),
                expected,
                "{kind:?}"
            );
        }
        let record = store.get_subject(&subject).await.unwrap().unwrap().record;
        assert_eq!(record.last_applied_source_time, Some(at(5)));
    }
}

on_both_stores! {
    async fn finishing_an_unknown_command_writes_nothing() {
        let (_dir, store) = fresh_store().await;
        let claimed = enqueue_and_claim(&store, provision("partner-portal:1", at(0))).await;
        let nobody = CommandId::generate();
        let outcome = ended(OutcomeKind::Succeeded);
        let announcement = OutboxEvent::announcing(&claimed.command, &outcome);

        let error = store
            .finish(
                &nobody,
                claimed.fence,
                outcome,
                SubjectUpdate::default(),
                announcement,
            )
            .await
            .unwrap_err();

        assert!(
            matches!(error, StoreError::UnknownCommand(ref id) if *id == nobody),
            "{error:?}"
        );
        assert_eq!(error.kind(), StoreErrorKind::NotFound);
        assert!(store.outbox_unpublished(10).await.unwrap().is_empty());
        let lifecycle = store
            .get_subject(&claimed.command.subject)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(lifecycle.history.len(), 1);
        assert_eq!(lifecycle.record.user_id, None);
    }
}

#[tokio::test]
async fn an_outcome_whose_announcement_cannot_be_written_leaves_everything_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inbox.db");
    let store = open(&path).await;
    let claimed = enqueue_and_claim(&store, provision("partner-portal:1", at(0))).await;
    // The outbox insert is the last write of `finish`: everything before it must roll back.
    execute_behind(
        &path,
        "CREATE TRIGGER refuse_announcements BEFORE INSERT ON outbox \
         BEGIN SELECT RAISE(ABORT, 'refused'); END",
    )
    .await;
    let outcome = ended(OutcomeKind::Succeeded);
    let announcement = OutboxEvent::announcing(&claimed.command, &outcome);
    let update = SubjectUpdate {
        state: Some(SubjectState::Provisioned),
        ..SubjectUpdate::default()
    };

    let error = store
        .finish(
            &claimed.command.id,
            claimed.fence,
            outcome,
            update,
            announcement,
        )
        .await
        .unwrap_err();

    assert_eq!(error.kind(), StoreErrorKind::Broken, "{error:?}");
    let record = store
        .get_command(&claimed.command.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.state, CommandState::Running);
    assert_eq!(record.outcome, None);
    let lifecycle = store
        .get_subject(&claimed.command.subject)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(lifecycle.record.state, SubjectState::Unknown);
    assert_eq!(lifecycle.record.user_id, None);
    assert_eq!(lifecycle.record.last_applied_source_time, None);
    assert_eq!(lifecycle.history.len(), 1);
    assert_eq!(table_rows(&path, "outbox").await, 0);

    execute_behind(&path, "DROP TRIGGER refuse_announcements").await;
    finish_as(&store, &claimed, OutcomeKind::Succeeded).await;
    assert_eq!(table_rows(&path, "outbox").await, 1);
}

on_both_stores! {
    async fn a_replayed_dead_letter_becomes_a_new_queued_command_with_an_operator_record() {
        let (_dir, store) = fresh_store().await;
        let mut command = provision("partner-portal:1", at(0));
        command.item_key = Some("row-7".into());
        let claimed = enqueue_and_claim(&store, command).await;
        let dead = claimed.command.id.clone();
        finish_as(&store, &claimed, OutcomeKind::DeadLettered).await;
        let dead_letters = store
            .list_commands(&CommandFilter {
                outcome: Some(OutcomeKind::DeadLettered),
                ..CommandFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(dead_letters.len(), 1);
        assert_eq!(dead_letters[0].command.id, dead);

        let replay = store.replay(&dead, "ops:alice").await.unwrap();

        assert_ne!(replay, dead);
        let record = store.get_command(&replay).await.unwrap().unwrap();
        assert_eq!(record.state, CommandState::Queued);
        assert_eq!(record.replay_of.as_ref(), Some(&dead));
        assert_eq!(record.item_key.as_deref(), Some("row-7"));
        assert_eq!(record.command.intent, claimed.command.intent);
        assert_eq!(record.command.origin, claimed.command.origin);
        assert_eq!(record.attempts, 0);
        let history = store
            .get_subject(&claimed.command.subject)
            .await
            .unwrap()
            .unwrap()
            .history;
        let operator = history.last().unwrap();
        assert_eq!(operator.kind, HistoryKind::Operator);
        assert_eq!(operator.actor.as_deref(), Some("ops:alice"));
        assert_eq!(operator.command_id.as_ref(), Some(&replay));
        assert_eq!(operator.detail["replay_of"], dead.as_str());
        let claimed_again = claim_now(&store).await;
        assert_eq!(claimed_again.len(), 1);
        assert_eq!(claimed_again[0].command.id, replay);

        let twice = store.replay(&dead, "ops:alice").await.unwrap_err();
        assert!(
            matches!(twice, StoreError::AlreadyReplayed { replay: ref r, .. } if *r == replay),
            "{twice:?}"
        );
        assert_eq!(twice.kind(), StoreErrorKind::Refused);
    }
}

on_both_stores! {
    async fn only_dead_letters_can_be_replayed() {
        let (_dir, store) = fresh_store().await;
        let claimed = enqueue_and_claim(&store, provision("partner-portal:1", at(0))).await;
        finish_as(&store, &claimed, OutcomeKind::Succeeded).await;
        let waiting = provision("partner-portal:2", at(0));
        store.enqueue(None, vec![waiting.clone()]).await.unwrap();

        for id in [&claimed.command.id, &waiting.id] {
            let error = store.replay(id, "ops:alice").await.unwrap_err();
            assert!(
                matches!(error, StoreError::CommandRefused { .. }),
                "{error:?}"
            );
        }
        let unknown = store
            .replay(&CommandId::generate(), "ops:alice")
            .await
            .unwrap_err();
        assert_eq!(unknown.kind(), StoreErrorKind::NotFound);
        assert_eq!(
            store
                .list_commands(&CommandFilter::default())
                .await
                .unwrap()
                .len(),
            2
        );
    }
}
