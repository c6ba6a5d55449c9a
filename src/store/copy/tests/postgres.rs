//! Copies into PostgreSQL: a store opened on the copy lists what the original did, carries on
//! after the copied rows, and releases the claim that was running; a database that holds a
//! store is refused, and a copy that fails half-way leaves nothing behind.

use std::collections::BTreeSet;

use chrono::{TimeDelta, Utc};
use sqlx::Connection;
use sqlx::postgres::PgConnection;

use super::super::tables::TABLES;
use super::super::{CopyError, CopyProgress, copy_sqlite_to_postgres};
use super::{copy, empty_sqlite_store, options_of};
use crate::domain::OutcomeKind;
use crate::store::tests::backing::{Backing, Scratch, postgres_url};
use crate::store::tests::delivery;
use crate::store::tests::samples::{
    WORKER, at, claim_now, deprovision, finish_as, key, lease, provision,
};
use crate::store::{CommandFilter, InboxEvent, InboxFilter, InboxStatus, Store, SubjectFilter};

/// A SQLite store with something in every table and every kind of row: events of each status
/// (one body not UTF-8), a finished provision, a dead letter, a command left running as a
/// stopped service leaves it, a scheduled one, and one published outcome event.
async fn stocked_store() -> (Scratch, std::path::PathBuf) {
    let scratch = Scratch::new_on(Backing::Sqlite).await;
    let Scratch::Dir(dir) = &scratch else {
        unreachable!()
    };
    let path = dir.path().join("inbox.db");
    let store = scratch.open().await;
    let mut events = Vec::new();
    for (n, body) in [&b"{}"[..], &[0xff, 0x00, 0xfe][..], &b"{\"a\":1}"[..]]
        .into_iter()
        .enumerate()
    {
        let receipt = store
            .accept(delivery("partner-portal", &format!("key-{n}"), body))
            .await
            .unwrap();
        events.push(receipt.event_id);
    }
    store
        .mark(&events[1], InboxStatus::Ignored, Some("a test".into()))
        .await
        .unwrap();
    store
        .enqueue(Some(&events[0]), vec![provision("partner-portal:a", at(0))])
        .await
        .unwrap();
    let first = claim_now(&store).await;
    finish_as(&store, &first[0], OutcomeKind::Succeeded).await;
    store
        .enqueue(None, vec![provision("partner-portal:d", at(1))])
        .await
        .unwrap();
    finish_as(
        &store,
        &claim_now(&store).await[0],
        OutcomeKind::DeadLettered,
    )
    .await;
    let published = store.outbox_unpublished(1).await.unwrap();
    store
        .mark_published(&[published[0].outbox_id.clone()])
        .await
        .unwrap();
    store
        .enqueue(None, vec![provision("partner-portal:b", at(2))])
        .await
        .unwrap();
    assert_eq!(claim_now(&store).await.len(), 1, "b is left running");
    let mut later = deprovision("partner-portal:c", at(3));
    later.due_at = Some(Utc::now() + TimeDelta::days(30));
    store.enqueue(None, vec![later]).await.unwrap();
    store.close().await;
    (scratch, path)
}

/// Every listing an operator sees, read through the store, as JSON: commands with their
/// outcomes, lifecycle records with their history, the outbox, the inbox's counts; and the
/// inbox's events.
async fn listings(store: &Store) -> (String, Vec<InboxEvent>) {
    let commands = store
        .list_commands(&CommandFilter {
            limit: 1000,
            ..CommandFilter::default()
        })
        .await
        .unwrap();
    let subjects = store
        .list_subjects(&SubjectFilter {
            limit: 1000,
            ..SubjectFilter::default()
        })
        .await
        .unwrap();
    let mut lifecycles = Vec::new();
    for subject in &subjects {
        lifecycles.push(store.get_subject(&subject.subject_key).await.unwrap());
    }
    let outbox = store.outbox_unpublished(1000).await.unwrap();
    let counts: Vec<(String, u64)> = store
        .count_by_status()
        .await
        .unwrap()
        .into_iter()
        .map(|(status, count)| (status.as_str().to_owned(), count))
        .collect();
    let text = serde_json::to_string_pretty(&serde_json::json!({
        "commands": commands,
        "subjects": lifecycles,
        "outbox": outbox,
        "inbox": counts,
    }))
    .unwrap();
    let inbox = store
        .list(&InboxFilter {
            limit: 1000,
            ..InboxFilter::default()
        })
        .await
        .unwrap();
    (text, inbox)
}

/// One number read from the target database behind the store's back.
async fn number(target: &Scratch, statement: &str) -> i64 {
    let Scratch::Database(database) = target else {
        unreachable!("the target is a PostgreSQL database")
    };
    let mut connection = PgConnection::connect(&database.url).await.unwrap();
    sqlx::query_scalar(statement)
        .fetch_one(&mut connection)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_store_opened_on_the_copy_lists_what_the_original_did() {
    if postgres_url().is_none() {
        return;
    }
    let (source, path) = stocked_store().await;
    let target = Scratch::new_on(Backing::Postgres).await;
    let mut seen = Vec::new();
    let summary = copy_sqlite_to_postgres(&path, &options_of(&target), 2, &mut |p| seen.push(p))
        .await
        .unwrap();

    for (table, copied) in &summary.tables {
        assert_eq!(source.table_rows(table).await, *copied as i64, "{table}");
        assert_eq!(target.table_rows(table).await, *copied as i64, "{table}");
    }
    assert_eq!(summary.running, vec![(WORKER.to_owned(), 1)]);
    assert_eq!(summary.unpublished, 1);
    let commands: Vec<CopyProgress> = seen.into_iter().filter(|p| p.table == "commands").collect();
    let pages: Vec<(u64, u64)> = commands.iter().map(|p| (p.copied, p.total)).collect();
    assert_eq!(pages, [(0, 4), (2, 4), (4, 4)], "two pages of two");

    let original = source.open().await;
    let copied = target.open().await;
    let (expected, expected_inbox) = listings(&original).await;
    let (found, found_inbox) = listings(&copied).await;
    assert_eq!(found, expected);
    assert!(
        found_inbox == expected_inbox,
        "the inbox's events, bodies included"
    );
    assert_eq!(found_inbox.len(), 3);
    original.close().await;
    copied.close().await;
}

#[tokio::test]
async fn the_copy_carries_on_after_the_copied_rows_and_releases_the_running_claim() {
    if postgres_url().is_none() {
        return;
    }
    let (_source, path) = stocked_store().await;
    let target = Scratch::new_on(Backing::Postgres).await;
    copy(&path, &options_of(&target), 500).await.unwrap();
    let store = target.open().await;
    let now = Utc::now();

    // b's claim is copied with its lease: nobody takes it before the lease runs out ...
    assert!(
        store
            .claim_due(now, 10, "replica-2", lease())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.release_expired_claims(now).await.unwrap(), 0);
    // ... and then the store releases it as any other, and the next claim's token is larger.
    let after_lease = now + lease() + TimeDelta::minutes(1);
    assert_eq!(store.release_expired_claims(after_lease).await.unwrap(), 1);
    let claimed = store
        .claim_due(after_lease, 10, "replica-2", lease())
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].command.subject, key("partner-portal:b"));
    assert_eq!(claimed[0].fence.value(), 2, "the copied token was 1");

    // New rows number after the copied ones: history, the outbox's order, the queue.
    finish_as(&store, &claimed[0], OutcomeKind::Succeeded).await;
    let unpublished = store.outbox_unpublished(10).await.unwrap();
    assert_eq!(unpublished.len(), 2, "{unpublished:#?}");
    assert_eq!(
        unpublished[1].command_id, claimed[0].command.id,
        "published last"
    );
    let history = store
        .get_subject(&key("partner-portal:b"))
        .await
        .unwrap()
        .unwrap()
        .history;
    assert!(history.len() > 2);
    let later = provision("partner-portal:e", at(4));
    store.enqueue(None, vec![later.clone()]).await.unwrap();
    let seq = number(
        &target,
        &format!("SELECT seq FROM commands WHERE command_id = '{}'", later.id),
    )
    .await;
    assert_eq!(seq, 5, "after the four copied commands");
    store.close().await;
}

#[tokio::test]
async fn a_database_that_holds_a_store_is_refused_and_left_as_it_was() {
    if postgres_url().is_none() {
        return;
    }
    let (_source, path) = stocked_store().await;
    let target = Scratch::new_on(Backing::Postgres).await;
    let first = copy(&path, &options_of(&target), 500).await.unwrap();
    let refused = copy(&path, &options_of(&target), 500).await.unwrap_err();
    assert!(
        matches!(&refused, CopyError::TargetNotEmpty { tables }
            if tables == "inbox_events, commands, subjects, subject_history, outbox"),
        "{refused:?}"
    );
    assert!(refused.to_string().contains("empty database"), "{refused}");
    for (table, copied) in &first.tables {
        assert_eq!(target.table_rows(table).await, *copied as i64, "{table}");
    }
}

#[tokio::test]
async fn a_copy_that_fails_half_way_leaves_the_database_empty() {
    if postgres_url().is_none() {
        return;
    }
    let (_source, path) = stocked_store().await;
    let target = Scratch::new_on(Backing::Postgres).await;
    target.open().await.close().await;
    for statement in [
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS \
         $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$",
        "CREATE TRIGGER refuse BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION refuse()",
    ] {
        let Scratch::Database(database) = &target else {
            unreachable!()
        };
        let mut connection = PgConnection::connect(&database.url).await.unwrap();
        sqlx::query(statement)
            .execute(&mut connection)
            .await
            .unwrap();
    }
    let failed = copy(&path, &options_of(&target), 500).await.unwrap_err();
    assert!(
        matches!(
            failed,
            CopyError::Write {
                table: "outbox",
                ..
            }
        ),
        "{failed:?}"
    );
    for table in TABLES {
        assert_eq!(target.table_rows(table.name).await, 0, "{}", table.name);
    }
}

#[tokio::test]
async fn an_empty_store_copies_and_the_copy_numbers_from_one() {
    if postgres_url().is_none() {
        return;
    }
    let (_dir, path) = empty_sqlite_store().await;
    let target = Scratch::new_on(Backing::Postgres).await;
    let summary = copy(&path, &options_of(&target), 500).await.unwrap();
    assert!(summary.tables.iter().all(|(_, rows)| *rows == 0));
    let store = target.open().await;
    let first = provision("partner-portal:a", at(0));
    store.enqueue(None, vec![first.clone()]).await.unwrap();
    let seq = number(
        &target,
        &format!("SELECT seq FROM commands WHERE command_id = '{}'", first.id),
    )
    .await;
    assert_eq!(seq, 1);
    store.close().await;
}

#[tokio::test]
async fn the_copy_names_every_column_of_the_postgresql_tables() {
    if postgres_url().is_none() {
        return;
    }
    let target = Scratch::new_on(Backing::Postgres).await;
    target.open().await.close().await;
    let Scratch::Database(database) = &target else {
        unreachable!()
    };
    let mut connection = PgConnection::connect(&database.url).await.unwrap();
    for table in TABLES {
        let stored: BTreeSet<String> = sqlx::query_scalar(
            "SELECT column_name::text FROM information_schema.columns WHERE table_name = $1",
        )
        .bind(table.name)
        .fetch_all(&mut connection)
        .await
        .unwrap()
        .into_iter()
        .collect();
        let named: BTreeSet<String> = table
            .columns
            .iter()
            .map(|column| column.name)
            .chain(table.numbered)
            .map(str::to_owned)
            .collect();
        assert_eq!(stored, named, "the columns of {}", table.name);
    }
}
