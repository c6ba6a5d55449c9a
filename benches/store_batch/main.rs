//! Commands per second through the store's own steps — claim, two checkpoints, the ending —
//! written one command at a time (the calls a command makes when it runs alone) and a batch at a
//! time (`record_progress_many`, `end_many`), side by side in one run, on SQLite (synchronous
//! commits, as the service runs it) and on PostgreSQL.
//!
//! ```sh
//! cargo bench --bench store_batch                                      # SQLite only
//! GATEHOUSE_BENCH_POSTGRES=postgres://… cargo bench --bench store_batch -- --commands 10000
//! ```
//!
//! Each mode gets a fresh store holding `--commands` due provisions of as many people (enqueued
//! before timing starts), and takes every one of them through claim → checkpoint
//! `user_creating` → checkpoint `welcome_email` → finish, with no org in between: what is
//! timed is the store alone. One at a time, a claim of `--claim` commands is followed by two
//! checkpoint calls and a finish per command; a batch of N is one claim of N, one
//! `record_progress_many` per checkpoint and one `end_many`.

#[path = "../common/cpu.rs"]
mod cpu;
mod drive;
#[path = "../ingest_load/scratch.rs"]
mod scratch;

use clap::Parser;

use drive::{Measured, Mode, Target};

/// Store batch load generator.
#[derive(Debug, Parser)]
struct Args {
    /// Commands taken through the batch modes, all due at once.
    #[arg(long, default_value_t = 10_000)]
    commands: usize,
    /// Commands taken through one at a time (each costs three commits of its own).
    #[arg(long, default_value_t = 1_000)]
    one_at_a_time: usize,
    /// Commands per claim when they are written one at a time.
    #[arg(long, default_value_t = 8)]
    claim: u32,
    /// Batch sizes to run.
    #[arg(long, value_delimiter = ',', default_value = "200,1000")]
    batches: Vec<u32>,
    /// Stores to run on: sqlite, postgres (when GATEHOUSE_BENCH_POSTGRES names a server).
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
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
    let mut targets = Vec::new();
    for name in &args.targets {
        match name.as_str() {
            "sqlite" => targets.push(Target::Sqlite),
            "postgres" => {
                if let Some(server) = scratch::server_url() {
                    println!("PostgreSQL: {}", scratch::durability(&server).await?);
                    targets.push(Target::Postgres(server));
                }
            }
            other => anyhow::bail!("unknown target {other:?}; choose from sqlite, postgres"),
        }
    }
    let mut modes = vec![Mode::OneAtATime { claim: args.claim }];
    modes.extend(args.batches.iter().map(|&size| Mode::Batch { size }));
    let mut rows = Vec::new();
    for target in &targets {
        for mode in &modes {
            let commands = match mode {
                Mode::OneAtATime { .. } => args.one_at_a_time,
                Mode::Batch { .. } => args.commands,
            };
            let measured = drive::measure(target, *mode, commands).await?;
            println!(
                "{} {}: {:.1} commands/s",
                target.name(),
                mode.name(),
                measured.per_second()
            );
            rows.push((target.name(), *mode, measured));
        }
    }
    print_table(&rows);
    Ok(())
}

fn print_table(rows: &[(&'static str, Mode, Measured)]) {
    println!(
        "\n| store | mode | commands | seconds | commands/s | vs one at a time | transactions per command | claims ms per command | CPU ms per command |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for (target, mode, m) in rows {
        let alone = rows
            .iter()
            .find(|(t, mode, _)| t == target && matches!(mode, Mode::OneAtATime { .. }))
            .map_or(1.0, |(_, _, m)| m.per_second());
        let per_command = |value: f64| value / m.commands.max(1) as f64;
        println!(
            "| {} | {} | {} | {:.2} | {:.1} | {:.1} | {:.3} | {:.3} | {:.2} |",
            target,
            mode.name(),
            m.commands,
            m.elapsed.as_secs_f64(),
            m.per_second(),
            m.per_second() / alone,
            per_command(m.transactions as f64),
            per_command(m.claiming.as_secs_f64() * 1000.0),
            per_command(m.cpu_seconds * 1000.0),
        );
    }
}
