//! The batching writer, proven against a stand-in backend whose commits the tests hold back, so
//! every assertion is about structure (who shared which batch), never about timing.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;

use chrono::Utc;
use tokio::sync::Semaphore;

use super::*;
use crate::store::error::StoreErrorKind;
use crate::store::inbox::KeyOrigin;
use crate::store::tests::wait_for;

/// A backend that writes to memory, one batch per permit of `gate`.
#[derive(Clone)]
struct HeldBackend {
    gate: Arc<Semaphore>,
    batch_sizes: Arc<Mutex<Vec<usize>>>,
    /// Sets of verdicts per batch, in the order the batches were written.
    verdict_sets: Arc<Mutex<Vec<usize>>>,
    /// Batches the writer has started, held at the gate or not.
    entered: Arc<std::sync::atomic::AtomicUsize>,
    first_receipts: Arc<Mutex<HashMap<String, Receipt>>>,
    fail: bool,
}

impl HeldBackend {
    fn new(fail: bool) -> Self {
        HeldBackend {
            gate: Arc::new(Semaphore::new(0)),
            batch_sizes: Arc::default(),
            verdict_sets: Arc::default(),
            entered: Arc::default(),
            first_receipts: Arc::default(),
            fail,
        }
    }

    fn batch_sizes(&self) -> Vec<usize> {
        self.batch_sizes.lock().unwrap().clone()
    }
}

impl BatchWriter for HeldBackend {
    async fn write_batch(&self, batch: Batch<'_>) -> Result<Written, StoreError> {
        let events = batch.events;
        self.entered.fetch_add(1, Ordering::SeqCst);
        self.gate.acquire().await.unwrap().forget();
        self.batch_sizes.lock().unwrap().push(events.len());
        self.verdict_sets.lock().unwrap().push(batch.verdicts.len());
        if self.fail {
            return Err(StoreError::Unavailable {
                action: "writing a batch",
                source: sqlx::Error::PoolTimedOut,
            });
        }
        let mut firsts = self.first_receipts.lock().unwrap();
        let receipts = events
            .iter()
            .map(|event| match firsts.get(&event.dedupe_key) {
                Some(first) => Receipt {
                    duplicate: true,
                    ..first.clone()
                },
                None => {
                    let receipt = Receipt {
                        event_id: EventId::generate(),
                        status: InboxStatus::Accepted,
                        received_at: event.received_at,
                        duplicate: false,
                    };
                    firsts.insert(event.dedupe_key.clone(), receipt.clone());
                    receipt
                }
            })
            .collect();
        Ok(Written {
            receipts,
            changed: batch.verdicts.iter().map(|set| set.len() as u64).collect(),
        })
    }
}

fn event(key: &str) -> NewEvent {
    NewEvent {
        source: "partner-portal".into(),
        dedupe_key: key.into(),
        key_origin: KeyOrigin::Header,
        received_at: Utc::now(),
        source_time: None,
        content_type: "application/json".into(),
        body: b"{}".to_vec(),
        traceparent: None,
    }
}

fn submit_all(
    commit: &Arc<GroupCommit>,
    keys: impl IntoIterator<Item = String>,
) -> Vec<JoinHandle<Result<Receipt, StoreError>>> {
    keys.into_iter()
        .map(|key| {
            let commit = commit.clone();
            tokio::spawn(async move { commit.submit(event(&key)).await })
        })
        .collect()
}

async fn answers(
    tasks: Vec<JoinHandle<Result<Receipt, StoreError>>>,
) -> Vec<Result<Receipt, StoreError>> {
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callers_waiting_together_share_one_commit_and_hear_only_after_it() {
    let backend = HeldBackend::new(false);
    let commit = Arc::new(GroupCommit::start(backend.clone(), 256, 1024));
    let tasks = submit_all(&commit, (0..10).map(|i| format!("k{i}")));
    wait_for("all ten queued", || commit.stats().queued == 10).await;
    assert!(
        tasks.iter().all(|task| !task.is_finished()),
        "a caller was answered before its batch was written"
    );

    backend.gate.add_permits(10);
    let answers = answers(tasks).await;

    assert!(answers.iter().all(Result::is_ok));
    let sizes = backend.batch_sizes();
    assert_eq!(sizes.iter().sum::<usize>(), 10);
    // The writer may have taken the first event before the rest arrived; everything else was
    // waiting when the gate opened and went in one transaction.
    assert!(sizes.len() <= 2, "batches: {sizes:?}");
    let stats = commit.stats();
    assert_eq!(stats.batches, u64::try_from(sizes.len()).unwrap());
    assert_eq!((stats.events, stats.queued), (10, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_batch_grows_beyond_max_batch() {
    let backend = HeldBackend::new(false);
    let commit = Arc::new(GroupCommit::start(backend.clone(), 4, 1024));
    let tasks = submit_all(&commit, (0..10).map(|i| format!("k{i}")));
    wait_for("all ten queued", || commit.stats().queued == 10).await;

    backend.gate.add_permits(10);
    assert!(answers(tasks).await.iter().all(Result::is_ok));

    let sizes = backend.batch_sizes();
    assert_eq!(sizes.iter().sum::<usize>(), 10);
    assert!(sizes.iter().all(|&size| size <= 4), "batches: {sizes:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_batch_fails_every_caller_in_it() {
    let backend = HeldBackend::new(true);
    let commit = Arc::new(GroupCommit::start(backend.clone(), 256, 1024));
    let tasks = submit_all(&commit, (0..5).map(|i| format!("k{i}")));
    wait_for("all five queued", || commit.stats().queued == 5).await;

    backend.gate.add_permits(5);
    for answer in answers(tasks).await {
        let error = answer.expect_err("nothing may be acknowledged from a failed batch");
        assert!(matches!(error, StoreError::BatchFailed(_)), "{error:?}");
        assert_eq!(error.kind(), StoreErrorKind::Unavailable);
    }
    let stats = commit.stats();
    assert_eq!((stats.events, stats.batches), (0, 0));
    assert!(stats.failed_batches >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_refuses_new_events_but_finishes_queued_ones_first() {
    let backend = HeldBackend::new(false);
    let commit = Arc::new(GroupCommit::start(backend.clone(), 256, 1024));
    let tasks = submit_all(&commit, (0..5).map(|i| format!("k{i}")));
    wait_for("all five queued", || commit.stats().queued == 5).await;

    let closing = {
        let commit = commit.clone();
        tokio::spawn(async move { commit.close().await })
    };
    wait_for("the queue to be closed", || !commit.is_running()).await;
    assert!(matches!(
        commit.submit(event("late")).await,
        Err(StoreError::Closed)
    ));
    assert!(
        !closing.is_finished(),
        "close returned before the queue was drained"
    );

    backend.gate.add_permits(5);
    closing.await.unwrap();
    let answers = answers(tasks).await;
    assert!(answers.iter().all(Result::is_ok), "{answers:?}");
    assert_eq!(commit.stats().events, 5);
}

#[tokio::test]
async fn a_resend_is_answered_with_the_first_receipt() {
    let backend = HeldBackend::new(false);
    backend.gate.add_permits(2);
    let commit = GroupCommit::start(backend, 256, 16);
    let first = commit.submit(event("same")).await.unwrap();
    let again = commit.submit(event("same")).await.unwrap();
    assert_eq!(again.event_id, first.event_id);
    assert!(again.duplicate && !first.duplicate);
    assert_eq!(commit.stats().duplicates, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_submitted_together_are_written_in_the_order_given() {
    let backend = HeldBackend::new(false);
    // A queue far smaller than the events: most of them wait for a place.
    let commit = Arc::new(GroupCommit::start(backend.clone(), 3, 2));
    backend.gate.add_permits(1000);
    let keys: Vec<String> = (0..200).map(|i| format!("k{i}")).collect();
    let answers = commit
        .submit_all(keys.iter().map(|key| event(key)).collect())
        .await;

    assert_eq!(answers.len(), keys.len());
    let ids: Vec<EventId> = answers
        .into_iter()
        .map(|answer| answer.expect("stored").event_id)
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(
        ids, sorted,
        "ids are made in write order: the writer kept the order given"
    );
    assert_eq!(backend.batch_sizes().iter().sum::<usize>(), keys.len());
}

#[tokio::test]
async fn a_closed_queue_refuses_every_event_of_a_submission() {
    let commit = GroupCommit::start(HeldBackend::new(false), 256, 16);
    commit.close().await;
    let answers = commit.submit_all(vec![event("a"), event("b")]).await;
    assert!(
        answers
            .iter()
            .all(|answer| matches!(answer, Err(StoreError::Closed)))
    );
}

fn verdicts(count: usize) -> Vec<Verdict> {
    (0..count)
        .map(|i| {
            (
                EventId::generate(),
                InboxStatus::Ignored,
                Some(format!("reason {i}")),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verdicts_ride_in_the_transaction_of_the_events_queued_with_them() {
    let backend = HeldBackend::new(false);
    let commit = Arc::new(GroupCommit::start(backend.clone(), 256, 1024));
    // The writer takes a first event and is held with it.
    let first = submit_all(&commit, ["first".to_owned()]);
    wait_for("the writer holds the first batch", || {
        backend.entered.load(Ordering::SeqCst) == 1
    })
    .await;
    // Then a page of verdicts and five events queue up behind it.
    let mut page = Box::pin(commit.submit_verdicts(verdicts(3)));
    assert!(
        futures::poll!(&mut page).is_pending(),
        "queued, not answered"
    );
    let events = submit_all(&commit, (0..5).map(|i| format!("k{i}")));
    wait_for("five more events queued", || commit.stats().queued == 6).await;
    assert!(
        futures::poll!(&mut page).is_pending(),
        "answered before written"
    );

    backend.gate.add_permits(2);
    assert!(answers(first).await.iter().all(Result::is_ok));
    assert!(answers(events).await.iter().all(Result::is_ok));
    assert_eq!(page.await.unwrap(), 3);

    assert_eq!(backend.batch_sizes(), [1, 5]);
    assert_eq!(*backend.verdict_sets.lock().unwrap(), [0, 1]);
    assert_eq!(commit.stats().batches, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verdicts_alone_are_written_but_not_counted_as_a_batch_of_events() {
    let backend = HeldBackend::new(false);
    let commit = Arc::new(GroupCommit::start(backend.clone(), 256, 1024));
    backend.gate.add_permits(1);
    assert_eq!(commit.submit_verdicts(verdicts(2)).await.unwrap(), 2);
    assert_eq!(*backend.verdict_sets.lock().unwrap(), [1]);
    let stats = commit.stats();
    assert_eq!((stats.batches, stats.events, stats.queued), (0, 0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_transaction_fails_its_verdicts_with_its_events() {
    let backend = HeldBackend::new(true);
    let commit = Arc::new(GroupCommit::start(backend.clone(), 256, 1024));
    let first = submit_all(&commit, ["first".to_owned()]);
    wait_for("the writer holds the first batch", || {
        backend.entered.load(Ordering::SeqCst) == 1
    })
    .await;
    let mut page = Box::pin(commit.submit_verdicts(verdicts(1)));
    assert!(futures::poll!(&mut page).is_pending());
    let events = submit_all(&commit, ["second".to_owned()]);
    wait_for("the second event queued", || commit.stats().queued == 2).await;

    backend.gate.add_permits(2);
    assert!(answers(first).await.iter().all(Result::is_err));
    assert!(answers(events).await.iter().all(Result::is_err));
    let error = page.await.unwrap_err();
    assert_eq!(error.kind(), StoreErrorKind::Unavailable, "{error:?}");
    assert_eq!(commit.stats().failed_batches, 2);
}
