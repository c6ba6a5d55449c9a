use chrono::{TimeDelta, Utc};

use super::*;
use crate::clock::ManualClock;
use crate::store::InboxStatus;
use crate::store::tests::backing::{Scratch, on_both_stores};
use crate::store::tests::delivery;

fn settings(extra: &str) -> Settings {
    Settings::from_toml(&format!("[salesforce]\norg = \"simulated\"\n{extra}")).unwrap()
}

on_both_stores! {
    async fn a_pass_counts_what_it_removed_per_kind_and_a_dry_run_changes_nothing() {
        let scratch = Scratch::new().await;
        let clock = ManualClock::new(Utc::now());
        let store = scratch.open_with_clock(clock.shared()).await;
        for key in ["e-1", "e-2"] {
            let event = store.accept(delivery("hr", key, b"{\"email\":\"ada@x.example\"}")).await.unwrap();
            store.mark(&event.event_id, InboxStatus::Mapped, None).await.unwrap();
        }
        clock.advance(TimeDelta::days(31));
        let metrics = Metrics::new();
        let config = settings("[retention]\ninbox_bodies_days = 30\nbatch_size = 1\n").retention;
        let retention = Retention::new(store.clone(), clock.shared(), metrics.clone(), config);

        let would = retention.dry_run().await.unwrap();
        assert!(would.contains(&(RetentionKind::InboxBodies, 2)), "{would:?}");
        assert!(!metrics.encode().contains("gatehouse_retention_scrubbed_total{"));
        let (removed, failure) = retention.pass().await;
        assert!(failure.is_none());
        assert!(removed.contains(&(RetentionKind::InboxBodies, 2)), "{removed:?}");
        assert!(
            metrics.encode().contains("gatehouse_retention_scrubbed_total{kind=\"inbox_bodies\"} 2"),
            "{}",
            metrics.encode()
        );
        let (again, _) = retention.pass().await;
        assert!(again.iter().all(|(_, rows)| *rows == 0), "{again:?}");
        assert!(metrics.encode().contains("gatehouse_retention_scrubbed_total{kind=\"inbox_bodies\"} 2"));
    }
}

#[test]
fn kinds_kept_forever_are_left_out_and_nothing_runs_when_all_are() {
    let all_forever = settings(
        "[retention]\ninbox_bodies_days = 0\ncommands_days = 0\nhistory_days = 0\nrosters_days = 0\n\
         reconcile_reports_days = 0\nwebhook_deliveries_days = 0\nfetched_days = 0\n",
    );
    assert!(!all_forever.retention.limits_anything());
    let some = settings("[retention]\ncommands_days = 0\n").retention;
    assert_eq!(some.commands_days, 0);
    assert_eq!(some.history_days, 90, "the others keep their defaults");
}
