use std::time::Duration;

use chrono::TimeDelta;

use super::{ClaimHold, LeaseKeeper};
use crate::clock::{Clock, ManualClock};
use crate::domain::OutcomeKind;
use crate::store::tests::backing::{Scratch, on_both_stores};
use crate::store::tests::samples::{WORKER, at, finish_as, provision};
use crate::store::{ClaimedCommand, CommandState, Store};

const LEASE: TimeDelta = TimeDelta::seconds(30);

/// A store on `clock` with one provision claimed for [`WORKER`] for [`LEASE`].
async fn claimed(dir: &Scratch, clock: &ManualClock) -> (Store, ClaimedCommand) {
    let store = dir.open_with_clock(clock.shared()).await;
    store
        .enqueue(None, vec![provision("partner-portal:1", at(0))])
        .await
        .unwrap();
    let mut claimed = store
        .claim_due(clock.now(), 1, WORKER, LEASE)
        .await
        .unwrap();
    (store, claimed.remove(0))
}

/// A keeper of `claimed`'s claim, and the run's hold on it.
fn keeper_of(
    store: &Store,
    clock: &ManualClock,
    claimed: &ClaimedCommand,
) -> (LeaseKeeper, ClaimHold) {
    let keeper = LeaseKeeper {
        store: store.clone(),
        clock: clock.shared(),
        lease: LEASE,
    };
    (
        keeper,
        ClaimHold::new(claimed.command.id.clone(), claimed.fence),
    )
}

/// Moves the clock in steps the keeper can follow, `steps` times.
async fn let_time_pass(clock: &ManualClock, steps: u32) {
    for _ in 0..steps {
        clock.advance(TimeDelta::seconds(5));
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

on_both_stores! {
    async fn a_running_claim_is_renewed_and_outlives_its_first_lease() {
        let dir = Scratch::new().await;
        let clock = ManualClock::new(at(0));
        let (store, claimed) = claimed(&dir, &clock).await;
        let (keeper, hold) = keeper_of(&store, &clock, &claimed);
        let keeping = {
            let hold = hold.clone();
            tokio::spawn(async move { keeper.keep(&hold).await })
        };

        let_time_pass(&clock, 12).await;

        assert_eq!(store.release_expired_claims(clock.now()).await.unwrap(), 0);
        let record = store
            .get_command(&claimed.command.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(record.state, CommandState::Running);
        assert!(record.claimed_until.unwrap() > at(0) + LEASE, "{record:#?}");
        assert!(!hold.is_lost());
        keeping.abort();
    }
}

on_both_stores! {
    async fn a_renewal_that_finds_the_claim_taken_over_loses_the_hold() {
        let dir = Scratch::new().await;
        let clock = ManualClock::new(at(0));
        let (store, claimed) = claimed(&dir, &clock).await;
        let (keeper, hold) = keeper_of(&store, &clock, &claimed);
        // Another worker, whose clock runs ahead, finds the claim expired and takes it over.
        let ahead = at(0) + TimeDelta::hours(1);
        assert_eq!(store.release_expired_claims(ahead).await.unwrap(), 1);
        let taken = store
            .claim_due(ahead, 1, "another-worker", TimeDelta::hours(2))
            .await
            .unwrap();
        assert_eq!(taken.len(), 1);

        let keeping = {
            let hold = hold.clone();
            tokio::spawn(async move { keeper.keep(&hold).await })
        };
        let_time_pass(&clock, 3).await;

        assert!(hold.is_lost());
        assert!(hold.check().unwrap_err().is_claim_lost());
        tokio::time::timeout(Duration::from_secs(5), keeping)
            .await
            .expect("the keeper stops once the claim is lost")
            .unwrap();
        let record = store
            .get_command(&claimed.command.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(record.claimed_by.as_deref(), Some("another-worker"));
    }
}

/// A store on `clock` with `count` provisions of different people claimed for [`WORKER`] for
/// [`LEASE`], and a hold on each.
async fn claimed_batch(
    dir: &Scratch,
    clock: &ManualClock,
    count: usize,
) -> (Store, Vec<ClaimedCommand>, Vec<ClaimHold>) {
    let store = dir.open_with_clock(clock.shared()).await;
    let commands = (0..count)
        .map(|n| provision(&format!("partner-portal:{n}"), at(0)))
        .collect();
    store.enqueue(None, commands).await.unwrap();
    let claimed = store
        .claim_due(clock.now(), 100, WORKER, LEASE)
        .await
        .unwrap();
    assert_eq!(claimed.len(), count);
    let holds = claimed
        .iter()
        .map(|claimed| ClaimHold::new(claimed.command.id.clone(), claimed.fence))
        .collect();
    (store, claimed, holds)
}

fn keeper(store: &Store, clock: &ManualClock) -> LeaseKeeper {
    LeaseKeeper {
        store: store.clone(),
        clock: clock.shared(),
        lease: LEASE,
    }
}

on_both_stores! {
    async fn a_batch_keeps_its_claims_and_loses_only_the_one_no_longer_held() {
        let dir = Scratch::new().await;
        let clock = ManualClock::new(at(0));
        let (store, claimed, holds) = claimed_batch(&dir, &clock, 3).await;
        // The second command is no longer running under its claim: it ended.
        finish_as(&store, &claimed[1], OutcomeKind::NoChange).await;
        let keeping = {
            let (keeper, holds) = (keeper(&store, &clock), holds.clone());
            tokio::spawn(async move { keeper.keep_all(&holds).await })
        };

        let_time_pass(&clock, 12).await;

        assert!(holds[1].is_lost(), "the ended command's hold is lost");
        assert!(!holds[0].is_lost() && !holds[2].is_lost());
        assert_eq!(store.release_expired_claims(clock.now()).await.unwrap(), 0);
        for kept in [&claimed[0], &claimed[2]] {
            let record = store.get_command(&kept.command.id).await.unwrap().unwrap();
            assert_eq!(record.state, CommandState::Running);
            assert!(record.claimed_until.unwrap() > at(0) + LEASE, "{record:#?}");
        }
        keeping.abort();
    }
}

on_both_stores! {
    async fn a_batch_whose_renewal_the_store_refuses_loses_every_claim() {
        let dir = Scratch::new().await;
        let clock = ManualClock::new(at(0));
        let (store, _claimed, holds) = claimed_batch(&dir, &clock, 3).await;
        let keeping = {
            let (keeper, holds) = (keeper(&store, &clock), holds.clone());
            tokio::spawn(async move { keeper.keep_all(&holds).await })
        };
        store.close().await;

        let_time_pass(&clock, 3).await;

        assert!(holds.iter().all(ClaimHold::is_lost), "{holds:?}");
        tokio::time::timeout(Duration::from_secs(5), keeping)
            .await
            .expect("the keeper stops once every claim is lost")
            .unwrap();
    }
}
