//! Retention's sweeps: personal data past its time is removed a batch at a time, and what each
//! kind keeps afterwards is still there. Rows are aged with the store's clock.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;

use super::backing::{Scratch, on_both_stores};
use super::delivery;
use super::samples::{WORKER, at, deprovision, ended, key, lease, provision};
use crate::clock::{Clock, ManualClock};
use crate::domain::personal::SCRUBBED;
use crate::domain::{Intent, OutcomeKind};
use crate::store::timestamp;
use crate::store::{
    CommandState, EventId, HistoryKind, InboxStatus, NewCommand, NewDelivery, OutboxEvent,
    RetentionKind, RosterRun, RosterRunWrite, Store, StoreError, SubjectState, SubjectUpdate,
    Swept, body_digest,
};

const BODY: &[u8] = br#"{"email":"ada@partner.example","name":"Ada Lovelace"}"#;

async fn open() -> (Scratch, ManualClock, Store) {
    let scratch = Scratch::new().await;
    let clock = ManualClock::new(Utc::now());
    let store = scratch.open_with_clock(clock.shared()).await;
    (scratch, clock, store)
}

/// `days` ago by the store's clock.
fn ago(clock: &ManualClock, days: i64) -> DateTime<Utc> {
    clock.now() - TimeDelta::days(days)
}

async fn event_with_verdict(
    store: &Store,
    dedupe_key: &str,
    verdict: Option<InboxStatus>,
) -> EventId {
    let event_id = store
        .accept(delivery("hr", dedupe_key, BODY))
        .await
        .unwrap()
        .event_id;
    if let Some(status) = verdict {
        store
            .mark(&event_id, status, Some("rule".into()))
            .await
            .unwrap();
    }
    event_id
}

/// Enqueues, claims (at the store's now) and ends `command` as `kind`, updating its subject.
async fn run_to_end(
    store: &Store,
    clock: &ManualClock,
    command: NewCommand,
    kind: OutcomeKind,
    state: Option<SubjectState>,
) {
    store.enqueue(None, vec![command]).await.unwrap();
    let mut claimed = store
        .claim_due(clock.now(), 10, WORKER, lease())
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    let claimed = claimed.remove(0);
    let mut outcome = ended(kind);
    if kind == OutcomeKind::DeadLettered {
        outcome.refusal = Some(crate::domain::Refusal {
            code: "DUPLICATE_USERNAME".into(),
            message: "ada@partner.example.portal is taken".into(),
            fields: vec!["Username".into()],
            status: Some(400),
        });
    }
    let announcement = OutboxEvent::announcing(&claimed.command, &outcome);
    let update = SubjectUpdate {
        state,
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

on_both_stores! {
    async fn a_decided_body_past_its_time_is_dropped_its_digest_kept_and_a_redelivery_is_still_a_duplicate() {
        let (_scratch, clock, store) = open().await;
        let mapped = event_with_verdict(&store, "e-mapped", Some(InboxStatus::Mapped)).await;
        let ignored = event_with_verdict(&store, "e-ignored", Some(InboxStatus::Ignored)).await;
        let unmapped = event_with_verdict(&store, "e-unmapped", Some(InboxStatus::Unmapped)).await;
        let waiting = event_with_verdict(&store, "e-accepted", None).await;
        clock.advance(TimeDelta::days(31));
        let recent = event_with_verdict(&store, "e-recent", Some(InboxStatus::Mapped)).await;

        let swept = store.sweep(RetentionKind::InboxBodies, ago(&clock, 30), 100).await.unwrap();
        assert_eq!(swept.rows, 2, "the mapped and the ignored event");

        let dropped = store.get(&mapped).await.unwrap().unwrap();
        assert!(dropped.body.is_empty());
        assert_eq!(dropped.body_sha256.as_deref(), Some(body_digest(BODY).as_str()));
        assert_eq!(dropped.body_dropped_at, Some(timestamp::to_millis(clock.now())));
        assert_eq!((dropped.status, dropped.dedupe_key.as_str()), (InboxStatus::Mapped, "e-mapped"));
        for kept in [&unmapped, &waiting, &recent] {
            let event = store.get(kept).await.unwrap().unwrap();
            assert_eq!(event.body, BODY, "{kept} keeps its body");
            assert_eq!(event.body_sha256.as_deref(), Some(body_digest(BODY).as_str()), "written on insert");
            assert_eq!(event.body_dropped_at, None);
        }

        let again = store.accept(delivery("hr", "e-mapped", BODY)).await.unwrap();
        assert!(again.duplicate);
        assert_eq!(again.event_id, mapped);
        match store.requeue(&ignored).await {
            Err(StoreError::BodyDropped { event_id, .. }) => assert_eq!(event_id, ignored),
            other => panic!("a replay of a dropped body must be refused, not {other:?}"),
        }
        store.requeue(&unmapped).await.unwrap();
        assert_eq!(store.sweep(RetentionKind::InboxBodies, ago(&clock, 30), 100).await.unwrap().rows, 0);
    }
}

on_both_stores! {
    async fn more_rows_than_a_batch_take_several_statements_and_all_are_done() {
        let (_scratch, clock, store) = open().await;
        for i in 0..5 {
            event_with_verdict(&store, &format!("e-{i}"), Some(InboxStatus::Mapped)).await;
        }
        clock.advance(TimeDelta::days(31));
        let cut_off = ago(&clock, 30);
        assert_eq!(store.count_sweepable(RetentionKind::InboxBodies, cut_off).await.unwrap(), 5);

        let swept = store.sweep(RetentionKind::InboxBodies, cut_off, 2).await.unwrap();
        assert_eq!(swept, Swept { rows: 5, statements: 3 });
        assert_eq!(store.count_sweepable(RetentionKind::InboxBodies, cut_off).await.unwrap(), 0);
        let page = store.list(&Default::default()).await.unwrap();
        assert!(page.iter().all(|event| event.body.is_empty()));
    }
}

on_both_stores! {
    async fn a_finished_command_loses_the_persons_data_and_keeps_ids_and_outcome_while_dead_letters_wait() {
        let (_scratch, clock, store) = open().await;
        // Left: provisioned, then deprovisioned. Stays: provisioned and still has access.
        let left = provision("partner-portal:left", at(0));
        let left_id = left.id.clone();
        run_to_end(&store, &clock, left, OutcomeKind::Succeeded, Some(SubjectState::Provisioned)).await;
        let gone = deprovision("partner-portal:left", at(1));
        run_to_end(&store, &clock, gone, OutcomeKind::Succeeded, Some(SubjectState::Frozen)).await;
        let stays = provision("partner-portal:stays", at(0));
        let stays_id = stays.id.clone();
        run_to_end(&store, &clock, stays, OutcomeKind::Succeeded, Some(SubjectState::Provisioned)).await;
        let refused = provision("partner-portal:refused", at(0));
        let refused_id = refused.id.clone();
        run_to_end(&store, &clock, refused, OutcomeKind::DeadLettered, None).await;
        clock.advance(TimeDelta::days(91));

        let swept = store.sweep(RetentionKind::Commands, ago(&clock, 90), 100).await.unwrap();
        assert_eq!(swept.rows, 2, "the provision and deprovision of the person who left");

        let record = store.get_command(&left_id).await.unwrap().unwrap();
        let Intent::Provision(intent) = &record.command.intent else { panic!("a provision") };
        assert_eq!(intent.contact.email, SCRUBBED);
        assert_eq!(intent.contact.last_name, SCRUBBED);
        assert_eq!(intent.user.username, SCRUBBED);
        assert_eq!(intent.profile, "Partner Community User");
        assert_eq!(record.command.id, left_id);
        assert_eq!(record.command.subject, key("partner-portal:left"));
        assert_eq!(record.state, CommandState::Done);
        let outcome = record.outcome.unwrap();
        let expected = ended(OutcomeKind::Succeeded);
        assert_eq!(outcome.kind, OutcomeKind::Succeeded);
        assert_eq!((outcome.salesforce, outcome.licence_effect, outcome.api_calls), (expected.salesforce, expected.licence_effect, expected.api_calls));

        let kept = store.get_command(&stays_id).await.unwrap().unwrap();
        let Intent::Provision(intent) = &kept.command.intent else { panic!("a provision") };
        assert_eq!(intent.contact.email, "ada@partner.example", "reconciliation repairs from it");
        let waiting = store.get_command(&refused_id).await.unwrap().unwrap();
        let Intent::Provision(intent) = &waiting.command.intent else { panic!("a provision") };
        assert_eq!(intent.contact.email, "ada@partner.example", "a dead letter waits for its replay");
        assert!(waiting.outcome.unwrap().refusal.unwrap().message.contains("ada@"));

        store.replay(&refused_id, "operator").await.unwrap();
        assert_eq!(store.sweep(RetentionKind::Commands, ago(&clock, 90), 100).await.unwrap().rows, 1);
        let replayed = store.get_command(&refused_id).await.unwrap().unwrap();
        assert_eq!(replayed.outcome.unwrap().refusal.unwrap().message, SCRUBBED);
    }
}

on_both_stores! {
    async fn history_past_its_time_keeps_what_happened_and_who_did_it() {
        let (_scratch, clock, store) = open().await;
        let command = deprovision("partner-portal:left", at(0));
        let command_id = command.id.clone();
        store.enqueue(None, vec![command]).await.unwrap();
        clock.advance(TimeDelta::days(91));
        let later = deprovision("partner-portal:left", at(5));
        let later_id = later.id.clone();
        store.enqueue(None, vec![later]).await.unwrap();

        let swept = store.sweep(RetentionKind::History, ago(&clock, 90), 100).await.unwrap();
        assert_eq!(swept.rows, 1, "only the old entry");
        let subject = store.get_subject(&key("partner-portal:left")).await.unwrap().unwrap();
        let entry = |id| {
            subject
                .history
                .iter()
                .find(|e| e.command_id.as_ref() == Some(id) && e.kind == HistoryKind::Command)
                .unwrap()
        };
        let old = entry(&command_id);
        assert_eq!(old.detail["trigger"], SCRUBBED);
        assert_eq!(old.detail["intent"], "deprovision");
        assert_eq!(old.actor.as_deref(), Some("partner-portal"));
        let new = entry(&later_id);
        assert_eq!(new.detail["trigger"], "contract C-42 ended");
    }
}

on_both_stores! {
    async fn old_rosters_reports_and_orphaned_deliveries_are_deleted_but_the_newest_report_stays() {
        let (scratch, clock, store) = open().await;
        let report = |run: &str| json!({"run_id": run, "findings": [{"subject_key": "partner-portal:left"}]});
        for (run, days) in [("rec_1", 100), ("rec_2", 95)] {
            let at = ago(&clock, days);
            store.save_reconcile_report(run, at, at, &report(run)).await.unwrap();
        }
        for (run, days) in [("ros_old", 100), ("ros_new", 10)] {
            let write = RosterRunWrite {
                run: RosterRun {
                    run_id: run.to_owned(),
                    source: "partner-portal".to_owned(),
                    origin: "upload".to_owned(),
                    actor: "alice".to_owned(),
                    verdict: "dry_run".to_owned(),
                    reason: None,
                    report: report(run),
                    created_at: ago(&clock, days),
                },
                missing: Vec::new(),
                cleared: Vec::new(),
            };
            store.record_roster_run(&write).await.unwrap();
        }
        let command = provision("partner-portal:left", at(0));
        run_to_end(&store, &clock, command, OutcomeKind::Succeeded, None).await;
        let event = store.outbox_unpublished(1).await.unwrap().remove(0);
        let new = NewDelivery { outbox_id: event.outbox_id.clone(), subject_key: key("partner-portal:left"), filtered: false };
        store.add_webhook_deliveries("crm", &[new], clock.now()).await.unwrap();
        clock.advance(TimeDelta::days(31));
        assert_eq!(store.sweep(RetentionKind::WebhookDeliveries, ago(&clock, 30), 100).await.unwrap().rows, 0, "the outbox still holds the event");
        store.prune_outbox_all(clock.now()).await.unwrap();

        assert_eq!(store.sweep(RetentionKind::WebhookDeliveries, ago(&clock, 30), 100).await.unwrap().rows, 1);
        assert_eq!(scratch.table_rows("webhook_deliveries").await, 0);
        let swept = store.sweep(RetentionKind::ReconcileReports, ago(&clock, 90), 100).await.unwrap();
        assert_eq!(swept.rows, 1);
        assert_eq!(store.last_reconcile_report().await.unwrap().unwrap()["run_id"], "rec_2");
        assert_eq!(scratch.table_rows("reconcile_reports").await, 1);
        let swept = store.sweep(RetentionKind::Rosters, ago(&clock, 90), 100).await.unwrap();
        assert_eq!(swept.rows, 1);
        assert_eq!(store.roster_run("ros_old").await.unwrap(), None);
        assert!(store.roster_run("ros_new").await.unwrap().is_some());
    }
}
