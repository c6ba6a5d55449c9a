//! Several processes on one database: what one replica does, another sees and respects. Each
//! test opens two stores on the same database (two replicas on PostgreSQL; two handles on one
//! file for SQLite) and races them.

use std::collections::HashSet;

use super::backing::{Scratch, on_both_stores};
use super::delivery;
use super::samples::{at, lease, provision};
use crate::store::Store;

/// Two replicas on one new database.
async fn two_replicas() -> (Scratch, Store, Store) {
    let scratch = Scratch::new().await;
    let first = scratch.open().await;
    let second = scratch.open().await;
    (scratch, first, second)
}

/// Claims in rounds until a round of both replicas claims nothing; answers every command id
/// claimed and its subject, from both.
async fn claim_until_dry(first: &Store, second: &Store) -> Vec<(String, String)> {
    let mut claimed = Vec::new();
    loop {
        let (a, b) = tokio::join!(
            first.claim_due(at(5), 3, "replica-a", lease()),
            second.claim_due(at(5), 3, "replica-b", lease()),
        );
        let round: Vec<_> = a.unwrap().into_iter().chain(b.unwrap()).collect();
        if round.is_empty() {
            return claimed;
        }
        claimed.extend(round.into_iter().map(|command| {
            (
                command.command.id.as_str().to_owned(),
                command.command.subject.as_str().to_owned(),
            )
        }));
    }
}

on_both_stores! {
    /// Replicas claiming at once never take one command twice, nor two commands of one
    /// subject: each subject's first command is claimed once, and its second waits for it.
    async fn replicas_claiming_at_once_take_each_subject_once() {
        let (_scratch, first, second) = two_replicas().await;
        let mut commands = Vec::new();
        for subject in 0..20 {
            let key = format!("partner-portal:{subject}");
            commands.push(provision(&key, at(0)));
            commands.push(provision(&key, at(1)));
        }
        first.enqueue(None, commands).await.unwrap();

        let claimed = claim_until_dry(&first, &second).await;

        let commands: HashSet<_> = claimed.iter().map(|(id, _)| id).collect();
        let subjects: HashSet<_> = claimed.iter().map(|(_, subject)| subject).collect();
        assert_eq!(claimed.len(), 20, "{claimed:#?}");
        assert_eq!(commands.len(), 20, "a command was claimed twice: {claimed:#?}");
        assert_eq!(subjects.len(), 20, "a subject ran twice at once: {claimed:#?}");
    }
}

on_both_stores! {
    /// A delivery sent to two replicas at once is stored once, and both answers name it.
    async fn a_delivery_to_two_replicas_at_once_is_stored_once() {
        let (scratch, first, second) = two_replicas().await;

        let (a, b) = tokio::join!(
            first.accept(delivery("partner-portal", "same-key", b"{}")),
            second.accept(delivery("partner-portal", "same-key", b"{}")),
        );

        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.event_id, b.event_id);
        assert_eq!(
            [a.duplicate, b.duplicate].iter().filter(|d| **d).count(),
            1,
            "one answer is the first delivery, the other the resend"
        );
        assert_eq!(scratch.table_rows("inbox_events").await, 1);
    }
}

/// On PostgreSQL, a subject's outcomes are offered to the relay in the order they were
/// committed, not in the order of their ids: a replica whose clock is behind writes a later
/// outcome with an earlier id. PostgreSQL only: the SQLite store is one host's, whose replicas
/// (processes on one file) share its clock, and reads by id.
#[tokio::test]
async fn on_postgresql_outcomes_are_relayed_in_commit_order_whatever_the_replicas_clocks() {
    use sqlx::Connection;

    use super::backing::{Backing, postgres_url};
    use super::samples::{enqueue_and_claim, finish_as};
    use crate::domain::OutcomeKind;

    if postgres_url().is_none() {
        return;
    }
    let scratch = Scratch::new_on(Backing::Postgres).await;
    let Scratch::Database(database) = &scratch else {
        unreachable!("made on PostgreSQL")
    };
    let store = scratch.open().await;
    let subject = "partner-portal:ordered";
    let first = enqueue_and_claim(&store, provision(subject, at(0))).await;
    finish_as(&store, &first, OutcomeKind::Succeeded).await;
    let written = store.outbox_unpublished(10).await.unwrap().remove(0);

    // The subject's next outcome, committed by a replica whose clock is an hour behind.
    let an_hour_ago = chrono::Utc::now() - chrono::TimeDelta::hours(1);
    let timestamp = uuid::Timestamp::from_unix(
        uuid::NoContext,
        an_hour_ago.timestamp() as u64,
        an_hour_ago.timestamp_subsec_nanos(),
    );
    let behind = format!("out_{}", uuid::Uuid::new_v7(timestamp).hyphenated());
    assert!(behind.as_str() < written.outbox_id.as_str());
    let mut connection = sqlx::PgConnection::connect(&database.url).await.unwrap();
    sqlx::query(
        "INSERT INTO outbox (outbox_id, subject_key, command_id, event_type, payload, created_at) \
         SELECT $1, subject_key, $4, event_type, payload, $2 FROM outbox WHERE outbox_id = $3",
    )
    .bind(&behind)
    .bind(crate::store::timestamp::to_text(an_hour_ago))
    .bind(written.outbox_id.as_str())
    .bind(crate::domain::CommandId::generate().as_str())
    .execute(&mut connection)
    .await
    .unwrap();

    let offered: Vec<String> = store
        .outbox_unpublished(10)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.outbox_id.as_str().to_owned())
        .collect();
    assert_eq!(offered, [written.outbox_id.as_str(), behind.as_str()]);
}
