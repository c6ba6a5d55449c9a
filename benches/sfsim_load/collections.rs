//! `--collections`: the shapes a burst sends, against an org that grows to `--people` Contacts
//! and partner Users: sObject Collections of 200 records (Contacts created, upserted by
//! external id; Users created, deactivated) and `IN` queries over 1,000 keys (Contacts) and
//! 500 Contact ids (Users), each request timed. Partner users are created one collection at a
//! time: overlapping creates of role-based users are refused (`UNABLE_TO_LOCK_ROW`). It shows whether sfsim's own work per request
//! can limit a burst of 5,000–10,000 people.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use futures::stream::{self, StreamExt};
use serde_json::{Value, json};

/// Records per collection: Salesforce's limit.
const CHUNK: usize = 200;
/// Keys per Contact query: 1,000 short keys stay within the 16,384-byte URI limit.
const KEYS_PER_QUERY: usize = 1_000;
/// Contact ids per User query: 18-character ids, so fewer fit in a URI.
const IDS_PER_QUERY: usize = 500;

/// One measured phase.
pub struct Phase {
    pub name: &'static str,
    pub requests: usize,
    pub records: usize,
    pub elapsed: Duration,
    pub p50_ms: f64,
    pub max_ms: f64,
    pub failures: usize,
}

/// The default org with room for `people` partner users.
pub fn fixture(people: usize) -> String {
    sfsim::fixture::DEFAULT_FIXTURE.replace("total = 50", &format!("total = {}", people + 100))
}

/// A client for the data API with the integration user's token.
struct Api {
    http: reqwest::Client,
    data: String,
    token: String,
}

impl Api {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<Value> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.data))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            bail!("{status}: {body}");
        }
        Ok(body)
    }
}

/// Runs every phase against a fresh org and returns them in order.
pub async fn run(people: usize, connections: usize) -> anyhow::Result<Vec<Phase>> {
    let sim = sfsim::SimServer::start(sfsim::SimConfig {
        daily_limit: Some(u64::MAX / 2),
        fixture: Some(sfsim::FixtureSource::Toml {
            text: fixture(people),
            base_dir: std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sfsim/fixtures"),
        }),
        ..sfsim::SimConfig::default()
    })
    .await?;
    let api = Api {
        http: reqwest::Client::builder().no_proxy().build()?,
        data: sim.data_url(),
        token: super::token(&sim.token_url()).await?,
    };
    let (account, profile) = {
        let org = sim.sim.org.lock();
        let find = |object: &str, field: &str, value: &str| {
            org.records_of(object)
                .find(|r| r.text(field) == Some(value))
                .map(|r| r.id.clone())
        };
        (
            find("Account", "Gatehouse_Key__c", "P-100").context("partner Account")?,
            find("Profile", "Name", "Partner Community User").context("partner profile")?,
        )
    };
    let keys: Vec<String> = (0..people).map(|n| format!("B{n:05}")).collect();
    let mut phases = Vec::new();
    let contact_ids = contact_phases(&api, &keys, &account, connections, &mut phases).await;
    user_phases(
        &api,
        &keys,
        &contact_ids,
        &profile,
        connections,
        &mut phases,
    )
    .await;
    sim.stop().await;
    Ok(phases)
}

/// Contacts created, upserted and queried back; returns their ids.
async fn contact_phases(
    api: &Api,
    keys: &[String],
    account: &str,
    connections: usize,
    phases: &mut Vec<Phase>,
) -> Vec<String> {
    let contacts: Vec<Value> = keys
        .iter()
        .map(|k| json!({"attributes": {"type": "Contact"}, "LastName": format!("Person {k}"), "AccountId": account, "Email": format!("{k}@burst.example"), "Gatehouse_Key__c": k}))
        .collect();
    phases.push(
        collections(
            api,
            "create Contacts (collections of 200)",
            reqwest::Method::POST,
            "/composite/sobjects",
            &contacts,
            connections,
        )
        .await,
    );

    let upserts: Vec<Value> = keys
        .iter()
        .map(|k| json!({"attributes": {"type": "Contact"}, "Gatehouse_Key__c": k, "Title": "Reseller"}))
        .collect();
    phases.push(
        collections(
            api,
            "upsert Contacts by external id",
            reqwest::Method::PATCH,
            "/composite/sobjects/Contact/Gatehouse_Key__c",
            &upserts,
            connections,
        )
        .await,
    );

    let queries: Vec<String> = keys
        .chunks(KEYS_PER_QUERY)
        .map(|chunk| {
            in_query(
                "SELECT Id, Gatehouse_Key__c FROM Contact WHERE Gatehouse_Key__c",
                chunk,
            )
        })
        .collect();
    let (phase, answers) = reads(
        api,
        "query Contacts, IN over 1,000 keys",
        &queries,
        connections,
    )
    .await;
    phases.push(phase);
    let contact_ids: Vec<String> = answers
        .iter()
        .flat_map(|a| a["records"].as_array().cloned().unwrap_or_default())
        .filter_map(|r| r["Id"].as_str().map(str::to_owned))
        .collect();
    if contact_ids.len() != keys.len() {
        eprintln!(
            "the queries found {} of {} Contacts",
            contact_ids.len(),
            keys.len()
        );
    }

    contact_ids
}

/// Partner users created on the Contacts, queried back and deactivated.
async fn user_phases(
    api: &Api,
    keys: &[String],
    contact_ids: &[String],
    profile: &str,
    connections: usize,
    phases: &mut Vec<Phase>,
) {
    let users: Vec<Value> = contact_ids
        .iter()
        .zip(keys)
        .map(|(contact, k)| json!({"attributes": {"type": "User"}, "Username": format!("{k}@burst.example.sfsim"), "LastName": format!("Person {k}"), "Email": format!("{k}@burst.example"), "Alias": k, "TimeZoneSidKey": "Europe/London", "LocaleSidKey": "en_GB", "EmailEncodingKey": "UTF-8", "LanguageLocaleKey": "en_US", "ProfileId": profile, "ContactId": contact}))
        .collect();
    phases.push(
        collections(
            api,
            "create partner Users (one collection at a time)",
            reqwest::Method::POST,
            "/composite/sobjects",
            &users,
            // Creates of partner users take the org's group-membership lock: a client sends
            // one collection at a time (sfsim refuses overlapping ones, as Salesforce does).
            1,
        )
        .await,
    );

    let queries: Vec<String> = contact_ids
        .chunks(IDS_PER_QUERY)
        .map(|chunk| {
            in_query(
                "SELECT Id, ContactId, IsActive FROM User WHERE ContactId",
                chunk,
            )
        })
        .collect();
    let (phase, answers) = reads(
        api,
        "query Users, IN over 500 Contact ids",
        &queries,
        connections,
    )
    .await;
    phases.push(phase);
    let deactivations: Vec<Value> = answers
        .iter()
        .flat_map(|a| a["records"].as_array().cloned().unwrap_or_default())
        .filter_map(|r| {
            r["Id"]
                .as_str()
                .map(|id| json!({"attributes": {"type": "User"}, "Id": id, "IsActive": false}))
        })
        .collect();
    if deactivations.len() != keys.len() {
        eprintln!(
            "the queries found {} of {} Users",
            deactivations.len(),
            keys.len()
        );
    }
    phases.push(
        collections(
            api,
            "deactivate Users (collections of 200)",
            reqwest::Method::PATCH,
            "/composite/sobjects",
            &deactivations,
            connections,
        )
        .await,
    );
}

/// `…/query?q=<select> IN ('a','b',…)`, percent-encoded.
fn in_query(select: &str, values: &[String]) -> String {
    let list: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
    let soql = format!("{select} IN ({})", list.join(","));
    let encoded: String = url::form_urlencoded::byte_serialize(soql.as_bytes()).collect();
    format!("/query?q={encoded}")
}

/// Sends `records` in collections of 200, `connections` at a time; a record refused is a
/// failure.
async fn collections(
    api: &Api,
    name: &'static str,
    method: reqwest::Method,
    path: &str,
    records: &[Value],
    connections: usize,
) -> Phase {
    let bodies: Vec<Value> = records
        .chunks(CHUNK)
        .map(|chunk| json!({"allOrNone": false, "records": chunk}))
        .collect();
    let started = Instant::now();
    let results: Vec<(Duration, usize)> = stream::iter(bodies.iter())
        .map(|body| {
            let method = method.clone();
            async move {
                let sent = Instant::now();
                let failures = match api.send(method, path, Some(body)).await {
                    Ok(Value::Array(results)) => {
                        let failed: Vec<&Value> = results
                            .iter()
                            .filter(|r| r["success"] != json!(true))
                            .collect();
                        if let Some(first) = failed.first() {
                            eprintln!("{name}: {} records refused, first: {first}", failed.len());
                        }
                        failed.len()
                    }
                    Ok(other) => {
                        eprintln!("{name}: unexpected answer {other}");
                        CHUNK
                    }
                    Err(e) => {
                        eprintln!("{name}: {e:#}");
                        CHUNK
                    }
                };
                (sent.elapsed(), failures)
            }
        })
        .buffer_unordered(connections)
        .collect()
        .await;
    phase(name, records.len(), started.elapsed(), results)
}

/// Sends GETs, `connections` at a time; returns the phase and the answers.
async fn reads(
    api: &Api,
    name: &'static str,
    paths: &[String],
    connections: usize,
) -> (Phase, Vec<Value>) {
    let started = Instant::now();
    let results: Vec<(Duration, Option<Value>)> = stream::iter(paths.iter())
        .map(|path| async move {
            let sent = Instant::now();
            let answer = api
                .send(reqwest::Method::GET, path, None)
                .await
                .inspect_err(|e| eprintln!("{name}: {e:#}"))
                .ok();
            (sent.elapsed(), answer)
        })
        .buffer_unordered(connections)
        .collect()
        .await;
    let elapsed = started.elapsed();
    let answers: Vec<Value> = results.iter().filter_map(|(_, a)| a.clone()).collect();
    let timed = results
        .iter()
        .map(|(d, a)| (*d, usize::from(a.is_none())))
        .collect();
    let records = answers
        .iter()
        .filter_map(|a| a["totalSize"].as_u64())
        .sum::<u64>() as usize;
    (phase(name, records, elapsed, timed), answers)
}

fn phase(
    name: &'static str,
    records: usize,
    elapsed: Duration,
    results: Vec<(Duration, usize)>,
) -> Phase {
    let mut latencies: Vec<Duration> = results.iter().map(|(d, _)| *d).collect();
    latencies.sort_unstable();
    let ms = |d: Option<&Duration>| d.map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    Phase {
        name,
        requests: results.len(),
        records,
        elapsed,
        p50_ms: ms(latencies.get(latencies.len() / 2)),
        max_ms: ms(latencies.last()),
        failures: results.iter().map(|(_, f)| f).sum(),
    }
}

/// Prints the phases as a table.
pub fn print(phases: &[Phase], people: usize, connections: usize) {
    println!(
        "sfsim collections: an org growing to {people} Contacts and partner Users, {connections} connections"
    );
    println!(
        "\n| phase | requests | records | s | req/s | records/s | p50 ms | max ms | failed records |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for p in phases {
        let secs = p.elapsed.as_secs_f64();
        println!(
            "| {} | {} | {} | {:.2} | {:.1} | {:.0} | {:.1} | {:.1} | {} |",
            p.name,
            p.requests,
            p.records,
            secs,
            p.requests as f64 / secs,
            p.records as f64 / secs,
            p.p50_ms,
            p.max_ms,
            p.failures
        );
    }
}
