//! A database of its own for each PostgreSQL target, on the server `GATEHOUSE_BENCH_POSTGRES`
//! names, made before the target starts and dropped after it stopped, so every run starts on
//! empty tables.

// Shared by the ingest and engine load generators, which each use only part of it.
#![allow(dead_code)]

use anyhow::Context;
use sqlx::Connection;
use sqlx::postgres::PgConnection;

/// The variable naming the PostgreSQL server the benchmarks may make databases on (its role
/// needs `CREATEDB`), e.g. `postgres://gatehouse:…@127.0.0.1:5432/gatehouse`.
pub const URL_VAR: &str = "GATEHOUSE_BENCH_POSTGRES";

/// The server's URL, or `None` (saying so) when the variable is unset.
pub fn server_url() -> Option<String> {
    match std::env::var(URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            println!(
                "PostgreSQL targets skipped: {URL_VAR} is not set (source scripts/postgres.sh, \
                 start a durable server with `PG_FSYNC=on pg_start DIR` and export \
                 {URL_VAR}=$PG_URL)"
            );
            None
        }
    }
}

/// A database made for one target.
pub struct Scratch {
    server: String,
    name: String,
    /// The URL a `[store] url` names.
    pub url: String,
}

impl Scratch {
    /// Makes an empty database on `server`.
    pub async fn create(server: &str) -> anyhow::Result<Scratch> {
        let name = format!("gatehouse_bench_{}", uuid::Uuid::new_v4().simple());
        on_server(server, &format!("CREATE DATABASE {name}"))
            .await
            .with_context(|| format!("making the database {name} on {URL_VAR}'s server"))?;
        let mut url = url::Url::parse(server).with_context(|| format!("{URL_VAR} is no URL"))?;
        url.set_path(&name);
        Ok(Scratch {
            server: server.to_owned(),
            name,
            url: url.to_string(),
        })
    }

    /// Drops the database (its connections closed first by the server).
    pub async fn drop_database(self) {
        let statement = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(e) = on_server(&self.server, &statement).await {
            eprintln!("the database {} could not be dropped: {e:#}", self.name);
        }
    }
}

async fn on_server(server: &str, statement: &str) -> anyhow::Result<()> {
    let mut admin = PgConnection::connect(server).await?;
    sqlx::query(statement).execute(&mut admin).await?;
    admin.close().await?;
    Ok(())
}

/// The server's settings that decide what a commit costs, as one line for the report.
pub async fn durability(server: &str) -> anyhow::Result<String> {
    let mut admin = PgConnection::connect(server).await?;
    let mut line = Vec::new();
    for setting in [
        "server_version",
        "fsync",
        "synchronous_commit",
        "wal_sync_method",
    ] {
        let value: String = sqlx::query_scalar(&format!("SHOW {setting}"))
            .fetch_one(&mut admin)
            .await?;
        line.push(format!("{setting}={value}"));
    }
    admin.close().await?;
    Ok(line.join(" "))
}
