//! Health, readiness, and draining on shutdown.

use crate::on_both_stores;
use std::time::Duration;

use crate::support::TestApp;

on_both_stores! {
    async fn healthz_and_readyz_answer_ok_while_running() {
        let app = TestApp::builder().spawn().await;
        for path in ["healthz", "readyz"] {
            let response = app
                .client
                .get(format!("{}/{path}", app.base))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200, "{path}");
            let body: serde_json::Value = response.json().await.unwrap();
            assert!(
                body["status"] == "ok" || body["status"] == "ready",
                "{body}"
            );
        }
        app.stop().await;
    }
}

on_both_stores! {
    async fn while_draining_readyz_is_503_and_webhooks_are_still_accepted() {
        let app = TestApp::builder()
            .clock_at(chrono::Utc::now())
            .service("drain_delay_seconds = 2")
            .spawn()
            .await;
        let shutdown = app.shutdown.clone();
        let stopping = tokio::spawn(async move { shutdown.stop().await });

        // Draining begins as soon as stop is called; wait for readiness to say so.
        let mut readiness = None;
        for _ in 0..400 {
            let response = app
                .client
                .get(format!("{}/readyz", app.base))
                .send()
                .await
                .expect("the listener stays open during the drain delay");
            if response.status() == 503 {
                readiness = Some(response.json::<serde_json::Value>().await.unwrap());
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(readiness.expect("readyz turned 503")["status"], "draining");

        // Liveness and real work continue until the listener closes.
        let health = app
            .client
            .get(format!("{}/healthz", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(health.status(), 200);
        let accepted = app.portal_delivery("msg_drain", "{}").send().await.unwrap();
        assert_eq!(accepted.status(), 202);

        stopping.await.unwrap();
        app.server.await.unwrap().unwrap();
    }
}

/// SQLite's write lock on the service's file, held by another connection as an operator's
/// `sqlite3` shell or a backup tool might hold it.
struct ForeignWriteLock(sqlx::SqliteConnection);

impl ForeignWriteLock {
    async fn take(path: &std::path::Path) -> Self {
        use sqlx::Connection;
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
        let mut connection = sqlx::SqliteConnection::connect_with(&options)
            .await
            .unwrap();
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut connection)
            .await
            .unwrap();
        ForeignWriteLock(connection)
    }

    async fn release(mut self) {
        sqlx::query("ROLLBACK").execute(&mut self.0).await.unwrap();
    }
}

/// Asks `/readyz` until it answers `status` (a few seconds at most: an answer is reused for a
/// second), and returns that answer's body and how long its request took.
async fn readyz_until(app: &TestApp, status: u16) -> (serde_json::Value, Duration) {
    for _ in 0..100 {
        let started = std::time::Instant::now();
        let response = app
            .client
            .get(format!("{}/readyz", app.base))
            .send()
            .await
            .unwrap();
        let took = started.elapsed();
        if response.status() == status {
            return (response.json().await.unwrap(), took);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("/readyz never answered {status}");
}

#[tokio::test]
async fn readyz_is_503_while_the_store_cannot_take_writes_and_200_once_it_can() {
    let app = TestApp::builder()
        .service("readiness_timeout_ms = 300")
        .spawn()
        .await;
    let (ready, _) = readyz_until(&app, 200).await;
    assert_eq!(ready["store"], "ok", "{ready}");

    // Reads still work, but no write can commit while the lock is held past the timeout.
    let lock = ForeignWriteLock::take(&app.store_path()).await;
    let (refused, took) = readyz_until(&app, 503).await;
    assert_eq!(refused["status"], "not_ready", "{refused}");
    assert_eq!(refused["store"], "unwritable", "{refused}");
    assert_eq!(refused["reason"], "timed_out", "{refused}");
    assert!(refused["detail"].is_string(), "{refused}");
    assert!(
        took < Duration::from_secs(3),
        "/readyz waited {took:?} with a 300 ms timeout"
    );

    lock.release().await;
    let (ready, _) = readyz_until(&app, 200).await;
    assert_eq!(ready["status"], "ready", "{ready}");
    app.stop().await;
}

/// The key of the PostgreSQL store's engine lock ("gatehous" in ASCII, as `docs/engine.md`
/// says), taken here by another session as a stuck replica or an operator's query might hold it.
const ENGINE_LOCK: i64 = 0x6761_7465_686f_7573;

/// Asks `/readyz` until it names `reason` (the pool may first meet the connections the test
/// closed, which it reports as `unavailable`).
async fn readyz_reason(app: &TestApp, reason: &str) -> serde_json::Value {
    for _ in 0..100 {
        let (answer, _) = readyz_until(app, 503).await;
        if answer["reason"] == reason {
            return answer;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("/readyz never named {reason}");
}

/// Ends every other session on the app's database, so its pool reconnects under the database's
/// current defaults.
async fn reconnect_everyone(admin: &mut sqlx::PgConnection) {
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .execute(admin)
    .await
    .unwrap();
}

#[tokio::test]
async fn on_postgresql_readyz_names_a_held_engine_lock_and_a_read_only_database() {
    use sqlx::Connection;
    if crate::support::backing::postgres_url().is_none() {
        return;
    }
    crate::support::backing::on(crate::support::backing::Backing::Postgres, async {
        let app = TestApp::builder()
            .service("readiness_timeout_ms = 300")
            .spawn()
            .await;
        readyz_until(&app, 200).await;
        let url = app.database_url().expect("the app runs on PostgreSQL");
        let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();

        // Another session holds the engine lock: no write can commit within the timeout.
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(ENGINE_LOCK)
            .execute(&mut admin)
            .await
            .unwrap();
        let refused = readyz_reason(&app, "timed_out").await;
        assert_eq!(refused["store"], "unwritable", "{refused}");
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(ENGINE_LOCK)
            .execute(&mut admin)
            .await
            .unwrap();
        readyz_until(&app, 200).await;

        // The database turned read-only, as a standby or an operator's switch makes it.
        let database: String = sqlx::query_scalar("SELECT current_database()")
            .fetch_one(&mut admin)
            .await
            .unwrap();
        let read_only = |on: bool| {
            format!("ALTER DATABASE {database} SET default_transaction_read_only = {on}")
        };
        sqlx::query(&read_only(true))
            .execute(&mut admin)
            .await
            .unwrap();
        reconnect_everyone(&mut admin).await;
        let refused = readyz_reason(&app, "read_only").await;
        assert_eq!(refused["store"], "unwritable", "{refused}");

        sqlx::query(&read_only(false))
            .execute(&mut admin)
            .await
            .unwrap();
        reconnect_everyone(&mut admin).await;
        let (ready, _) = readyz_until(&app, 200).await;
        assert_eq!(ready["store"], "ok", "{ready}");
        admin.close().await.unwrap();
        app.stop().await;
    })
    .await
}
