//! Load generator for Kafka in and out: consume-to-inbox throughput side by side with a bare
//! rdkafka consumer reading the same topic in the same run, and event-to-outcome latency
//! against the simulated org.
//!
//! ```sh
//! scripts/tansu.sh &                      # prints "listening on 127.0.0.1:PORT"
//! GATEHOUSE_TEST_KAFKA=127.0.0.1:PORT cargo bench --bench kafka_load
//! GATEHOUSE_TEST_KAFKA=127.0.0.1:PORT cargo bench --bench kafka_load -- --events 100000 --rate 100 --seconds 20
//! ```
//!
//! The topic is filled before timing starts, so the throughput figures measure reading, not
//! producing. Results are ratios against the bare consumer of the same run: the machine is
//! shared and absolute numbers drift.

#[path = "../common/cpu.rs"]
mod cpu;
mod latency;
mod throughput;
mod topic;

use clap::Parser;

/// Kafka load generator.
#[derive(Debug, Parser)]
struct Args {
    /// Broker address; defaults to GATEHOUSE_TEST_KAFKA.
    #[arg(long, env = "GATEHOUSE_TEST_KAFKA")]
    brokers: String,
    /// Events in the throughput topic.
    #[arg(long, default_value_t = 50_000)]
    events: usize,
    /// Partitions of the throughput topic.
    #[arg(long, default_value_t = 3)]
    partitions: i32,
    /// Event rate of the latency run (events per second).
    #[arg(long, default_value_t = 50)]
    rate: u64,
    /// Length of the latency run.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
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
    println!(
        "kafka load: {} events on {} partitions; latency at {}/s for {} s; broker {}",
        args.events, args.partitions, args.rate, args.seconds, args.brokers
    );
    let topic = topic::fill(&args.brokers, args.events, args.partitions).await?;
    let bare = throughput::bare(&args.brokers, &topic, args.events).await?;
    let gatehouse = throughput::gatehouse(&args.brokers, &topic, args.events).await?;
    println!(
        "\n| consumer | events | seconds | events/s | vs bare | events per commit | CPU µs per event |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (name, run) in [
        ("bare rdkafka consumer (count only)", &bare),
        ("gatehouse consumer into the inbox", &gatehouse),
    ] {
        let per_commit = match run.commits {
            0 => "–".to_owned(),
            commits => format!("{:.0}", run.events as f64 / commits as f64),
        };
        println!(
            "| {name} | {} | {:.2} | {:.0} | {:.2} | {per_commit} | {:.0} |",
            run.events,
            run.seconds,
            run.rate(),
            run.rate() / bare.rate(),
            run.cpu_per_event_us()
        );
    }
    let latency = latency::run(&args.brokers, args.rate, args.seconds).await?;
    println!(
        "\n| event to outcome @{}/s | events | outcomes | p50 ms | p99 ms | max ms |",
        args.rate
    );
    println!("|---|---:|---:|---:|---:|---:|");
    println!(
        "| plain producer -> gatehouse -> sfsim -> outcome topic | {} | {} | {:.1} | {:.1} | {:.1} |",
        latency.sent, latency.received, latency.p50_ms, latency.p99_ms, latency.max_ms
    );
    Ok(())
}
