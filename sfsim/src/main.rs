//! `sfsim`: run a simulated Salesforce org.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use sfsim::{FaultRates, FixtureSource, SimConfig, SimServer};

/// A simulated Salesforce org that answers like the real REST API: OAuth tokens, sObjects,
/// SOQL, composite requests, limits and Salesforce's error codes, plus `/__sim/` control
/// endpoints for tests. Never point real credentials at it.
#[derive(Debug, Parser)]
#[command(name = "sfsim", version, about, long_about = None)]
struct Cli {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8787, env = "SFSIM_PORT")]
    port: u16,

    /// Address to listen on. Keep the loopback default unless the org must be reached from
    /// another machine or container.
    #[arg(long, default_value = "127.0.0.1", env = "SFSIM_HOST")]
    host: IpAddr,

    /// Fixture file (TOML) describing the org to start with; without it, the built-in
    /// default org (sfsim/fixtures/default.toml). `POST /__sim/reset` returns to it.
    #[arg(long, env = "SFSIM_FIXTURE")]
    fixture: Option<PathBuf>,

    /// Seed for random faults and latency jitter: the same seed and the same calls give the
    /// same faults. Without it a seed is picked and shown by `GET /__sim/faults`.
    #[arg(long, env = "SFSIM_SEED")]
    seed: Option<u64>,

    /// Serve HTTPS with a test certificate for localhost and 127.0.0.1, signed by a local test
    /// CA made on first use in --tls-dir (trust its ca.pem in clients).
    #[arg(long)]
    tls: bool,

    /// Serve HTTPS with this certificate (PEM, leaf first) instead of the generated one.
    #[arg(long, requires = "key")]
    cert: Option<PathBuf>,

    /// Private key (PEM) of --cert.
    #[arg(long, requires = "cert")]
    key: Option<PathBuf>,

    /// Where --tls keeps its generated CA and certificate.
    #[arg(long, default_value_os_t = sfsim::tls::default_dir())]
    tls_dir: PathBuf,

    /// How long access tokens live: a number with s, m, h or d (`90m`, `2h`); plain numbers
    /// are seconds.
    #[arg(long, default_value = "2h", value_parser = parse_duration)]
    token_lifetime: Duration,

    /// Milliseconds added to every authenticated data call.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,

    /// Up to this many further milliseconds, drawn at random per call.
    #[arg(long, default_value_t = 0)]
    jitter_ms: u64,

    /// Fraction (0 to 1) of authenticated data calls that fail on their own, spread evenly over
    /// 503 SERVER_UNAVAILABLE, 400 UNABLE_TO_LOCK_ROW and dropped connections. Finer control:
    /// `PUT /__sim/faults`.
    #[arg(long, default_value_t = 0.0)]
    fault_rate: f64,

    /// Daily API requests allowed over a rolling 24 hours (Salesforce's base is 100,000);
    /// past it, calls get 403 REQUEST_LIMIT_EXCEEDED.
    #[arg(long)]
    daily_limit: Option<u64>,

    /// Keep request and response bodies of data calls in the request log (`GET /__sim/requests`).
    #[arg(long)]
    log_bodies: bool,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration like 90m or 2h"))?;
    let seconds_per = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("unknown unit {unit:?}: use s, m, h or d")),
    };
    let seconds = number
        .checked_mul(seconds_per)
        .filter(|s| *s > 0)
        .ok_or_else(|| format!("{text:?} is not a usable lifetime"))?;
    Ok(Duration::from_secs(seconds))
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "sfsim=info".into()),
        )
        .init();
    let cli = Cli::parse();
    if !(0.0..=1.0).contains(&cli.fault_rate) {
        anyhow::bail!("--fault-rate must be between 0 and 1");
    }
    let mut trust = None;
    let tls = match (&cli.cert, &cli.key) {
        (Some(cert), Some(key)) => Some(sfsim::tls::TlsFiles {
            cert: cert.clone(),
            key: key.clone(),
        }),
        _ if cli.tls => {
            let dev = sfsim::tls::dev_certificate(&cli.tls_dir)?;
            trust = Some(dev.ca);
            Some(dev.files)
        }
        _ => None,
    };
    let config = SimConfig {
        host: cli.host,
        port: cli.port,
        fixture: cli.fixture.clone().map(FixtureSource::File),
        seed: cli.seed,
        tls,
        token_lifetime: cli.token_lifetime,
        latency: Duration::from_millis(cli.latency_ms),
        jitter: Duration::from_millis(cli.jitter_ms),
        fault_rates: FaultRates::even(cli.fault_rate),
        daily_limit: cli.daily_limit,
        log_bodies: cli.log_bodies,
        ..SimConfig::default()
    };
    let handle = SimServer::start(config).await?;
    print_welcome(&handle, trust.as_deref());
    wait_for_stop().await?;
    tracing::info!("stopping");
    handle.stop().await;
    Ok(())
}

/// The URLs and a copy-paste token request. The fixture's client secret is printed: it is a
/// test credential of a simulated org, and the point is to paste it.
fn print_welcome(handle: &sfsim::SimHandle, trust: Option<&std::path::Path>) {
    println!("sfsim is running");
    let curl = match trust {
        Some(ca) => {
            println!("  test CA:      {} (trust it in tests only)", ca.display());
            format!("curl -s --cacert {}", ca.display())
        }
        None => "curl -s".to_owned(),
    };
    println!("  login URL:    {}", handle.login_url);
    println!("  instance URL: {}", handle.base_url);
    println!("  control:      {}/__sim/state", handle.base_url);
    // Every app with a secret: the default org's Gatehouse app (the integration user, holding
    // only the shipped permission sets) and its administrator's.
    let apps: Vec<_> = handle
        .sim
        .org
        .lock()
        .connected_apps()
        .iter()
        .filter(|app| app.client_secret.is_some())
        .cloned()
        .collect();
    for app in apps {
        let secret = app.client_secret.unwrap_or_default();
        println!("Get a token (client credentials, runs as {}):", app.run_as);
        println!(
            "  {curl} {} -d grant_type=client_credentials -d client_id={} -d client_secret={}",
            handle.token_url(),
            app.client_id,
            secret
        );
    }
    println!(
        "Then: {curl} -H \"Authorization: Bearer $TOKEN\" {}/limits",
        handle.data_url()
    );
}

/// Ctrl-C, or SIGTERM where there is one.
async fn wait_for_stop() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = terminate.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}

#[cfg(test)]
mod tests;
