//! Sending prepared requests: closed loop (fixed connections, as fast as answered) for
//! throughput, and open loop (fixed rate) for latency under a steady load.

// Shared by the ingest and sfsim load generators, which each use only part of it.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use futures::future::join_all;

/// The HTTP method of a prepared request.
#[derive(Clone, Copy)]
pub enum Method {
    Get,
    Post,
}

/// One request ready to send.
pub struct Prepared {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: actix_web::web::Bytes,
}

/// What one run measured.
pub struct Summary {
    pub throughput: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub errors: usize,
}

fn client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .timeout(Duration::from_secs(30))
        .build()?)
}

async fn send(client: &reqwest::Client, request: &Prepared) -> bool {
    let mut builder = match request.method {
        Method::Get => client.get(&request.url),
        Method::Post => client.post(&request.url).body(request.body.clone()),
    };
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    match builder.send().await {
        Ok(response) => {
            let ok = response.status().is_success();
            let _ = response.bytes().await;
            ok
        }
        Err(_) => false,
    }
}

fn summarise(mut latencies: Vec<Duration>, errors: usize, elapsed: Duration) -> Summary {
    latencies.sort_unstable();
    let pick = |q: f64| {
        if latencies.is_empty() {
            return 0.0;
        }
        let i = ((latencies.len() as f64 - 1.0) * q).round() as usize;
        latencies[i].as_secs_f64() * 1000.0
    };
    Summary {
        throughput: latencies.len() as f64 / elapsed.as_secs_f64().max(1e-9),
        p50_ms: pick(0.50),
        p99_ms: pick(0.99),
        errors,
    }
}

/// `connections` workers each send their share back to back.
pub async fn closed_loop(requests: Vec<Prepared>, connections: usize) -> anyhow::Result<Summary> {
    let client = client()?;
    let connections = connections.max(1);
    let mut shares: Vec<Vec<Prepared>> = (0..connections).map(|_| Vec::new()).collect();
    for (i, r) in requests.into_iter().enumerate() {
        shares[i % connections].push(r);
    }
    let start = Instant::now();
    let workers = shares.into_iter().map(|share| {
        let client = client.clone();
        tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(share.len());
            let mut errors = 0;
            for request in &share {
                let t = Instant::now();
                if send(&client, request).await {
                    latencies.push(t.elapsed());
                } else {
                    errors += 1;
                }
            }
            (latencies, errors)
        })
    });
    let mut latencies = Vec::new();
    let mut errors = 0;
    for result in join_all(workers).await {
        let (l, e) = result?;
        latencies.extend(l);
        errors += e;
    }
    Ok(summarise(latencies, errors, start.elapsed()))
}

/// Sends at a fixed rate whatever the answers do; latency counts from the scheduled send time,
/// so a slow server cannot hide its queueing (no coordinated omission).
pub async fn open_loop(requests: Vec<Prepared>, rate: u64) -> anyhow::Result<Summary> {
    let client = client()?;
    let interval = Duration::from_secs_f64(1.0 / rate.max(1) as f64);
    let start = tokio::time::Instant::now();
    let mut tasks = Vec::with_capacity(requests.len());
    for (i, request) in requests.into_iter().enumerate() {
        let scheduled = start + interval * i as u32;
        tokio::time::sleep_until(scheduled).await;
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let ok = send(&client, &request).await;
            (ok, scheduled.elapsed())
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for result in join_all(tasks).await {
        let (ok, latency) = result?;
        if ok {
            latencies.push(latency);
        } else {
            errors += 1;
        }
    }
    Ok(summarise(latencies, errors, start.elapsed()))
}
