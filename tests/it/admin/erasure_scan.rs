//! After an erasure no value of the person is left in the store: on SQLite, in the bytes of the
//! database file and its WAL (deleted content is overwritten, `secure_delete`, and the WAL is
//! checkpointed and truncated); on PostgreSQL, in any column of any table read as text. The
//! other person's values are found by the same scan, which proves it can fail.

use std::path::Path;

use sqlx::Connection;

use super::app::{AdminApp, spawn};
use super::erasure::{Person, ago, gone, sign_up};
use crate::on_both_stores;

const ERASED: Person = Person {
    id: "zq-erasable-7731",
    email: "quillon.vandersloot@scan.example",
    first_name: "Perpetua",
    last_name: "Vandersloot",
};

const KEPT: Person = Person {
    id: "zq-keeper-4410",
    email: "marisol.brackenridge@scan.example",
    first_name: "Ottoline",
    last_name: "Brackenridge",
};

fn values(person: &Person) -> [&'static str; 4] {
    [person.id, person.email, person.first_name, person.last_name]
}

on_both_stores! {
    async fn no_value_of_an_erased_person_is_left_in_the_store() {
        let app = spawn().await;
        sign_up(&app, "msg_1", &ERASED, ago(&app, 10)).await;
        sign_up(&app, "msg_2", &KEPT, ago(&app, 9)).await;
        app.settled_commands(&ERASED.key()).await;
        app.settled_commands(&KEPT.key()).await;

        let (status, pending) = app
            .post(
                &format!("/v1/subjects/{}/erase", ERASED.key()),
                serde_json::json!({"deprovision": true, "reason": "request DSR-11"}),
            )
            .await;
        assert_eq!(status, 202, "{pending}");
        gone(&app, &ERASED.key()).await;

        match app.database_url() {
            Some(url) => {
                for value in values(&ERASED) {
                    let found = postgres_places(&url, value).await;
                    assert!(found.is_empty(), "{value:?} is still in {found:?}");
                }
                for value in values(&KEPT) {
                    assert!(!postgres_places(&url, value).await.is_empty(), "{value:?} not found");
                }
                app.stop().await;
            }
            None => sqlite_scan(app).await,
        }
    }
}

/// Stops the service, checkpoints and truncates the WAL, and scans the files' bytes.
async fn sqlite_scan(app: AdminApp) {
    let path = app.store_path();
    let _dir = app.store_dir();
    app.stop().await;
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .pragma("secure_delete", "ON");
    let mut connection = sqlx::sqlite::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
        .fetch_one(&mut connection)
        .await
        .unwrap();
    assert_eq!(busy, 0, "the checkpoint ran to the end");
    connection.close().await.unwrap();

    let bytes = file_bytes(&path);
    for value in values(&ERASED) {
        let at = find(&bytes, value.as_bytes());
        assert!(
            at.is_none(),
            "{value:?} is still in the file at byte {at:?}"
        );
    }
    for value in values(&KEPT) {
        assert!(
            find(&bytes, value.as_bytes()).is_some(),
            "{value:?} not found"
        );
    }
}

/// The database file and its WAL (when there is one), one after the other.
fn file_bytes(path: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(path).unwrap();
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if let Ok(more) = std::fs::read(&wal) {
        bytes.extend(more);
    }
    bytes
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Every `table.column` of the database in which some row holds `value`, read as text (bytes
/// as UTF-8).
async fn postgres_places(url: &str, value: &str) -> Vec<String> {
    let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
    let columns: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text \
         FROM information_schema.columns WHERE table_schema = current_schema() \
         ORDER BY table_name, column_name",
    )
    .fetch_all(&mut connection)
    .await
    .unwrap();
    assert!(columns.iter().any(|(table, _, _)| table == "inbox_events"));
    let mut places = Vec::new();
    for (table, column, data_type) in columns {
        let test = if data_type == "bytea" {
            format!("position(convert_to($1, 'UTF8') in \"{column}\") > 0")
        } else {
            format!("strpos(\"{column}\"::text, $1) > 0")
        };
        let count: i64 =
            sqlx::query_scalar(&format!("SELECT count(*) FROM \"{table}\" WHERE {test}"))
                .bind(value)
                .fetch_one(&mut connection)
                .await
                .unwrap();
        if count > 0 {
            places.push(format!("{table}.{column}"));
        }
    }
    connection.close().await.unwrap();
    places
}
