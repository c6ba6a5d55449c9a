//! Load generator for the simulated org: simple REST reads per second with no injected latency,
//! side by side with a bare actix-web endpoint answering a record of the same shape, in one run.
//! It shows whether sfsim can ever be the bottleneck of Gatehouse's own benchmarks.
//!
//! ```sh
//! cargo bench --bench sfsim_load                       # 20000 requests, 64 connections
//! cargo bench --bench sfsim_load -- --requests 50000 --connections 128
//! benches/sfsim_wrk.sh                                 # the same two servers, loaded by wrk
//! ```
//!
//! With `--collections` it measures instead the shapes a burst sends — sObject Collections of
//! 200 records and `IN` queries — against an org that grows to `--people` Contacts and Users
//! (see `collections.rs`):
//!
//! ```sh
//! cargo bench --bench sfsim_load -- --collections --people 10000 --connections 4
//! ```
//!
//! With `--serve` it only starts the two servers, prints their URLs (and sfsim's token), and
//! serves until its standard input closes, so that a load generator in another process (wrk,
//! in `benches/sfsim_wrk.sh`) can load them without sharing this process's threads.

mod collections;
#[path = "../ingest_load/load.rs"]
mod load;

use actix_web::{App, HttpResponse, HttpServer, web};
use clap::Parser;
use load::Prepared;

/// sfsim REST load generator.
#[derive(Debug, Parser)]
struct Args {
    #[arg(long, default_value_t = 20_000)]
    requests: usize,
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Measure collections and `IN` queries instead of simple reads.
    #[arg(long)]
    collections: bool,
    /// People in the `--collections` run.
    #[arg(long, default_value_t = 10_000)]
    people: usize,
    /// Only serve: print `bare URL` and `sfsim URL TOKEN`, serve until stdin closes.
    #[arg(long)]
    serve: bool,
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

const RECORD: &str = r#"{"attributes":{"type":"Account","url":"/services/data/v68.0/sobjects/Account/001000000000001AAA"},"Id":"001000000000001AAA","Name":"Partner Co","IsPartner":true}"#;

async fn bare(_: web::Path<String>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Sforce-Limit-Info", "api-usage=1/100000"))
        .content_type("application/json")
        .body(RECORD)
}

async fn run(args: Args) -> anyhow::Result<()> {
    if args.collections {
        let phases = collections::run(args.people, args.connections).await?;
        collections::print(&phases, args.people, args.connections);
        return Ok(());
    }
    let sim = sfsim::SimServer::start(sfsim::SimConfig {
        daily_limit: Some(u64::MAX / 2),
        ..sfsim::SimConfig::default()
    })
    .await?;
    let token = token(&sim.token_url()).await?;
    let account = account_id(&sim.data_url(), &token).await?;

    let server =
        HttpServer::new(|| App::new().route("/sobjects/Account/{id}", web::get().to(bare)))
            .workers(2)
            .disable_signals()
            .bind(("127.0.0.1", 0))?;
    let bare_url = format!("http://{}/sobjects/Account/{account}", server.addrs()[0]);
    let server = server.run();
    let bare_handle = server.handle();
    tokio::spawn(server);

    let sim_url = format!("{}/sobjects/Account/{account}", sim.data_url());
    if args.serve {
        println!("bare {bare_url}");
        println!("sfsim {sim_url} {token}");
        use std::io::Write;
        std::io::stdout().flush()?;
        // Serve until whoever started us closes our standard input.
        tokio::task::spawn_blocking(|| std::io::copy(&mut std::io::stdin(), &mut std::io::sink()))
            .await??;
        bare_handle.stop(true).await;
        sim.stop().await;
        return Ok(());
    }
    let prepare = |url: &str, auth: Option<&str>| -> Vec<Prepared> {
        (0..args.requests)
            .map(|_| Prepared {
                url: url.to_owned(),
                headers: auth
                    .map(|t| vec![("authorization".to_owned(), format!("Bearer {t}"))])
                    .unwrap_or_default(),
                body: actix_web::web::Bytes::new(),
                method: load::Method::Get,
            })
            .collect()
    };
    println!(
        "sfsim REST load: {} GETs of one Account x {} connections per target",
        args.requests, args.connections
    );
    let bare = load::closed_loop(prepare(&bare_url, None), args.connections).await?;
    let simulated = load::closed_loop(prepare(&sim_url, Some(&token)), args.connections).await?;
    println!("\n| target | req/s | vs bare | p50 ms | p99 ms | errors |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (name, s) in [
        ("bare actix-web endpoint", &bare),
        ("sfsim GET /sobjects/Account/{id}", &simulated),
    ] {
        println!(
            "| {name} | {:.0} | {:.2} | {:.2} | {:.2} | {} |",
            s.throughput,
            s.throughput / bare.throughput,
            s.p50_ms,
            s.p99_ms,
            s.errors
        );
    }
    bare_handle.stop(true).await;
    sim.stop().await;
    Ok(())
}

async fn token(url: &str) -> anyhow::Result<String> {
    let answer: serde_json::Value = reqwest::Client::new()
        .post(url)
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "gatehouse-dev"),
            ("client_secret", "gatehouse-dev-secret"),
        ])
        .send()
        .await?
        .json()
        .await?;
    answer["access_token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("no token: {answer}"))
}

async fn account_id(data_url: &str, token: &str) -> anyhow::Result<String> {
    let answer: serde_json::Value = reqwest::Client::new()
        .get(format!("{data_url}/query"))
        .query(&[("q", "SELECT Id FROM Account LIMIT 1")])
        .bearer_auth(token)
        .send()
        .await?
        .json()
        .await?;
    answer["records"][0]["Id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("no Account in the default org: {answer}"))
}
