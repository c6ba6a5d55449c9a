//! `enqueue`: commands in, the inbox event mapped, all at once; and the way through to an
//! outcome.

use super::backing::on_both_stores;
use super::samples::{accepted_event, at, claim_now, ended, key, provision};
use super::{fresh_store, table_rows};
use crate::domain::{CommandId, OutcomeKind};
use crate::store::{
    CommandFilter, CommandState, Enqueued, EventId, HistoryKind, InboxStatus, OutboxEvent, Store,
    StoreError, StoreErrorKind, SubjectState, SubjectUpdate, WelcomeEmailState,
};

on_both_stores! {
    async fn a_command_reaches_its_outcome_with_subject_history_and_outbox_written() {
        let (_dir, store) = fresh_store().await;
        let event = accepted_event(&store, "signup-4711").await;
        let command = provision("partner-portal:4711", at(0));
        let id = command.id.clone();

        let enqueued = store.enqueue(Some(&event), vec![command]).await.unwrap();

        assert_eq!(
            enqueued,
            vec![Enqueued {
                command_id: id.clone(),
                item_key: None,
                duplicate: false,
                state: CommandState::Queued,
                superseded: vec![],
            }]
        );
        assert_eq!(
            store.get(&event).await.unwrap().unwrap().status,
            InboxStatus::Mapped
        );

        let claimed = claim_now(&store).await;
        assert_eq!(claimed.len(), 1);
        let claim = &claimed[0];
        assert_eq!(claim.command.id, id);
        assert_eq!(
            claim.command.origin.event_id.as_deref(),
            Some(event.as_str())
        );
        assert_eq!(claim.attempts, 1);
        assert!(claim.progress.is_empty());
        assert_eq!(claim.subject.state, SubjectState::Unknown);
        assert_eq!(claim.subject.source, "partner-portal");

        let outcome = ended(OutcomeKind::Succeeded);
        let announcement = OutboxEvent::announcing(&claim.command, &outcome);
        let update = provisioned_update();
        let outbox_id = store
            .finish(&id, claim.fence, outcome.clone(), update, announcement)
            .await
            .unwrap();

        let record = store.get_command(&id).await.unwrap().unwrap();
        assert_eq!(record.state, CommandState::Done);
        assert_eq!(record.outcome, Some(outcome));
        assert_eq!((record.claimed_by, record.claimed_until), (None, None));

        assert_subject_took_the_outcome(&store, &id).await;

        let outbox = store.outbox_unpublished(10).await.unwrap();
        assert_eq!(outbox.len(), 1);
        let announced = &outbox[0];
        assert_eq!(announced.outbox_id, outbox_id);
        assert_eq!(announced.event_type, "dev.gatehouse.user.provisioned");
        assert_eq!(announced.command_id, id);
        assert_eq!(announced.subject_key, key("partner-portal:4711"));
        assert_eq!(announced.payload["outcome"]["kind"], "succeeded");
        assert_eq!(announced.payload["event_id"], event.as_str());
        assert_eq!(announced.traceparent, claim.command.origin.traceparent);
        assert_eq!(announced.published_at, None);
    }
}

/// What the executor learnt while provisioning Ada.
fn provisioned_update() -> SubjectUpdate {
    SubjectUpdate {
        state: Some(SubjectState::Provisioned),
        username: Some("ada@partner.example.portal".into()),
        nickname: Some("ada.lovelace".into()),
        licence: Some("Partner Community".into()),
        welcome_email: Some(WelcomeEmailState::Sent),
        pending_email: Some("ada@analytical-engines.example".into()),
    }
}

/// The subject's record holds the succeeded outcome's ids and update and the intent's reasons,
/// and its history the command and its outcome.
async fn assert_subject_took_the_outcome(store: &Store, id: &CommandId) {
    let lifecycle = store
        .get_subject(&key("partner-portal:4711"))
        .await
        .unwrap()
        .unwrap();
    let subject = &lifecycle.record;
    assert_eq!(subject.state, SubjectState::Provisioned);
    assert_eq!(subject.user_id.as_deref(), Some("005000000000001AAA"));
    assert_eq!(subject.contact_id.as_deref(), Some("003000000000001AAA"));
    assert_eq!(subject.account_ref.as_deref(), Some("key:P-100"));
    assert_eq!(subject.purpose.as_deref(), Some("resells the product"));
    assert_eq!(subject.sponsor.as_deref(), Some("channel-team"));
    assert_eq!(subject.licence.as_deref(), Some("Partner Community"));
    assert_eq!(subject.welcome_email, Some(WelcomeEmailState::Sent));
    assert_eq!(
        subject.pending_email.as_deref(),
        Some("ada@analytical-engines.example")
    );
    assert_eq!(subject.last_applied_source_time, Some(at(0)));
    let kinds: Vec<HistoryKind> = lifecycle.history.iter().map(|entry| entry.kind).collect();
    assert_eq!(kinds, [HistoryKind::Command, HistoryKind::Outcome]);
    assert!(
        lifecycle
            .history
            .iter()
            .all(|entry| entry.command_id.as_ref() == Some(id))
    );
    assert_eq!(
        lifecycle.history[0].actor.as_deref(),
        Some("partner-portal")
    );
    assert_eq!(lifecycle.history[1].detail["kind"], "succeeded");
}

on_both_stores! {
    async fn records_serialise_for_the_admin_api() {
        let (_dir, store) = fresh_store().await;
        let command = provision("partner-portal:4711", at(0));
        let id = command.id.clone();
        store.enqueue(None, vec![command]).await.unwrap();

        let record = store.get_command(&id).await.unwrap().unwrap();
        let json = serde_json::to_value(&record).unwrap();
        assert_eq!(json["id"], id.as_str());
        assert_eq!(json["subject"], "partner-portal:4711");
        assert_eq!(json["intent"]["intent"], "provision");
        assert_eq!(json["state"], "queued");
        assert_eq!(json["outcome"], serde_json::Value::Null);

        let lifecycle = store
            .get_subject(&key("partner-portal:4711"))
            .await
            .unwrap()
            .unwrap();
        let json = serde_json::to_value(&lifecycle).unwrap();
        assert_eq!(json["subject_key"], "partner-portal:4711");
        assert_eq!(json["state"], "unknown");
        assert_eq!(json["history"][0]["kind"], "command");
        assert_eq!(json["history"][0]["detail"]["intent"], "provision");
    }
}

on_both_stores! {
    async fn mapping_an_event_twice_adds_no_commands_and_leaves_it_mapped() {
        let (_dir, store) = fresh_store().await;
        let event = accepted_event(&store, "batch-1").await;
        let mapping = || {
            ["1", "2"]
                .map(|item| {
                    let mut command = provision(&format!("partner-portal:{item}"), at(0));
                    command.item_key = Some(item.into());
                    command
                })
                .to_vec()
        };

        let first = store.enqueue(Some(&event), mapping()).await.unwrap();
        // The mapping runs again (e.g. after a crash before it heard the answer): fresh ids.
        let again = store.enqueue(Some(&event), mapping()).await.unwrap();

        assert!(first.iter().all(|answer| !answer.duplicate));
        assert!(again.iter().all(|answer| answer.duplicate));
        let ids = |answers: &[Enqueued]| -> Vec<CommandId> {
            answers.iter().map(|a| a.command_id.clone()).collect()
        };
        assert_eq!(ids(&again), ids(&first));
        let stored = store
            .list_commands(&CommandFilter::default())
            .await
            .unwrap();
        assert_eq!(stored.len(), 2);
        let inbox = store.get(&event).await.unwrap().unwrap();
        assert_eq!((inbox.status, inbox.attempts), (InboxStatus::Mapped, 1));
    }
}

#[tokio::test]
async fn commands_for_an_unknown_event_are_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inbox.db");
    let store = super::open(&path).await;
    let nobody = EventId::generate();

    let error = store
        .enqueue(Some(&nobody), vec![provision("partner-portal:1", at(0))])
        .await
        .unwrap_err();

    assert!(
        matches!(error, StoreError::UnknownEvent(ref id) if *id == nobody),
        "{error:?}"
    );
    assert_eq!(table_rows(&path, "commands").await, 0);
    assert_eq!(table_rows(&path, "subjects").await, 0);
    assert_eq!(table_rows(&path, "subject_history").await, 0);
}

#[tokio::test]
async fn a_command_failing_half_way_through_an_event_leaves_the_event_unmapped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inbox.db");
    let store = super::open(&path).await;
    let taken = provision("partner-portal:9", at(0));
    store.enqueue(None, vec![taken.clone()]).await.unwrap();
    let event = accepted_event(&store, "batch-2").await;
    let mut fine = provision("partner-portal:1", at(1));
    fine.item_key = Some("1".into());
    // The second command reuses an id that exists: its insert fails after the first's.
    let mut clash = provision("partner-portal:2", at(1));
    clash.id = taken.id.clone();
    clash.item_key = Some("2".into());

    let error = store
        .enqueue(Some(&event), vec![fine.clone(), clash])
        .await
        .unwrap_err();

    assert_eq!(error.kind(), StoreErrorKind::Broken, "{error:?}");
    assert_eq!(
        store.get(&event).await.unwrap().unwrap().status,
        InboxStatus::Accepted
    );
    assert!(store.get_command(&fine.id).await.unwrap().is_none());
    assert!(
        store
            .get_subject(&key("partner-portal:1"))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(table_rows(&path, "commands").await, 1);
}

on_both_stores! {
    async fn commands_an_event_cannot_own_are_refused_before_anything_is_written() {
        let (_dir, store) = fresh_store().await;
        let event = accepted_event(&store, "e-1").await;
        let other = accepted_event(&store, "e-2").await;
        let mut foreign = provision("partner-portal:1", at(0));
        foreign.origin.event_id = Some(other.to_string());
        let mut empty_item = provision("partner-portal:1", at(0));
        empty_item.item_key = Some(String::new());
        let twins = vec![
            provision("partner-portal:1", at(0)),
            provision("partner-portal:2", at(0)),
        ];

        for commands in [vec![foreign], vec![empty_item], twins] {
            let error = store.enqueue(Some(&event), commands).await.unwrap_err();
            assert!(
                matches!(error, StoreError::InvalidCommand { .. }),
                "{error:?}"
            );
            assert_eq!(error.kind(), StoreErrorKind::Invalid);
        }
        assert_eq!(
            store.get(&event).await.unwrap().unwrap().status,
            InboxStatus::Accepted
        );
        assert!(
            store
                .list_commands(&CommandFilter::default())
                .await
                .unwrap()
                .is_empty()
        );
    }
}

on_both_stores! {
    async fn an_event_kept_as_unmapped_cannot_take_commands_until_requeued() {
        let (_dir, store) = fresh_store().await;
        let event = accepted_event(&store, "e-1").await;
        store
            .mark(&event, InboxStatus::Unmapped, Some("no rule".into()))
            .await
            .unwrap();

        let error = store
            .enqueue(Some(&event), vec![provision("partner-portal:1", at(0))])
            .await
            .unwrap_err();

        assert!(
            matches!(
                error,
                StoreError::Refused {
                    from: InboxStatus::Unmapped,
                    to: InboxStatus::Mapped,
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(
            store
                .list_commands(&CommandFilter::default())
                .await
                .unwrap()
                .is_empty()
        );
        store.requeue(&event).await.unwrap();
        store
            .enqueue(Some(&event), vec![provision("partner-portal:1", at(0))])
            .await
            .unwrap();
        assert_eq!(
            store.get(&event).await.unwrap().unwrap().status,
            InboxStatus::Mapped
        );
    }
}
