//! `gatehouse store copy` as an operator runs it: the quick start's SQLite store after a
//! scenario, copied by the real binary into a fresh PostgreSQL database; a `serve` on the copy
//! lists the same commands, outcomes, lifecycle records with their history, inbox and outbox,
//! and carries on after them. Plus the refusals: a target that holds a store, a URL on the
//! command line, a missing source file.
//!
//! The tests that need PostgreSQL use the server `GATEHOUSE_TEST_POSTGRES` names and skip,
//! saying so, without it (they fail in CI), as every PostgreSQL variant does.

mod quickstart;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use chrono::Utc;
use gatehouse::clock::SystemClock;
use gatehouse::config::SslMode;
use gatehouse::store::{OutboxRow, PostgresOptions, SqliteOptions, Store};
use secrecy::SecretString;

use crate::support::backing::{self, Backing, ScratchDatabase};
use crate::support::served::ServedConfig;
use quickstart::{Quickstart, portal_event, quickstart_with, scenario};

/// The variable the copy reads the target's URL from (`--to env:…`).
const URL_VAR: &str = "COPY_TARGET_URL";

/// `gatehouse store copy` with these arguments, the target's URL (if any) in [`URL_VAR`].
fn store_copy(args: &[&str], url: Option<&str>) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    for (name, _) in std::env::vars() {
        if name.starts_with("GATEHOUSE_") {
            command.env_remove(name);
        }
    }
    if let Some(url) = url {
        command.env(URL_VAR, url);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = command
        .args(["store", "copy"])
        .args(args)
        .output()
        .expect("gatehouse runs");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// Copies the SQLite store at `from` into the database at `url`, through the binary.
fn copy_into(from: &Path, url: &str) -> (i32, String, String) {
    let from = format!("sqlite:{}", from.display());
    let to = format!("env:{URL_VAR}");
    store_copy(
        &["--from", &from, "--to", &to, "--sslmode", "disable"],
        Some(url),
    )
}

/// The outbox as the relay reads it, in publication order.
async fn outbox(store: Store) -> Vec<OutboxRow> {
    let rows = store
        .outbox_unpublished(1000)
        .await
        .expect("the outbox reads");
    store.close().await;
    rows
}

/// A new database on the test server, dropped with the answer.
async fn fresh_database(folder: &Path) -> Arc<ScratchDatabase> {
    let mut made = None;
    backing::on(Backing::Postgres, async {
        made = ScratchDatabase::for_folder(folder);
    })
    .await;
    made.expect("the PostgreSQL variant makes a database")
}

async fn open_sqlite(path: &Path) -> Store {
    Store::open_sqlite(path, SqliteOptions::default())
        .await
        .expect("the SQLite store opens")
}

async fn open_postgres(url: &str) -> Store {
    let mut options = PostgresOptions::new(SecretString::from(url.to_owned()));
    options.sslmode = SslMode::Disable;
    Store::open_postgres_with_clock(options, Arc::new(SystemClock))
        .await
        .expect("the PostgreSQL store opens")
}

#[tokio::test]
async fn serve_on_the_copy_lists_what_the_quickstart_store_held_and_carries_on() {
    if backing::postgres_url().is_none() {
        return;
    }
    let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let sqlite = dir.path().join("gatehouse.db");
    let store = format!(
        "[store]\nkind = \"sqlite\"\npath = \"{}\"\n",
        sqlite.display()
    );
    let source = ServedConfig::write(dir.clone(), None, &quickstart_with(&store), Vec::new());
    let q = Quickstart::on(source.start());
    q.served.ready().await;
    scenario(&q).await;
    let before = q.listings().await;
    let (status, log) = q.served.stop();
    assert!(status.success(), "{log}");

    // The replicas' config, which the copy reads its target from (`--to config:`).
    let target_dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let database = fresh_database(target_dir.path()).await;
    let postgres = format!(
        "[store]\nkind = \"postgres\"\nurl = {{ env = \"{URL_VAR}\" }}\nsslmode = \"disable\"\n"
    );
    let env = vec![(URL_VAR.to_owned(), database.url.clone())];
    let copy = ServedConfig::write(target_dir.clone(), None, &quickstart_with(&postgres), env);
    let from = format!("sqlite:{}", sqlite.display());
    let to = format!(
        "config:{}",
        target_dir.path().join("gatehouse.toml").display()
    );
    let (code, out, err) = store_copy(&["--from", &from, "--to", &to], Some(&database.url));
    assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{err}");
    assert!(err.contains("commands: 6 of 6 rows copied"), "{err}");
    for table in [
        "inbox_events",
        "commands",
        "subjects",
        "subject_history",
        "outbox",
    ] {
        assert!(
            out.lines().any(|l| l.trim_start().starts_with(table)),
            "{out}"
        );
    }
    assert!(out.contains("commands                 6 rows"), "{out}");
    let password = url::Url::parse(&database.url)
        .ok()
        .and_then(|url| url.password().map(str::to_owned))
        .unwrap_or_default();
    assert!(password.is_empty() || !(out.contains(&password) || err.contains(&password)));

    let q = Quickstart::on(copy.start());
    q.served.ready().await;
    assert_eq!(q.listings().await, before, "the same listings on the copy");
    let copied_outbox = outbox(open_sqlite(&sqlite).await).await;
    assert_eq!(
        outbox(open_postgres(&database.url).await).await,
        copied_outbox
    );
    assert!(copied_outbox.len() >= 4, "{copied_outbox:#?}");

    // The copy carries on: a new signup runs, and its outcome event is published after
    // every copied one.
    let cy = portal_event("partner.user.signed_up", "u-3", "cy", Utc::now());
    assert_eq!(q.deliver("partner-portal", "msg_u3", &cy).await, 202);
    let listed = q.settled(7).await;
    let newest = &listed["items"].as_array().expect("items")[6];
    assert_eq!(newest["subject"], "partner-portal:u-3", "{listed:#}");
    assert_eq!(newest["outcome"]["kind"], "succeeded", "{newest:#}");
    let after = outbox(open_postgres(&database.url).await).await;
    assert_eq!(after[..copied_outbox.len()], copied_outbox[..]);
    assert_eq!(after.len(), copied_outbox.len() + 1);
    assert_eq!(
        after.last().map(|row| row.command_id.to_string()),
        newest["id"].as_str().map(str::to_owned)
    );
    let (status, log) = q.served.stop();
    assert!(status.success(), "{log}");
}

#[tokio::test]
async fn a_database_that_holds_a_store_is_refused() {
    if backing::postgres_url().is_none() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = dir.path().join("gatehouse.db");
    open_sqlite(&sqlite).await.close().await;
    let database = fresh_database(dir.path()).await;
    let served = open_postgres(&database.url).await;
    let event = gatehouse::store::NewEvent {
        source: "partner-portal".into(),
        dedupe_key: "already-here".into(),
        key_origin: gatehouse::store::KeyOrigin::Header,
        received_at: Utc::now(),
        source_time: None,
        content_type: "application/json".into(),
        body: b"{}".to_vec(),
        traceparent: None,
    };
    served.accept(event).await.expect("accepted");
    served.close().await;

    let (code, out, err) = copy_into(&sqlite, &database.url);
    assert_eq!(code, 1, "stdout:\n{out}\nstderr:\n{err}");
    assert!(
        err.contains("already holds Gatehouse data (rows in inbox_events)")
            && err.contains("empty database")
            && err.contains("nothing was copied"),
        "{err}"
    );
    let store = open_postgres(&database.url).await;
    let inbox = store
        .list(&gatehouse::store::InboxFilter::default())
        .await
        .expect("the inbox reads");
    assert_eq!(inbox.len(), 1, "left as it was");
    store.close().await;
}

#[test]
fn a_url_on_the_command_line_is_refused_without_being_printed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = format!("sqlite:{}", dir.path().join("gatehouse.db").display());
    let url = "postgres://gatehouse:hunter2@127.0.0.1:5432/gatehouse";
    let (code, out, err) = store_copy(&["--from", &sqlite, "--to", url], None);
    assert_eq!(code, 1, "{err}");
    assert!(
        !out.contains("hunter2") && !err.contains("hunter2"),
        "{err}"
    );
    for form in ["env:VAR", "file:PATH", "config:FILE"] {
        assert!(err.contains(form), "names {form}:\n{err}");
    }
}

#[test]
fn a_missing_source_file_is_refused_and_not_created() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("absent.db");
    let (code, _, err) = copy_into(&missing, "postgres://gatehouse@127.0.0.1:9/none");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("no SQLite store at {}", missing.display())),
        "{err}"
    );
    assert!(err.contains("nothing was copied"), "{err}");
    assert!(!missing.exists());
}

#[test]
fn help_explains_the_forms_with_examples() {
    let (code, out, _) = store_copy(&["--help"], None);
    assert_eq!(code, 0);
    for needed in [
        "--to env:VAR",
        "--to file:PATH",
        "--to config:FILE",
        "gatehouse store copy --from sqlite:",
        "Stop `gatehouse serve` first",
    ] {
        assert!(out.contains(needed), "help lacks {needed:?}:\n{out}");
    }
}
