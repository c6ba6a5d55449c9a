//! The servers under load: a bare endpoint, bare SQLite and PostgreSQL inserts, and Gatehouse's
//! ingest on either store.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use gatehouse::clock::SystemClock;
use gatehouse::config::Settings;
use gatehouse::startup::{Application, Shutdown};
use gatehouse::store::{KeyOrigin, NewEvent, PostgresOptions, SqliteOptions, Store};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::load::{Method, Prepared};
use crate::scratch::{self, Scratch};

const SECRET: &str = "whsec_bG9hZC1nZW5lcmF0b3Itc2VjcmV0LWZvci1iZW5jaA==";

/// How a target signs (or does not sign) its requests.
enum Signing {
    None,
    StandardWebhooks,
}

/// One server under load.
pub struct Target {
    pub name: &'static str,
    url: String,
    signing: Signing,
    /// The inbox the target writes to, for its commit counters.
    store: Option<Store>,
    stop: Stop,
    /// The PostgreSQL database the target writes to, dropped once it stopped.
    database: Option<Scratch>,
}

enum Stop {
    Bare(actix_web::dev::ServerHandle, Option<Store>),
    Gatehouse(Shutdown, tokio::task::JoinHandle<anyhow::Result<()>>),
}

static SEQUENCE: AtomicU64 = AtomicU64::new(0);

impl Target {
    /// `count` requests, each with a unique id and, for Gatehouse, its own signature.
    pub fn prepare(&self, count: usize) -> Vec<Prepared> {
        let now = chrono::Utc::now().timestamp();
        (0..count)
            .map(|_| {
                let n = SEQUENCE.fetch_add(1, Ordering::Relaxed);
                let id = format!("msg_load_{n}");
                let body = format!(
                    r#"{{"type":"partner.user.signed_up","id":"evt_{n}","occurred_at":"2026-11-27T10:00:00Z","data":{{"partner_id":"P-100","user":{{"id":"u-{n}","email":"person{n}@partner.example","first_name":"Load","last_name":"Test"}}}}}}"#
                );
                let mut headers = vec![
                    ("content-type".to_owned(), "application/json".to_owned()),
                    ("webhook-id".to_owned(), id.clone()),
                ];
                if let Signing::StandardWebhooks = self.signing {
                    headers.push(("webhook-timestamp".to_owned(), now.to_string()));
                    headers.push(("webhook-signature".to_owned(), sign(&id, now, body.as_bytes())));
                }
                Prepared {
                    method: Method::Post,
                    url: self.url.clone(),
                    headers,
                    body: body.into(),
                }
            })
            .collect()
    }

    /// Inbox commits and events written so far (zero for the bare endpoint).
    pub fn commits(&self) -> (u64, u64) {
        self.store.as_ref().map_or((0, 0), |store| {
            let stats = store.stats();
            (stats.batches, stats.events)
        })
    }

    pub async fn stop(self) {
        match self.stop {
            Stop::Bare(handle, store) => {
                handle.stop(true).await;
                if let Some(store) = store {
                    store.close().await;
                }
            }
            Stop::Gatehouse(shutdown, task) => {
                shutdown.stop().await;
                let _ = task.await;
            }
        }
        if let Some(database) = self.database {
            database.drop_database().await;
        }
    }
}

fn sign(id: &str, ts: i64, body: &[u8]) -> String {
    let key = STANDARD
        .decode(SECRET.trim_start_matches("whsec_"))
        .unwrap_or_default();
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key) else {
        return String::new();
    };
    mac.update(format!("{id}.{ts}.").as_bytes());
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// Short names of the targets, in the order they run.
const NAMES: [&str; 6] = [
    "bare",
    "one-sync",
    "grouped",
    "gatehouse",
    "pg-grouped",
    "postgres",
];

/// Starts the bare endpoint and each target `wanted` names, each on its own loopback port. The
/// PostgreSQL targets are left out, saying so, when no server is named.
pub async fn start(dir: &Path, wanted: &[String]) -> anyhow::Result<Vec<Target>> {
    if let Some(unknown) = wanted.iter().find(|w| !NAMES.contains(&w.as_str())) {
        anyhow::bail!(
            "unknown target {unknown:?}; choose from {}",
            NAMES.join(", ")
        );
    }
    let wants = |name: &str| wanted.iter().any(|w| w == name);
    let mut targets = vec![bare("bare actix-web endpoint (no work)", None, None)?];
    if wants("one-sync") {
        let one_sync = Store::open_sqlite(
            &dir.join("one-sync.db"),
            SqliteOptions {
                max_batch: 1,
                ..SqliteOptions::default()
            },
        )
        .await?;
        targets.push(bare(
            "bare endpoint + SQLite insert, one sync per event",
            Some(one_sync),
            None,
        )?);
    }
    if wants("grouped") {
        let grouped = Store::open_sqlite(&dir.join("grouped.db"), SqliteOptions::default()).await?;
        targets.push(bare(
            "bare endpoint + SQLite insert, group commit",
            Some(grouped),
            None,
        )?);
    }
    if wants("gatehouse") {
        let store = format!(
            "kind = \"sqlite\"\npath = \"{}\"",
            dir.join("gatehouse.db").display()
        );
        let name = "gatehouse ingest on SQLite (verify + group-committed insert)";
        targets.push(gatehouse(name, &store, None).await?);
    }
    if (wants("pg-grouped") || wants("postgres"))
        && let Some(server) = scratch::server_url()
    {
        println!("PostgreSQL: {}", scratch::durability(&server).await?);
        if wants("pg-grouped") {
            let database = Scratch::create(&server).await?;
            let mut options = PostgresOptions::new(database.url.clone().into());
            options.sslmode = gatehouse::config::SslMode::Disable;
            let store = Store::open_postgres_with_clock(options, Arc::new(SystemClock)).await?;
            targets.push(bare(
                "bare endpoint + PostgreSQL insert, group commit",
                Some(store),
                Some(database),
            )?);
        }
        if wants("postgres") {
            let database = Scratch::create(&server).await?;
            let store = format!(
                "kind = \"postgres\"\nurl = \"{}\"\nsslmode = \"disable\"",
                database.url
            );
            let name = "gatehouse ingest on PostgreSQL (verify + group-committed insert)";
            targets.push(gatehouse(name, &store, Some(database)).await?);
        }
    }
    Ok(targets)
}

fn bare(
    name: &'static str,
    store: Option<Store>,
    database: Option<Scratch>,
) -> anyhow::Result<Target> {
    let data = web::Data::new(store.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/v1/webhooks/{source}", web::post().to(bare_handler))
    })
    .workers(2)
    .disable_signals()
    .bind(("127.0.0.1", 0))?;
    let addr: SocketAddr = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    Ok(Target {
        name,
        url: format!("http://{addr}/v1/webhooks/bench"),
        signing: Signing::None,
        store: store.clone(),
        stop: Stop::Bare(handle, store),
        database,
    })
}

async fn bare_handler(
    request: HttpRequest,
    body: web::Bytes,
    store: web::Data<Option<Store>>,
) -> HttpResponse {
    let Some(store) = store.get_ref() else {
        return HttpResponse::Accepted()
            .json(serde_json::json!({"event_id": "evt_bare", "status": "accepted"}));
    };
    let id = request
        .headers()
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("missing")
        .to_owned();
    let event = NewEvent {
        source: "bench".to_owned(),
        dedupe_key: id,
        key_origin: KeyOrigin::Header,
        received_at: chrono::Utc::now(),
        source_time: None,
        content_type: "application/json".to_owned(),
        body: body.to_vec(),
        traceparent: None,
    };
    match store.accept(event).await {
        Ok(receipt) => HttpResponse::Accepted().json(serde_json::json!({
            "event_id": receipt.event_id.as_str(),
            "status": receipt.status.as_str(),
        })),
        Err(_) => HttpResponse::ServiceUnavailable().finish(),
    }
}

/// The real service with a Standard Webhooks source `bench`, on the store `store` (the lines of
/// its `[store]` table) describes.
async fn gatehouse(
    name: &'static str,
    store: &str,
    database: Option<Scratch>,
) -> anyhow::Result<Target> {
    let config = format!(
        r#"
[service]
listen = "127.0.0.1:0"
workers = 2
[store]
{store}
[log]
level = "warn"
[salesforce]
org = "simulated"
[sources.bench.verification]
scheme = "standard-webhooks"
secrets = [{{ secret = "{SECRET}" }}]
"#
    );
    let settings = Settings::from_toml(&config)?;
    let app = Application::build(&settings, Arc::new(SystemClock)).await?;
    let url = format!("http://127.0.0.1:{}/v1/webhooks/bench", app.port());
    let shutdown = app.shutdown();
    let store = app.store();
    let task = tokio::spawn(app.run_until_stopped());
    Ok(Target {
        name,
        url,
        signing: Signing::StandardWebhooks,
        store: Some(store),
        stop: Stop::Gatehouse(shutdown, task),
        database,
    })
}
