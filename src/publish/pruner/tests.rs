use chrono::Utc;

use super::*;
use crate::clock::ManualClock;
use crate::domain::OutcomeKind;
use crate::store::tests::backing::on_both_stores;
use crate::store::tests::fresh_store;
use crate::store::tests::samples::{at, enqueue_and_claim, finish_as, provision};

fn settings(extra: &str) -> Settings {
    Settings::from_toml(&format!("[salesforce]\norg = \"simulated\"\n{extra}")).unwrap()
}

const OUTCOMES: &str =
    "[kafka]\nbrokers = \"localhost:9092\"\n[kafka.outcomes]\ntopic = \"gatehouse.outcomes\"\n";

on_both_stores! {
    async fn the_settings_choose_what_is_pruned_and_after_how_long() {
        let (_dir, store) = fresh_store().await;
        let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(Utc::now()));
        let pruner = Pruner::for_settings(&settings(OUTCOMES), store.clone(), clock.clone());
        let pruner = pruner.unwrap();
        assert_eq!(pruner.scope(), PruneScope::Published);
        assert_eq!(pruner.retention, TimeDelta::hours(168), "the default week");

        let without = settings("[outbox]\nretention_hours = 2\n");
        let pruner = Pruner::for_settings(&without, store.clone(), clock.clone()).unwrap();
        assert_eq!(pruner.scope(), PruneScope::Everything);
        assert_eq!(pruner.retention, TimeDelta::hours(2));

        let kept = settings("[outbox]\nretention_hours = 0\n");
        assert!(Pruner::for_settings(&kept, store.clone(), clock.clone()).is_none());
        let huge = settings(&format!("[outbox]\nretention_hours = {}\n", i64::MAX));
        let pruner = Pruner::for_settings(&huge, store, clock).unwrap();
        assert_eq!(pruner.prune().await.unwrap(), 0, "nothing is that old");
    }
}

on_both_stores! {
    async fn past_the_retention_published_rows_go_and_unpublished_ones_only_without_a_topic() {
        let (_dir, store) = fresh_store().await;
        for subject in ["partner-portal:1", "partner-portal:2"] {
            let claimed = enqueue_and_claim(&store, provision(subject, at(0))).await;
            finish_as(&store, &claimed, OutcomeKind::Succeeded).await;
        }
        let rows = store.outbox_unpublished(10).await.unwrap();
        store
            .mark_published(std::slice::from_ref(&rows[0].outbox_id))
            .await
            .unwrap();
        let clock = ManualClock::new(Utc::now());
        let pruner = |scope| Pruner::new(store.clone(), clock.shared(), TimeDelta::hours(2), scope);

        assert_eq!(
            pruner(PruneScope::Everything).prune().await.unwrap(),
            0,
            "all recent"
        );
        clock.advance(TimeDelta::hours(3));
        assert_eq!(pruner(PruneScope::Published).prune().await.unwrap(), 1);
        assert_eq!(
            store.outbox_unpublished(10).await.unwrap(),
            rows[1..].to_vec()
        );
        assert_eq!(pruner(PruneScope::Everything).prune().await.unwrap(), 1);
        assert!(store.outbox_unpublished(10).await.unwrap().is_empty());
    }
}
