//! Reaching a PostgreSQL server as `[store] kind = "postgres"` configures it: TLS as `sslmode`
//! says, failures that never print the URL, a statement timeout that turns a wait on the engine
//! lock into "unavailable", and batches that go on after the server ended their connection.
//! These run on PostgreSQL only; SQLite has no connection.

use std::time::{Duration, Instant};

use secrecy::SecretString;
use sqlx::Connection;
use sqlx::postgres::PgConnection;

use super::backing::{self, Backing, Scratch};
use super::samples::{at, lease, provision};
use crate::config::SslMode;
use crate::store::{PostgresOptions, Store, StoreError};

/// The URL of a new database of its own, held open by the returned scratch; `None` when the
/// PostgreSQL tests are skipped.
async fn scratch_database() -> Option<(Scratch, String)> {
    backing::postgres_url()?;
    let scratch = Scratch::new_on(Backing::Postgres).await;
    let url = match &scratch {
        Scratch::Database(database) => database.url.clone(),
        Scratch::Dir(_) => unreachable!("made on PostgreSQL"),
    };
    Some((scratch, url))
}

async fn open(options: PostgresOptions) -> Result<Store, StoreError> {
    Store::open_postgres_with_clock(options, std::sync::Arc::new(crate::clock::SystemClock)).await
}

#[tokio::test]
async fn tls_required_of_a_server_without_it_is_refused_at_open() {
    let Some((_scratch, url)) = scratch_database().await else {
        return;
    };
    let mut options = PostgresOptions::new(SecretString::from(url));
    options.sslmode = SslMode::Require;
    let error = open(options).await.err().expect("the server offers no TLS");
    assert!(matches!(error, StoreError::Connect { .. }), "{error:?}");
}

#[tokio::test]
async fn a_refused_login_names_no_password() {
    let Some((_scratch, url)) = scratch_database().await else {
        return;
    };
    let mut wrong = url::Url::parse(&url).unwrap();
    wrong.set_password(Some("not-the-password-4711")).unwrap();
    let error = open(PostgresOptions::new(SecretString::from(wrong.to_string())))
        .await
        .err()
        .expect("the password is wrong");
    assert!(matches!(error, StoreError::Connect { .. }), "{error:?}");
    let chain = crate::report::chain(&error).to_string();
    assert!(!chain.contains("not-the-password-4711"), "{chain}");
}

#[tokio::test]
async fn a_write_waiting_past_the_statement_timeout_is_unavailable() {
    let Some((_scratch, url)) = scratch_database().await else {
        return;
    };
    let mut options = PostgresOptions::new(SecretString::from(url.clone()));
    options.statement_timeout = Duration::from_millis(500);
    let store = open(options).await.unwrap();
    store
        .enqueue(None, vec![provision("partner-portal:1", at(0))])
        .await
        .unwrap();
    // Another session holds the engine lock, as a replica stuck in a transaction would.
    let mut other = PgConnection::connect(&url).await.unwrap();
    sqlx::query("BEGIN").execute(&mut other).await.unwrap();
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(crate::store::postgres::ENGINE_LOCK)
        .execute(&mut other)
        .await
        .unwrap();

    let started = Instant::now();
    let error = store
        .claim_due(at(5), 10, "worker-1", lease())
        .await
        .unwrap_err();
    assert!(error.is_unavailable(), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );

    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    assert_eq!(
        store
            .claim_due(at(5), 10, "worker-1", lease())
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn batches_go_on_after_the_server_ended_their_connection() {
    let Some((_scratch, url)) = scratch_database().await else {
        return;
    };
    let store = open(PostgresOptions::new(SecretString::from(url.clone())))
        .await
        .unwrap();
    store
        .accept(super::delivery("partner-portal", "before", b"{}"))
        .await
        .unwrap();
    // Every other session of the database ends, as on a server restart or a failover: the
    // connection the group commit keeps for its batches among them.
    let mut other = PgConnection::connect(&url).await.unwrap();
    let ended: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_all(&mut other)
    .await
    .unwrap();
    assert!(ended.iter().any(|ended| *ended), "no session was ended");

    // The batch that meets the dead connection may fail, as one to resend, never as a broken
    // store; the next one writes on a new connection.
    let mut written = 1;
    match store
        .accept(super::delivery("partner-portal", "meets-it", b"{}"))
        .await
    {
        Ok(_) => written += 1,
        Err(error) => assert!(error.is_unavailable(), "{error:?}"),
    }
    store
        .accept(super::delivery("partner-portal", "after", b"{}"))
        .await
        .unwrap();
    written += 1;
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM inbox_events")
        .fetch_one(&mut other)
        .await
        .unwrap();
    assert_eq!(rows, written);
}
