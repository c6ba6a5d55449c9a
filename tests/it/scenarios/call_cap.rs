//! Two replicas on one store and one org keep together within the org-wide cap on concurrent
//! Salesforce calls: the org counts the requests it has in flight and keeps the peak.

use std::time::Duration;

use serde_json::json;
use sfsim::{SimConfig, SimHandle, SimServer};

use super::{Org, Partner, Scenario, Setup, scenario_app};
use crate::on_both_stores;
use crate::support::TestApp;
use crate::support::settle::wait_for;

/// The cap over both replicas; each worker alone runs four commands at once (the scenarios'
/// `[engine] concurrency`), eight together.
const CAP: usize = 4;

fn replica(org: &SimHandle, worker: &'static str) -> Setup {
    Setup {
        org: Org::Remote(org.login_url.clone()),
        engine: worker,
        salesforce_api: "max_concurrent_calls = 4",
        ..Setup::default()
    }
}

/// This replica's share of the cap, as its `/metrics` reports it.
async fn share(app: &TestApp) -> Option<f64> {
    let text = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("gatehouse_salesforce_concurrent_calls_share "))
        .and_then(|v| v.trim().parse().ok())
}

/// Waits until both replicas count each other and hold half the cap each.
async fn until_shared(a: &TestApp, b: &TestApp) {
    let half = (CAP / 2) as f64;
    for _ in 0..600 {
        if share(a).await == Some(half) && share(b).await == Some(half) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the replicas never shared the cap: {:?} and {:?}",
        share(a).await,
        share(b).await
    );
}

on_both_stores! {
    /// A burst of signups run by two replicas, able to run eight commands at once together,
    /// never has more than the cap's four calls in flight at the org.
    async fn two_replicas_together_stay_within_the_orgs_concurrent_call_cap() {
        let org = SimServer::start(SimConfig {
            latency: Duration::from_millis(30),
            ..SimConfig::default()
        })
        .await
        .expect("the org starts");
        let a = Scenario::start_with(replica(&org, "worker_id = \"replica-a\"")).await;
        let b = scenario_app(&replica(&org, "worker_id = \"replica-b\""))
            .clock(a.app.clock.clone())
            .store_in(a.app.store_dir())
            .spawn()
            .await;
        until_shared(&a.app, &b).await;
        org.sim.traffic.concurrency.reset();

        // The burst arrives at once, as a contract's fan-out or a re-sent batch does.
        let people = 40;
        let signups = (0..people).map(|n| {
            let person = Partner::new(
                &format!("u-{n}"),
                "P-100",
                "Pat",
                &format!("Partner{n}"),
                &format!("pat.partner{n}@partner.example"),
            );
            let body = person.signed_up(a.now(), json!({}));
            let a = &a;
            async move { a.send("partner-portal", &body).await }
        });
        for answer in futures::future::join_all(signups).await {
            assert_eq!(answer.status, 202, "{:?}", answer.body);
        }
        wait_for(&a.app.store, "every signup to end", |commands| {
            commands.len() == people && commands.iter().all(|c| c.outcome.is_some())
        })
        .await;

        let peak = org.sim.traffic.concurrency.peak();
        assert!(peak <= CAP, "{peak} calls were in flight at once; the cap is {CAP}");
        assert!(peak >= 2, "the burst never ran calls side by side (peak {peak})");
        b.stop().await;
        a.app.stop().await;
        org.stop().await;
    }
}

on_both_stores! {
    /// Batching claims a whole burst at once; the worker's `[engine] concurrency` (four in the
    /// scenarios, below the org-wide cap of 20) still bounds the requests in flight, across the
    /// batch and the members that run alone inside it.
    async fn a_batched_burst_keeps_to_the_engines_concurrency() {
        let org = SimServer::start(SimConfig {
            latency: Duration::from_millis(30),
            ..SimConfig::default()
        })
        .await
        .expect("the org starts");
        let s = Scenario::start_with(Setup {
            org: Org::Remote(org.login_url.clone()),
            ..Setup::default()
        })
        .await;
        org.sim.traffic.concurrency.reset();

        let people = 40;
        let signups = (0..people).map(|n| {
            let person = Partner::new(
                &format!("u-{n}"),
                "P-100",
                "Pat",
                &format!("Partner{n}"),
                &format!("pat.partner{n}@partner.example"),
            );
            let body = person.signed_up(s.now(), json!({}));
            let s = &s;
            async move { s.send("partner-portal", &body).await }
        });
        for answer in futures::future::join_all(signups).await {
            assert_eq!(answer.status, 202, "{:?}", answer.body);
        }
        let commands = wait_for(&s.app.store, "every signup to end", |commands| {
            commands.len() == people && commands.iter().all(|c| c.outcome.is_some())
        })
        .await;

        let batched = commands
            .iter()
            .filter(|c| c.outcome.as_ref().is_some_and(|o| o.batch.is_some()))
            .count();
        assert!(batched > 0, "the burst was claimed in batches");
        let peak = org.sim.traffic.concurrency.peak();
        assert!(peak <= 4, "{peak} calls were in flight at once; concurrency is 4");
        assert!(peak >= 2, "the burst never ran calls side by side (peak {peak})");
        s.app.stop().await;
        org.stop().await;
    }
}
