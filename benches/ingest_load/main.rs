//! Load generator for webhook ingest: Gatehouse's verify + durable insert, on SQLite and on
//! PostgreSQL, side by side with a bare actix-web endpoint and with bare endpoints that only do
//! the store's insert, in one run.
//!
//! ```sh
//! cargo bench --bench ingest_load                      # defaults: 20000 requests, 64 connections
//! cargo bench --bench ingest_load -- --requests 50000 --connections 128 --rate 2000 --seconds 5
//! GATEHOUSE_BENCH_POSTGRES=postgres://… cargo bench --bench ingest_load -- --targets grouped,gatehouse,pg-grouped,postgres
//! ```
//!
//! The PostgreSQL targets each get a database of their own on the server
//! `GATEHOUSE_BENCH_POSTGRES` names (its role needs `CREATEDB`), dropped at the end; without the
//! variable they are skipped, saying so.
//!
//! Every request is uniquely signed before timing starts, so the generator measures the server,
//! not the signing. Results are ratios against the bare endpoint measured in the same run: the
//! machine is shared and absolute numbers drift.

mod load;
mod scratch;
mod targets;

use std::time::Duration;

use clap::Parser;

/// Webhook ingest load generator.
#[derive(Debug, Parser)]
struct Args {
    /// Requests per closed-loop run.
    #[arg(long, default_value_t = 20_000)]
    requests: usize,
    /// Concurrent connections in the closed-loop runs.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Request rate of the open-loop latency run (requests per second).
    #[arg(long, default_value_t = 2_000)]
    rate: u64,
    /// Length of the open-loop latency run.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Which targets to load, by short name: bare, one-sync, grouped, gatehouse, pg-grouped,
    /// postgres. The bare endpoint always runs first, as the baseline the others are compared
    /// with; the PostgreSQL ones (pg-grouped, postgres) run when GATEHOUSE_BENCH_POSTGRES names
    /// a server.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "bare,one-sync,grouped,gatehouse,pg-grouped,postgres"
    )]
    targets: Vec<String>,
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

async fn run(args: Args) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    println!(
        "ingest load: {} requests x {} connections per target; latency at {}/s for {} s",
        args.requests, args.connections, args.rate, args.seconds
    );
    let targets = targets::start(dir.path(), &args.targets).await?;
    let mut rows = Vec::new();
    for target in &targets {
        let requests = target.prepare(args.requests);
        let before = target.commits();
        let closed = load::closed_loop(requests, args.connections).await?;
        let after = target.commits();
        let rate_requests = target.prepare((args.rate * args.seconds) as usize);
        let open = load::open_loop(rate_requests, args.rate).await?;
        let per_commit = match after.0 - before.0 {
            0 => "–".to_owned(),
            commits => format!("{:.1}", (after.1 - before.1) as f64 / commits as f64),
        };
        rows.push((target.name, closed, per_commit, open));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let bare = rows.first().map(|r| r.1.throughput).unwrap_or(1.0);
    println!(
        "\n| target | req/s (closed loop) | vs bare | p50 ms | p99 ms | errors | events per commit | p50 ms @{}/s | p99 ms @{}/s | errors @{}/s |",
        args.rate, args.rate, args.rate
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, closed, per_commit, open) in &rows {
        println!(
            "| {name} | {:.0} | {:.2} | {:.2} | {:.2} | {} | {per_commit} | {:.2} | {:.2} | {} |",
            closed.throughput,
            closed.throughput / bare,
            closed.p50_ms,
            closed.p99_ms,
            closed.errors,
            open.p50_ms,
            open.p99_ms,
            open.errors
        );
    }
    for target in targets {
        target.stop().await;
    }
    Ok(())
}
