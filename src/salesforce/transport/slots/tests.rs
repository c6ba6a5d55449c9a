use std::sync::Arc;
use std::time::Duration;

use super::CallSlots;

/// Whether `task` is still waiting after the runtime had every chance to run it.
async fn still_waiting<T>(task: &tokio::task::JoinHandle<T>) -> bool {
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
    !task.is_finished()
}

#[tokio::test]
async fn a_call_waits_while_every_slot_is_taken_and_goes_when_one_frees() {
    let slots = Arc::new(CallSlots::new(2));
    let first = slots.take().await;
    let _second = slots.take().await;
    assert_eq!(slots.snapshot().in_use, 2);

    let waiting = {
        let slots = slots.clone();
        tokio::spawn(async move {
            let _slot = slots.take().await;
        })
    };
    assert!(
        still_waiting(&waiting).await,
        "a third call went past a share of two"
    );

    drop(first);
    tokio::time::timeout(Duration::from_secs(5), waiting)
        .await
        .expect("the freed slot was not taken")
        .unwrap();
}

#[tokio::test]
async fn a_larger_share_lets_waiting_calls_go_and_a_smaller_one_holds_new_calls() {
    let slots = Arc::new(CallSlots::new(1));
    let held = slots.take().await;
    let waiting = {
        let slots = slots.clone();
        tokio::spawn(async move {
            let _slot = slots.take().await;
        })
    };
    assert!(still_waiting(&waiting).await);

    slots.set_share(2);
    tokio::time::timeout(Duration::from_secs(5), waiting)
        .await
        .expect("a grown share did not wake the waiting call")
        .unwrap();

    // Shrunk below what is in flight: nothing is interrupted, new calls wait.
    let second = slots.take().await;
    slots.set_share(1);
    assert_eq!(slots.snapshot().in_use, 2);
    let late = {
        let slots = slots.clone();
        tokio::spawn(async move {
            let _slot = slots.take().await;
        })
    };
    drop(held);
    assert!(
        still_waiting(&late).await,
        "a call went while the replica was over its share"
    );
    drop(second);
    tokio::time::timeout(Duration::from_secs(5), late)
        .await
        .expect("the call waiting under the smaller share never went")
        .unwrap();
}

#[test]
fn a_share_is_never_below_one() {
    let slots = CallSlots::new(0);
    assert_eq!(slots.snapshot().share, 1);
    slots.set_share(0);
    assert_eq!(slots.snapshot().share, 1);
}
