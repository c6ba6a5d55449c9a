//! Bursts through Gatehouse against the simulated org with 50 ms per call: a partner onboarding
//! of new partner users as one fan-out event, a contract end of everyone as one fan-out event,
//! and lone signups one at a time; side by side with the naive simple-salesforce peer.
//!
//! ```sh
//! cargo bench --bench engine_burst                                   # 5,000 / 10,000 / 20 lone
//! cargo bench --bench engine_burst -- --burst 500 --contract 1000 --lone 10 --peer-people 50
//! cargo bench --bench engine_burst -- --compare-batching              # [engine.batch] on and off
//! ```
//!
//! Each target is a fresh org (in this process, latency on every data call, the site sending
//! the welcome email) and `gatehouse serve` as its own process on a fresh SQLite store, so its
//! peak resident set (`VmHWM`) is its own. The onboarding sends `--burst` new people as one
//! event; set-up then admits the rest of the `--contract` people with no latency (not timed);
//! the contract end removes all of them as one event; each converges when the org shows every
//! user active (or inactive). Calls per person are the org's data API calls over the phase.
//! `--overlay` appends TOML to every target's config (e.g. a fan-out limit or the
//! mass-deprovision guard switched off); `--compare-batching` runs each target twice, with
//! `[engine.batch] enabled = true` and `false`.

mod config;
#[path = "../common/org.rs"]
mod org;
mod peer;
mod scenarios;
mod target;

use clap::Parser;

use scenarios::Measured;
use target::Target;

#[derive(Debug, Parser)]
struct Args {
    /// New partner users in the onboarding burst.
    #[arg(long, default_value_t = 5_000)]
    burst: usize,
    /// People removed by the contract end (the burst's and more).
    #[arg(long, default_value_t = 10_000)]
    contract: usize,
    /// Lone signups, one at a time, for event-to-access.
    #[arg(long, default_value_t = 20)]
    lone: usize,
    /// People the naive peer admits (its rate is extrapolated); 0 skips it.
    #[arg(long, default_value_t = 200)]
    peer_people: usize,
    /// Added latency of every org call, in ms.
    #[arg(long, default_value_t = 50)]
    latency_ms: u64,
    /// Run batching on and off (`[engine.batch] enabled`) side by side.
    #[arg(long)]
    compare_batching: bool,
    /// TOML appended to every target's config.
    #[arg(long, default_value = "")]
    overlay: String,
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

/// One target's results.
struct Variant {
    name: &'static str,
    burst: Measured,
    contract: Measured,
    lone: Measured,
    peak_rss_mib: Option<f64>,
}

async fn run(args: Args) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.contract >= args.burst,
        "--contract must be at least --burst"
    );
    let variants: Vec<(&'static str, String)> = if args.compare_batching {
        vec![
            (
                "batching on",
                format!("[engine.batch]\nenabled = true\n{}", args.overlay),
            ),
            (
                "batching off",
                format!("[engine.batch]\nenabled = false\n{}", args.overlay),
            ),
        ]
    } else {
        vec![("as configured", args.overlay.clone())]
    };
    println!(
        "engine burst: {} new, a contract end of {}, {} lone; org latency {} ms",
        args.burst, args.contract, args.lone, args.latency_ms
    );
    let http = reqwest::Client::builder().no_proxy().build()?;
    let mut results = Vec::new();
    for (name, overlay) in variants {
        let target = Target::start(args.latency_ms, &overlay).await?;
        let burst = scenarios::onboard(&http, &target, 0, args.burst).await?;
        if args.contract > args.burst {
            target.set_latency(0)?;
            scenarios::onboard(&http, &target, args.burst, args.contract).await?;
            target.set_latency(args.latency_ms)?;
        }
        let contract = scenarios::contract_end(&http, &target, args.contract).await?;
        let lone = scenarios::lone(&http, &target, args.contract, args.lone).await?;
        let peak_rss_mib = target.peak_rss_mib();
        target.stop().await;
        results.push(Variant {
            name,
            burst,
            contract,
            lone,
            peak_rss_mib,
        });
    }
    let peer = if args.peer_people > 0 {
        Some(peer::run(args.peer_people, args.latency_ms).await?)
    } else {
        None
    };
    print_table(&results, peer.as_ref(), &args);
    Ok(())
}

/// Which of a target's results a row shows.
type Pick = fn(&Variant) -> &Measured;

fn print_table(results: &[Variant], peer: Option<&peer::PeerFigures>, args: &Args) {
    // Batching off is the baseline when measured; otherwise the naive peer, for the
    // onboarding only (it admits people, nothing else).
    let baseline = |pick: Pick, onboarding: bool| {
        results
            .iter()
            .find(|v| v.name == "batching off")
            .map(|v| pick(v).per_second())
            .or(peer.filter(|_| onboarding).map(|p| p.people_per_second))
    };
    println!(
        "\n| scenario | target | people | s | people/s | calls/person | p50 s | peak RSS MiB | people/s vs baseline |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    let scenarios: [(&str, Pick); 3] = [
        ("onboarding burst", |v| &v.burst),
        ("contract end", |v| &v.contract),
        ("lone signups", |v| &v.lone),
    ];
    for (scenario, pick) in scenarios {
        for v in results {
            let m = pick(v);
            let ratio = baseline(pick, scenario == "onboarding burst")
                .map_or("-".to_owned(), |b| format!("{:.2}", m.per_second() / b));
            let p50 = m.p50_seconds.map_or("-".to_owned(), |s| format!("{s:.3}"));
            let rss = v.peak_rss_mib.map_or("-".to_owned(), |r| format!("{r:.0}"));
            println!(
                "| {scenario} | {} | {} | {:.1} | {:.1} | {:.3} | {p50} | {rss} | {ratio} |",
                v.name,
                m.people,
                m.seconds,
                m.per_second(),
                m.calls_per_person()
            );
        }
        if let Some(p) = peer.filter(|_| scenario == "onboarding burst") {
            println!(
                "| {scenario} | naive simple-salesforce peer ({} measured, extrapolated) | {} | {:.1} | {:.2} | {:.2} | - | - | - |",
                p.people,
                args.burst,
                args.burst as f64 / p.people_per_second.max(1e-9),
                p.people_per_second,
                p.calls_per_person
            );
        }
    }
    println!(
        "\nGoals: onboarding ≤ 0.03 calls/person and ≥ 500 people/s; contract end ≤ 0.02 calls/person and ≥ 1,000 people/s; lone p50 ≤ 0.2 s; peak RSS ≤ 150 MiB."
    );
    if let Some(p) = peer {
        println!(
            "Naive peer: {} people in {:.1} s ({:.2} people/s, {:.2} calls/person).",
            p.people, p.seconds, p.people_per_second, p.calls_per_person
        );
    }
}
