use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

fn usage(used: u64, max: u64) -> ApiUsage {
    ApiUsage { used, max }
}

fn budget(reserve: ApiReserve) -> ApiBudget {
    ApiBudget::new(reserve, Duration::from_millis(1), Duration::from_millis(8))
}

#[test]
fn the_header_gives_the_org_wide_usage() {
    assert_eq!(
        ApiUsage::from_header("api-usage=18/5000"),
        Some(usage(18, 5000))
    );
    assert_eq!(
        ApiUsage::from_header("per-app-api-usage=17/250(appName=x); api-usage=18/5000"),
        Some(usage(18, 5000))
    );
    assert_eq!(
        ApiUsage::from_header(" api-usage = 7 / 9 "),
        Some(usage(7, 9))
    );
    for garbage in [
        "",
        "api-usage",
        "api-usage=5",
        "api-usage=a/b",
        "per-app-api-usage=1/2",
        "api-usage=-1/5",
    ] {
        assert_eq!(ApiUsage::from_header(garbage), None, "{garbage:?}");
    }
}

#[test]
fn the_gate_closes_when_the_remaining_calls_reach_the_reserve() {
    let budget = budget(ApiReserve::Calls(10));
    assert!(budget.is_open(), "open before anything is known");
    budget.observe(usage(989, 1000));
    assert!(budget.is_open(), "11 left, 10 kept back");
    budget.observe(usage(990, 1000));
    assert!(!budget.is_open(), "10 left, all kept back");
    budget.observe(usage(1200, 1000));
    assert!(!budget.is_open(), "over the limit");
    let snapshot = budget.snapshot();
    assert_eq!(snapshot.usage, Some(usage(1200, 1000)));
    assert_eq!(snapshot.reserve_calls, Some(10));
}

#[test]
fn a_share_reserve_scales_with_the_allowance() {
    let budget = budget(ApiReserve::Percent { basis_points: 1000 });
    budget.observe(usage(899, 1000));
    assert!(budget.is_open());
    budget.observe(usage(900, 1000));
    assert!(!budget.is_open());
    budget.observe(usage(900, 100_000));
    assert!(budget.is_open());
    assert_eq!(budget.snapshot().reserve_calls, Some(10_000));
}

#[test]
fn request_limit_exceeded_closes_the_gate_until_a_probe_shows_room() {
    let budget = budget(ApiReserve::Calls(0));
    budget.observe(usage(10, 1000));
    budget.throttle();
    assert!(!budget.is_open());
    budget.observe(usage(10, 1000));
    assert!(
        !budget.is_open(),
        "an ordinary answer does not lift the throttle"
    );
    budget.observe_probe(usage(1000, 1000));
    assert!(!budget.is_open(), "a probe without room does not either");
    budget.observe_probe(usage(10, 1000));
    assert!(budget.is_open());
    assert!(!budget.snapshot().throttled);
}

#[tokio::test]
async fn an_open_gate_never_probes() {
    let budget = budget(ApiReserve::Calls(10));
    budget.observe(usage(1, 1000));
    let probes = AtomicUsize::new(0);
    budget
        .wait_for_room(|| async {
            probes.fetch_add(1, Ordering::SeqCst);
            None
        })
        .await;
    assert_eq!(probes.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_waiter_proceeds_once_the_org_reports_room_and_not_before() {
    let budget = budget(ApiReserve::Calls(10));
    budget.observe(usage(995, 1000));
    let probes = AtomicUsize::new(0);
    budget
        .wait_for_room(|| async {
            let n = probes.fetch_add(1, Ordering::SeqCst) + 1;
            match n {
                1 => None,                       // the org could not say
                2 | 3 => Some(usage(996, 1000)), // still no room
                _ => Some(usage(100, 1000)),
            }
        })
        .await;
    assert_eq!(probes.load(Ordering::SeqCst), 4);
    assert!(budget.is_open());
    assert_eq!(budget.snapshot().waiting, 0);
}

#[tokio::test]
async fn many_waiters_share_one_prober() {
    let budget = Arc::new(budget(ApiReserve::Calls(10)));
    budget.observe(usage(1000, 1000));
    let in_flight = Arc::new(AtomicUsize::new(0));
    let most_in_flight = Arc::new(AtomicUsize::new(0));
    let probes = Arc::new(AtomicUsize::new(0));
    let mut waiters = Vec::new();
    for _ in 0..8 {
        let (budget, in_flight, most, probes) = (
            budget.clone(),
            in_flight.clone(),
            most_in_flight.clone(),
            probes.clone(),
        );
        waiters.push(tokio::spawn(async move {
            budget
                .wait_for_room(|| async {
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    tokio::task::yield_now().await;
                    let n = probes.fetch_add(1, Ordering::SeqCst) + 1;
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    Some(if n < 5 {
                        usage(1000, 1000)
                    } else {
                        usage(0, 1000)
                    })
                })
                .await;
        }));
    }
    for waiter in waiters {
        waiter.await.unwrap();
    }
    assert_eq!(most_in_flight.load(Ordering::SeqCst), 1);
    assert_eq!(
        probes.load(Ordering::SeqCst),
        5,
        "no probe after the gate opened"
    );
    assert_eq!(budget.snapshot().waiting, 0);
}

#[tokio::test]
async fn the_poll_interval_doubles_up_to_its_bound_and_resets_when_the_gate_opens() {
    let budget = budget(ApiReserve::Calls(10));
    budget.observe(usage(1000, 1000));
    let probes = AtomicUsize::new(0);
    budget
        .wait_for_room(|| async {
            let n = probes.fetch_add(1, Ordering::SeqCst) + 1;
            assert!(budget.lock().next_poll <= Duration::from_millis(8));
            (n >= 6).then(|| usage(0, 1000))
        })
        .await;
    assert_eq!(budget.lock().next_poll, Duration::from_millis(1));
    budget.observe(usage(1000, 1000));
    let probes_seen = Arc::new(Mutex::new(Vec::new()));
    budget
        .wait_for_room(|| {
            let seen = probes_seen.clone();
            let interval = budget.lock().next_poll;
            async move {
                let mut seen = seen.lock().unwrap();
                seen.push(interval);
                (seen.len() >= 5).then(|| usage(0, 1000))
            }
        })
        .await;
    let millis: Vec<u128> = probes_seen
        .lock()
        .unwrap()
        .iter()
        .map(Duration::as_millis)
        .collect();
    assert_eq!(millis, [2, 4, 8, 8, 8], "the interval after each sleep");
}

#[tokio::test]
async fn a_cancelled_waiter_is_no_longer_counted() {
    let budget = Arc::new(budget(ApiReserve::Calls(10)));
    budget.observe(usage(1000, 1000));
    let waiter = {
        let budget = budget.clone();
        tokio::spawn(async move { budget.wait_for_room(|| async { None }).await })
    };
    while budget.snapshot().waiting == 0 {
        tokio::task::yield_now().await;
    }
    waiter.abort();
    let _ = waiter.await;
    assert_eq!(budget.snapshot().waiting, 0);
    assert!(!budget.is_open());
}
