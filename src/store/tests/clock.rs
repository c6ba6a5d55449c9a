//! Every time the store records comes from the clock it was opened with, never the wall clock:
//! a clock set years away from today dates every row it writes.

use chrono::{DateTime, Datelike, TimeDelta, TimeZone, Utc};

use super::backing::{Scratch, on_both_stores};
use super::samples::{WORKER, accepted_event, at, ended, lease, provision};
use crate::clock::{Clock, ManualClock};
use crate::domain::{OutcomeKind, Refusal};
use crate::store::{InboxStatus, OutboxEvent, Store, SubjectUpdate};

/// A clock far from the wall clock, at an instant with milliseconds, as the store keeps them.
fn distant_clock() -> ManualClock {
    ManualClock::new(
        Utc.with_ymd_and_hms(2011, 6, 15, 8, 30, 0).unwrap() + TimeDelta::milliseconds(250),
    )
}

async fn open_with(dir: &Scratch, clock: &ManualClock) -> Store {
    dir.open_with_clock(clock.shared()).await
}

/// Moves the clock on a minute and answers the new time.
fn tick(clock: &ManualClock) -> DateTime<Utc> {
    clock.advance(TimeDelta::minutes(1));
    clock.now()
}

on_both_stores! {
    async fn inbox_changes_are_dated_by_the_stores_clock() {
        let dir = Scratch::new().await;
        let clock = distant_clock();
        let store = open_with(&dir, &clock).await;

        let event = accepted_event(&store, "dated").await;
        let stored = store.get(&event).await.unwrap().unwrap();
        assert_eq!(stored.updated_at, clock.now());
        let marked_at = tick(&clock);
        store
            .mark(&event, InboxStatus::Unmapped, Some("no rule".into()))
            .await
            .unwrap();
        assert_eq!(
            store.get(&event).await.unwrap().unwrap().updated_at,
            marked_at
        );
        let requeued_at = tick(&clock);
        store.requeue(&event).await.unwrap();
        let requeued = store.get(&event).await.unwrap().unwrap();
        assert_eq!(requeued.replayed_at, Some(requeued_at));
        assert_eq!(requeued.updated_at, requeued_at);
    }
}

on_both_stores! {
    async fn commands_outcomes_publications_and_replays_are_dated_by_the_stores_clock() {
        let dir = Scratch::new().await;
        let clock = distant_clock();
        let store = open_with(&dir, &clock).await;
        let event = accepted_event(&store, "dated").await;

        let enqueued_at = tick(&clock);
        let command = provision("partner-portal:dated", at(0));
        let id = command.id.clone();
        store.enqueue(Some(&event), vec![command]).await.unwrap();
        let record = store.get_command(&id).await.unwrap().unwrap();
        assert_eq!(
            (record.created_at, record.updated_at),
            (enqueued_at, enqueued_at)
        );
        assert_eq!(
            record.due_at, enqueued_at,
            "due from the store's now, not a later receipt"
        );
        assert_eq!(
            store.get(&event).await.unwrap().unwrap().updated_at,
            enqueued_at
        );

        let claimed_at = tick(&clock);
        let claimed = store
            .claim_due(claimed_at, 1, WORKER, lease())
            .await
            .unwrap();
        assert_eq!(claimed.len(), 1);
        let record = store.get_command(&id).await.unwrap().unwrap();
        assert_eq!(record.updated_at, claimed_at);

        let finished_at = tick(&clock);
        let outcome = ended(OutcomeKind::DeadLettered);
        let announcement = OutboxEvent::announcing(&claimed[0].command, &outcome);
        let outbox_id = store
            .finish(
                &id,
                claimed[0].fence,
                outcome,
                SubjectUpdate::default(),
                announcement,
            )
            .await
            .unwrap();
        assert_eq!(
            store.get_command(&id).await.unwrap().unwrap().updated_at,
            finished_at
        );
        let row = store.outbox_event(&outbox_id).await.unwrap().unwrap();
        assert_eq!(row.created_at, finished_at);
        let published_at = tick(&clock);
        store
            .mark_published(std::slice::from_ref(&outbox_id))
            .await
            .unwrap();
        let row = store.outbox_event(&outbox_id).await.unwrap().unwrap();
        assert_eq!(row.published_at, Some(published_at));

        let replayed_at = tick(&clock);
        let replay = store.replay(&id, "ops:alice").await.unwrap();
        let record = store.get_command(&replay).await.unwrap().unwrap();
        assert_eq!(
            (record.created_at, record.due_at),
            (replayed_at, replayed_at)
        );

        let subject = store
            .get_subject(&record.command.subject)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(subject.record.created_at, enqueued_at);
        assert_eq!(subject.record.updated_at, finished_at);
        let history: Vec<_> = subject.history.iter().map(|entry| entry.at).collect();
        assert_eq!(history.first(), Some(&enqueued_at));
        assert_eq!(history.last(), Some(&replayed_at));
        assert!(history.iter().all(|at| at.year() == 2011), "{history:?}");
    }
}

on_both_stores! {
    async fn steps_of_a_running_command_are_dated_by_the_stores_clock() {
        let dir = Scratch::new().await;
        let clock = distant_clock();
        let store = open_with(&dir, &clock).await;
        let command = provision("partner-portal:steps", at(0));
        let id = command.id.clone();
        store.enqueue(None, vec![command]).await.unwrap();
        let claim = |store: Store, now| async move {
            let claimed = store.claim_due(now, 1, WORKER, lease()).await.unwrap();
            assert_eq!(claimed.len(), 1);
            claimed[0].fence
        };
        let fence = claim(store.clone(), tick(&clock)).await;

        let progress_at = tick(&clock);
        store
            .record_progress(&id, fence, "welcome_email", "intended".into())
            .await
            .unwrap();
        assert_eq!(
            store.get_command(&id).await.unwrap().unwrap().updated_at,
            progress_at
        );

        let retried_at = tick(&clock);
        let error = Refusal {
            code: "UNABLE_TO_LOCK_ROW".into(),
            message: "unable to obtain exclusive access to this record".into(),
            fields: Vec::new(),
            status: Some(400),
        };
        store
            .retry_later(&id, fence, retried_at, &error)
            .await
            .unwrap();
        assert_eq!(
            store.get_command(&id).await.unwrap().unwrap().updated_at,
            retried_at
        );

        let fence = claim(store.clone(), tick(&clock)).await;
        let parked_at = tick(&clock);
        store
            .park(&id, fence, "no licence", Some("Partner Community"))
            .await
            .unwrap();
        assert_eq!(
            store.get_command(&id).await.unwrap().unwrap().updated_at,
            parked_at
        );
        let unparked_at = tick(&clock);
        assert_eq!(store.unpark(None).await.unwrap(), 1);
        let record = store.get_command(&id).await.unwrap().unwrap();
        assert_eq!(
            (record.due_at, record.updated_at),
            (unparked_at, unparked_at)
        );

        claim(store.clone(), tick(&clock)).await;
        let released_at = tick(&clock);
        assert_eq!(store.release_claims_of(WORKER).await.unwrap(), 1);
        assert_eq!(
            store.get_command(&id).await.unwrap().unwrap().updated_at,
            released_at
        );
    }
}
