//! Readiness over a real store: answers reused for a second, draining before the store.

use std::time::Duration;

use super::*;
use crate::store::tests::{ForeignWriteLock, open};

async fn readiness_over(path: &std::path::Path) -> (Store, Arc<Lifecycle>, Readiness) {
    let store = open(path).await;
    let lifecycle = Arc::new(Lifecycle::default());
    let readiness = Readiness::new(store.clone(), lifecycle.clone(), Duration::from_millis(200));
    (store, lifecycle, readiness)
}

#[tokio::test]
async fn an_answer_is_reused_for_a_second_so_probes_cannot_flood_the_writer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gatehouse.db");
    let (_store, _lifecycle, readiness) = readiness_over(&path).await;
    assert_eq!(readiness.check().await, Verdict::Ready);

    let lock = ForeignWriteLock::take(&path).await;
    // Asked again at once: the last answer, without touching the locked writer.
    assert_eq!(readiness.check().await, Verdict::Ready);

    tokio::time::sleep(REUSE_FOR).await;
    assert_eq!(
        readiness.check().await,
        Verdict::NotReady {
            check: Check::Writes,
            blocker: Blocker::TimedOut
        }
    );
    lock.release().await;
}

#[tokio::test]
async fn draining_is_answered_without_asking_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let (store, lifecycle, readiness) = readiness_over(&dir.path().join("gatehouse.db")).await;
    store.close().await;
    lifecycle.start_draining();

    assert_eq!(readiness.check().await, Verdict::Draining);
}
