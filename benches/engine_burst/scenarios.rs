//! The measured scenarios: a partner onboarding of new people as one fan-out event, a contract
//! end of everyone as one fan-out event, and lone signups one at a time.

use std::time::{Duration, Instant};

use anyhow::bail;
use serde_json::{Value, json};

use crate::config::{USERNAME_SUFFIX, sign};
use crate::target::Target;

/// The longest a burst may take before the run gives up on it.
const PATIENCE: Duration = Duration::from_secs(1800);

/// What one scenario measured.
pub struct Measured {
    pub people: usize,
    pub seconds: f64,
    pub api_calls: u64,
    /// Lone events: the median from sending the event to the person's access.
    pub p50_seconds: Option<f64>,
}

impl Measured {
    pub fn per_second(&self) -> f64 {
        self.people as f64 / self.seconds.max(1e-9)
    }

    pub fn calls_per_person(&self) -> f64 {
        self.api_calls as f64 / self.people.max(1) as f64
    }
}

/// A person of the run: `p{n}`.
fn person(n: usize) -> Value {
    json!({"id": format!("p{n}"), "first_name": "Burst", "last_name": format!("Person {n}"), "email": format!("p{n}@partner.example")})
}

fn username(n: usize) -> String {
    format!("p{n}@partner.example{USERNAME_SUFFIX}")
}

/// Sends one signed event; fails unless Gatehouse accepts it.
async fn send(
    http: &reqwest::Client,
    target: &Target,
    id: &str,
    body: &Value,
) -> anyhow::Result<()> {
    let body = body.to_string();
    let ts = chrono::Utc::now().timestamp();
    let answer = http
        .post(&target.webhook_url)
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", ts.to_string())
        .header("webhook-signature", sign(id, ts, body.as_bytes()))
        .body(body)
        .send()
        .await?;
    if !answer.status().is_success() {
        bail!(
            "event {id} refused: {} {}",
            answer.status(),
            answer.text().await.unwrap_or_default()
        );
    }
    Ok(())
}

/// New people `from..to` of the partner, as one `partner.onboarded` event; waits until every
/// one of them is an active user.
pub async fn onboard(
    http: &reqwest::Client,
    target: &Target,
    from: usize,
    to: usize,
) -> anyhow::Result<Measured> {
    let people: Vec<Value> = (from..to).map(person).collect();
    let event = json!({"type": "partner.onboarded", "occurred_at": chrono::Utc::now().to_rfc3339(), "partner_id": "P-100", "batch": format!("b{from}"), "people": people});
    let calls = target.api_calls();
    let started = Instant::now();
    send(http, target, &format!("onboard_{from}_{to}"), &event).await?;
    wait(target, started, |(active, _)| active >= to).await?;
    Ok(Measured {
        people: to - from,
        seconds: started.elapsed().as_secs_f64(),
        api_calls: target.api_calls() - calls,
        p50_seconds: None,
    })
}

/// Everyone `0..count` removed by one `contract.ended` event; waits until none is active.
pub async fn contract_end(
    http: &reqwest::Client,
    target: &Target,
    count: usize,
) -> anyhow::Result<Measured> {
    let ids: Vec<String> = (0..count).map(|n| format!("p{n}")).collect();
    let event = json!({"type": "contract.ended", "occurred_at": chrono::Utc::now().to_rfc3339(), "contract_id": "C-1", "people": ids});
    let calls = target.api_calls();
    let started = Instant::now();
    send(http, target, "contract_end", &event).await?;
    wait(target, started, |(_, inactive)| inactive >= count).await?;
    Ok(Measured {
        people: count,
        seconds: started.elapsed().as_secs_f64(),
        api_calls: target.api_calls() - calls,
        p50_seconds: None,
    })
}

/// `count` signups after person `from`, each sent once the previous person has access.
pub async fn lone(
    http: &reqwest::Client,
    target: &Target,
    from: usize,
    count: usize,
) -> anyhow::Result<Measured> {
    let calls = target.api_calls();
    let started = Instant::now();
    let mut latencies = Vec::with_capacity(count);
    for n in from..from + count {
        let p = person(n);
        let event = json!({"type": "partner.user.signed_up", "occurred_at": chrono::Utc::now().to_rfc3339(), "data": {"partner_id": "P-100", "user": p}});
        let sent = Instant::now();
        send(http, target, &format!("lone_{n}"), &event).await?;
        let name = username(n);
        while !target.has_access(&name) {
            if sent.elapsed() > PATIENCE {
                bail!("{name} had no access after {PATIENCE:?}");
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        latencies.push(sent.elapsed().as_secs_f64());
    }
    latencies.sort_by(f64::total_cmp);
    Ok(Measured {
        people: count,
        seconds: started.elapsed().as_secs_f64(),
        api_calls: target.api_calls() - calls,
        p50_seconds: latencies.get(latencies.len() / 2).copied(),
    })
}

/// How often a long wait reports its progress.
const PROGRESS_EVERY: Duration = Duration::from_secs(10);

async fn wait(
    target: &Target,
    started: Instant,
    done: impl Fn((usize, usize)) -> bool,
) -> anyhow::Result<()> {
    let mut told = Instant::now();
    loop {
        let users = target.users();
        if done(users) {
            return Ok(());
        }
        // A long wait says how far it got, so a slow run is seen to move.
        if told.elapsed() >= PROGRESS_EVERY {
            told = Instant::now();
            eprintln!(
                "  … {:.0} s: {} active, {} inactive",
                started.elapsed().as_secs_f64(),
                users.0,
                users.1
            );
        }
        if started.elapsed() > PATIENCE {
            bail!("not converged after {PATIENCE:?}: (active, inactive) users {users:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
