//! Outbox pruning with Kafka off: outcomes nobody will publish are deleted after the retention,
//! published or not, so the outbox never grows forever; recent ones stay.

use crate::on_both_stores;
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use gatehouse::clock::ManualClock;
use gatehouse::publish::{PruneScope, Pruner};
use gatehouse::store::OutboxRow;
use serde_json::json;

use crate::scenarios::{Partner, Setup, scenario_app};
use crate::support::{PORTAL_SECRET, TestApp, now_in_seconds, settle};

/// Signs `person` up and waits for the engine; answers the outcome's outbox row.
async fn sign_up(app: &TestApp, person: &Partner) -> OutboxRow {
    let body = person.signed_up(app.clock_now(), json!({}));
    let id = format!("msg_{}", person.id);
    let answer = app
        .signed_delivery("partner-portal", PORTAL_SECRET, &id, &body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 202);
    settle::settled(&app.store, app.clock_now()).await;
    let rows = app.store.outbox_unpublished(100).await.unwrap();
    rows.into_iter()
        .find(|row| row.subject_key.as_str() == person.subject())
        .expect("the signup's outcome is in the outbox")
}

fn partner(n: u32) -> Partner {
    Partner::new(
        &format!("u-{n}"),
        "P-100",
        "Pat",
        &format!("Ner{n}"),
        &format!("pat.ner{n}@partner.example"),
    )
}

async fn start(clock: ManualClock, dir: Arc<tempfile::TempDir>) -> TestApp {
    scenario_app(&Setup::default())
        .clock(clock)
        .store_in(dir)
        .spawn()
        .await
}

on_both_stores! {
    async fn with_kafka_off_old_outcomes_are_pruned_published_or_not_and_recent_ones_kept() {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        let app = start(ManualClock::new(now_in_seconds()), dir).await;
        let published = sign_up(&app, &partner(1)).await;
        let unpublished = sign_up(&app, &partner(2)).await;
        app.store
            .mark_published(std::slice::from_ref(&published.outbox_id))
            .await
            .unwrap();
        // A cut-off strictly between the first two rows and the next (the store keeps ms); the
        // app's clock, which dates the rows, moves past it before the next one.
        let cut_off = unpublished.created_at + TimeDelta::milliseconds(2);
        app.clock.set(cut_off + TimeDelta::milliseconds(2));
        let recent = sign_up(&app, &partner(3)).await;

        let settings = scenario_app(&Setup::default()).settings();
        let retention = TimeDelta::hours(settings.outbox.retention_hours as i64);
        let clock = ManualClock::new(cut_off + retention);
        let pruner = Pruner::for_settings(&settings, app.store.clone(), clock.shared()).unwrap();
        assert_eq!(pruner.scope(), PruneScope::Everything, "no outcome topic");

        assert_eq!(pruner.prune().await.unwrap(), 2);
        for gone in [&published, &unpublished] {
            assert_eq!(app.store.outbox_event(&gone.outbox_id).await.unwrap(), None);
        }
        assert_eq!(
            app.store.outbox_event(&recent.outbox_id).await.unwrap(),
            Some(recent.clone())
        );
        assert_eq!(
            app.store.outbox_unpublished(10).await.unwrap(),
            vec![recent]
        );
        app.stop().await;
    }
}

on_both_stores! {
    async fn the_service_prunes_outcomes_past_the_retention_when_it_starts() {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        let app = start(ManualClock::new(now_in_seconds()), dir.clone()).await;
        let row = sign_up(&app, &partner(1)).await;
        app.stop().await;

        // A week and a day later (the default retention is a week).
        let later = ManualClock::new(now_in_seconds() + TimeDelta::days(8));
        let app = start(later, dir).await;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while app
            .store
            .outbox_event(&row.outbox_id)
            .await
            .unwrap()
            .is_some()
        {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the unpublished row was never pruned"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        app.stop().await;
    }
}
