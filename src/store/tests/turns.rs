//! Periodic tasks' turns and the replicas' roll call, with two replicas on one database and
//! one clock that the test moves.

use std::time::Duration;

use chrono::TimeDelta;

use super::backing::{Scratch, on_both_stores};
use crate::clock::ManualClock;
use crate::store::Store;

const LEASE: Duration = Duration::from_secs(10);

async fn two_replicas(clock: &ManualClock) -> (Scratch, Store, Store) {
    let scratch = Scratch::new().await;
    let first = scratch.open_with_clock(clock.shared()).await;
    let second = scratch.open_with_clock(clock.shared()).await;
    (scratch, first, second)
}

on_both_stores! {
    /// A turn is held by one replica until it expires; its holder renews it, another takes it
    /// only after it expired, and then the first no longer holds it.
    async fn a_turn_is_held_by_one_replica_until_it_expires() {
        let clock = ManualClock::at_unix_seconds(1_800_000_000);
        let (_scratch, a, b) = two_replicas(&clock).await;

        assert!(a.take_turn("outbox-relay", "replica-a", LEASE).await.unwrap());
        assert!(!b.take_turn("outbox-relay", "replica-b", LEASE).await.unwrap());
        // Another task's turn is a turn of its own.
        assert!(b.take_turn("outbox-pruner", "replica-b", LEASE).await.unwrap());

        // Renewed before it expires: still A's, past the first lease's end.
        clock.advance(TimeDelta::seconds(9));
        assert!(a.take_turn("outbox-relay", "replica-a", LEASE).await.unwrap());
        clock.advance(TimeDelta::seconds(9));
        assert!(!b.take_turn("outbox-relay", "replica-b", LEASE).await.unwrap());

        // A stops renewing: once the lease has run out, B takes the turn and A has lost it.
        clock.advance(TimeDelta::seconds(2));
        assert!(b.take_turn("outbox-relay", "replica-b", LEASE).await.unwrap());
        assert!(!a.take_turn("outbox-relay", "replica-a", LEASE).await.unwrap());
    }
}

on_both_stores! {
    /// A replica that gives up a turn at shutdown lets another take it at once; a replica
    /// that restarts with the same worker id holds its turns again without waiting.
    async fn turns_given_up_pass_on_at_once() {
        let clock = ManualClock::at_unix_seconds(1_800_000_000);
        let (scratch, a, b) = two_replicas(&clock).await;
        assert!(a.take_turn("outbox-relay", "replica-a", LEASE).await.unwrap());
        assert!(a.take_turn("licence-poll", "replica-a", LEASE).await.unwrap());

        assert!(a.give_up_turn("outbox-relay", "replica-a").await.unwrap());
        assert!(b.take_turn("outbox-relay", "replica-b", LEASE).await.unwrap());
        // Giving up a turn another holds gives up nothing; the turn A kept is still A's.
        assert!(!a.give_up_turn("outbox-relay", "replica-a").await.unwrap());
        assert!(!b.take_turn("licence-poll", "replica-b", LEASE).await.unwrap());

        // B restarts (same worker id, a new store handle): its turn is still its own.
        let b_again = scratch.open_with_clock(clock.shared()).await;
        assert!(b_again.take_turn("outbox-relay", "replica-b", LEASE).await.unwrap());
        assert!(!a.take_turn("outbox-relay", "replica-a", LEASE).await.unwrap());
    }
}

on_both_stores! {
    /// The roll call counts the replicas that answered within their time to live: a replica
    /// that stops answering drops out once it expires, and one that leaves drops out at once.
    async fn the_roll_call_counts_the_replicas_alive() {
        let clock = ManualClock::at_unix_seconds(1_800_000_000);
        let (_scratch, a, b) = two_replicas(&clock).await;
        let ttl = Duration::from_secs(15);

        assert_eq!(a.roll_call("replica-a", ttl).await.unwrap(), 1);
        assert_eq!(b.roll_call("replica-b", ttl).await.unwrap(), 2);
        assert_eq!(a.roll_call("replica-a", ttl).await.unwrap(), 2);

        // B stops answering; A keeps answering.
        clock.advance(TimeDelta::seconds(10));
        assert_eq!(a.roll_call("replica-a", ttl).await.unwrap(), 2);
        clock.advance(TimeDelta::seconds(6));
        assert_eq!(a.roll_call("replica-a", ttl).await.unwrap(), 1);

        // B comes back, then leaves for good.
        assert_eq!(b.roll_call("replica-b", ttl).await.unwrap(), 2);
        b.leave_roll("replica-b").await.unwrap();
        assert_eq!(a.roll_call("replica-a", ttl).await.unwrap(), 1);
    }
}
