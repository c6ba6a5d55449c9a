//! Commands per second through the engine: people provisioned (and then shown out) in the
//! simulated org with no added latency, by one replica on SQLite, one on PostgreSQL and three
//! on one PostgreSQL database, side by side in one run.
//!
//! ```sh
//! cargo bench --bench engine_load                                     # SQLite only
//! GATEHOUSE_BENCH_POSTGRES=postgres://… cargo bench --bench engine_load -- --commands 1000
//! ```
//!
//! Each target gets a fresh simulated org (started in this process, with room for every user)
//! and a fresh store: a SQLite file, or a database of its own on the PostgreSQL server
//! `GATEHOUSE_BENCH_POSTGRES` names (skipped, saying so, when unset). Its replicas are the real
//! service (`Application`), each with its own `worker_id`, all reaching the one org. Signed
//! signups, prepared before timing starts, are sent to the replicas in turn; a phase ends when
//! the store shows a finished command for each. The removals follow as a second phase.

mod config;
#[path = "../common/cpu.rs"]
mod cpu;
#[path = "../ingest_load/load.rs"]
mod load;
#[path = "../common/org.rs"]
mod org;
mod replicas;
#[path = "../ingest_load/scratch.rs"]
mod scratch;

use std::time::Duration;

use clap::Parser;

use replicas::{Kind, Phase, Replicas};

/// Engine load generator.
#[derive(Debug, Parser)]
struct Args {
    /// People provisioned (and then removed) per target.
    #[arg(long, default_value_t = 1_000)]
    commands: usize,
    /// Commands each replica runs at once (`[engine] concurrency`).
    #[arg(long, default_value_t = 8)]
    concurrency: u32,
    /// Connections sending the webhooks.
    #[arg(long, default_value_t = 16)]
    connections: usize,
    /// Which targets to run: sqlite, postgres-1, postgres-3 (the PostgreSQL ones when
    /// GATEHOUSE_BENCH_POSTGRES names a server).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "sqlite,postgres-1,postgres-3"
    )]
    targets: Vec<String>,
    /// Only provision; skip the removals.
    #[arg(long)]
    provision_only: bool,
    /// Accepted for compatibility with `cargo bench`, which passes it.
    #[arg(long, hide = true)]
    bench: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run(args))
}

/// What one phase of one target measured.
struct Row {
    target: String,
    phase: Phase,
    measured: replicas::Measured,
}

async fn run(args: Args) -> anyhow::Result<()> {
    let targets = targets(&args.targets)?;
    println!(
        "engine load: {} people per target, concurrency {} per replica, {} sending connections",
        args.commands, args.concurrency, args.connections
    );
    let mut rows = Vec::new();
    for (kind, count) in targets {
        let dir = tempfile::tempdir()?;
        let replicas = Replicas::start(kind, count, args.concurrency, dir.path()).await?;
        let mut phases = vec![Phase::Provision];
        if !args.provision_only {
            phases.push(Phase::Deprovision);
        }
        for phase in phases {
            let measured = replicas
                .run_phase(phase, args.commands, args.connections)
                .await?;
            rows.push(Row {
                target: replicas.name(),
                phase,
                measured,
            });
        }
        replicas.stop().await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    print_table(&rows);
    Ok(())
}

/// The targets to run, as (store, replicas); PostgreSQL's left out when no server is named.
fn targets(names: &[String]) -> anyhow::Result<Vec<(Kind, usize)>> {
    let mut server = None;
    let mut asked_server = false;
    let mut targets = Vec::new();
    for name in names {
        let replicas = match name.as_str() {
            "sqlite" => {
                targets.push((Kind::Sqlite, 1));
                continue;
            }
            "postgres-1" => 1,
            "postgres-3" => 3,
            other => anyhow::bail!(
                "unknown target {other:?}; choose from sqlite, postgres-1, postgres-3"
            ),
        };
        if !asked_server {
            asked_server = true;
            server = scratch::server_url();
        }
        if let Some(server) = &server {
            targets.push((Kind::Postgres(server.clone()), replicas));
        }
    }
    Ok(targets)
}

fn print_table(rows: &[Row]) {
    println!(
        "\n| target | phase | commands | sent in s | converged in s | commands/s | vs first | org calls per command | CPU ms per command | outcomes |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
    for row in rows {
        let first = rows
            .iter()
            .find(|r| r.phase == row.phase)
            .map_or(1.0, |r| r.measured.per_second());
        let m = &row.measured;
        println!(
            "| {} | {} | {} | {:.2} | {:.2} | {:.1} | {:.2} | {:.1} | {:.1} | {} |",
            row.target,
            row.phase.name(),
            m.commands,
            m.sent.as_secs_f64(),
            m.converged.as_secs_f64(),
            m.per_second(),
            m.per_second() / first,
            m.org_calls as f64 / m.commands.max(1) as f64,
            m.cpu_seconds * 1000.0 / m.commands.max(1) as f64,
            m.outcomes,
        );
    }
}
