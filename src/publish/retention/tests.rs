use chrono::{TimeDelta, Utc};

use super::*;
use crate::clock::ManualClock;
use crate::store::tests::backing::{Scratch, on_both_stores};
use crate::store::tests::delivery;
use crate::store::{InboxStatus, RetentionKind};

/// What a pass did to `kind`, if it swept it without failing.
fn rows(results: &PassResult, kind: RetentionKind) -> Option<u64> {
    results
        .iter()
        .find(|(swept, _)| *swept == kind)
        .and_then(|(_, result)| result.as_ref().ok().copied())
}

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
        let retention = Retention::new(store.clone(), metrics.clone(), config.clone());

        let would = store.retention_pass(&config, true).await;
        assert_eq!(rows(&would, RetentionKind::InboxBodies), Some(2));
        assert_eq!(rows(&store.retention_pass(&config, true).await, RetentionKind::InboxBodies), Some(2), "a dry run changes nothing");
        assert!(!metrics.encode().contains("gatehouse_retention_scrubbed_total{"));
        let removed = retention.pass().await;
        assert!(removed.iter().all(|(_, result)| result.is_ok()), "{removed:?}");
        assert_eq!(rows(&removed, RetentionKind::InboxBodies), Some(2));
        assert!(
            metrics.encode().contains("gatehouse_retention_scrubbed_total{kind=\"inbox_bodies\"} 2"),
            "{}",
            metrics.encode()
        );
        let again = retention.pass().await;
        assert!(again.iter().all(|(_, rows)| matches!(rows, Ok(0))), "{again:?}");
        assert!(metrics.encode().contains("gatehouse_retention_scrubbed_total{kind=\"inbox_bodies\"} 2"));
    }
}

#[test]
fn kinds_kept_forever_are_left_out_and_nothing_runs_when_all_are() {
    let all_forever = settings(
        "[retention]\ninbox_bodies_days = 0\ncommands_days = 0\nhistory_days = 0\nrosters_days = 0\n\
         reconcile_reports_days = 0\nwebhook_deliveries_days = 0\naudit_days = 0\nfetched_days = 0\n",
    );
    assert!(!all_forever.retention.limits_anything());
    let some = settings("[retention]\ncommands_days = 0\n").retention;
    assert_eq!(RetentionKind::Commands.kept_for(&some), None);
    assert_eq!(
        RetentionKind::History.kept_for(&some),
        Some(chrono::TimeDelta::days(90)),
        "the others keep their defaults"
    );
}
