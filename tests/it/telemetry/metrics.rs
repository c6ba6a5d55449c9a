//! `/metrics` as Prometheus reads it, moving as a scenario says.

use crate::on_both_stores;
use serde_json::Value;

use super::harness::{ADA, InProcess, Metrics, NO_PREFLIGHT};

on_both_stores! {
    async fn metrics_count_webhooks_commands_and_salesforce_calls_as_the_scenario_goes() {
        let app = InProcess::start("licence_poll_seconds = 1").await;
        let started = app.now();
        let before = app.scrape().await;
        assert_nothing_counted_yet(&before);

        deliver_accepted_redelivered_forged_and_unaddressed(&app).await;

        // The run's duration is observed last, after the outcome is recorded and counted. A scrape
        // reads the store's gauges before it encodes the counters, so a scrape taken while the
        // command finished can hold the new counters beside the old gauges: wait for one that has
        // caught up with both.
        let done = app
            .scrape_until("the provision succeed", |m| {
                m.count(
                    "gatehouse_command_duration_seconds_count",
                    &[("intent", "provision"), ("result", "succeeded")],
                ) == 1.0
                    && m.value("gatehouse_queue_commands", &[("state", "done")]) == Some(1.0)
            })
            .await;
        assert_webhooks_and_the_command_counted(&done);

        // The licence gauges come from a UserLicense query, made in the background after a scrape
        // at most once a second here; the org's fixture has 50 Partner Community licences, and the
        // provisioned user holds one of them.
        let polled = app
            .scrape_until("the licence gauges count the new user", |m| {
                m.value(
                    "gatehouse_salesforce_licences_used",
                    &[("licence", "Partner Community")],
                )
                .is_some_and(|used| used >= 1.0)
            })
            .await;
        assert_licences_and_calls_counted(&polled);
        assert_every_org_call_counted(&app).await;
        assert_the_orgs_allowance_reported(&app, &polled).await;

        // No relay publishes in the embedded mode: the outcome event waits, and its age grows on
        // the service's clock from when the command finished (after this test started).
        app.clock.advance(chrono::TimeDelta::seconds(1));
        let waiting = app
            .scrape_until("the outcome event age", |m| {
                m.value("gatehouse_outbox_oldest_unpublished_age_seconds", &[])
                    .is_some_and(|age| age > 0.0)
            })
            .await;
        let age = waiting
            .value("gatehouse_outbox_oldest_unpublished_age_seconds", &[])
            .unwrap();
        let elapsed = (app.now() - started).as_seconds_f64();
        assert!(age <= elapsed, "{age} > {elapsed}");
        app.stop().await;
    }
}

/// A fresh service: nothing received, nothing waiting, and its build.
fn assert_nothing_counted_yet(before: &Metrics) {
    assert_eq!(
        before.value("gatehouse_outbox_oldest_unpublished_age_seconds", &[]),
        Some(0.0)
    );
    assert_eq!(
        before.count(
            "gatehouse_webhooks_received_total",
            &[("source", "partner-portal")]
        ),
        0.0
    );
    assert_eq!(
        before.value(
            "gatehouse_build_info",
            &[("version", env!("CARGO_PKG_VERSION"))]
        ),
        Some(1.0)
    );
}

/// Accepted, then a redelivery of the same message, then a forged and an unaddressed one.
async fn deliver_accepted_redelivered_forged_and_unaddressed(app: &InProcess) {
    let signup = ADA.signed_up(app.now());
    for expected in [202, 200] {
        let answer = crate::telemetry::harness::delivery(
            &app.client,
            &app.base,
            "msg_m1",
            &signup,
            app.now(),
        )
        .send()
        .await
        .unwrap();
        assert_eq!(answer.status(), expected);
    }
    let forged =
        super::harness::forged_delivery(&app.client, &app.base, "msg_m2", &signup, app.now())
            .send()
            .await
            .unwrap();
    assert_eq!(forged.status(), 401);
    let nowhere = app
        .client
        .post(format!("{}/v1/webhooks/guessed-source", app.base))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(nowhere.status(), 404);
}

/// Each delivery by its result, the mapping, the command and the store's gauges.
fn assert_webhooks_and_the_command_counted(done: &Metrics) {
    assert_eq!(
        done.count(
            "gatehouse_commands_total",
            &[("intent", "provision"), ("outcome", "succeeded")]
        ),
        1.0
    );
    let portal = [("source", "partner-portal")];
    assert_eq!(
        done.count("gatehouse_webhooks_received_total", &portal),
        3.0
    );
    assert_eq!(
        done.count(
            "gatehouse_webhooks_accepted_total",
            &[("source", "partner-portal"), ("duplicate", "false")]
        ),
        1.0
    );
    assert_eq!(
        done.count(
            "gatehouse_webhooks_accepted_total",
            &[("source", "partner-portal"), ("duplicate", "true")]
        ),
        1.0
    );
    assert_eq!(
        done.count(
            "gatehouse_webhooks_rejected_total",
            &[("source", "partner-portal"), ("reason", "bad_signature")]
        ),
        1.0
    );
    assert_eq!(
        done.count(
            "gatehouse_webhooks_rejected_total",
            &[("source", "unknown"), ("reason", "unknown_source")]
        ),
        1.0
    );
    assert!(
        !done.text.contains("guessed-source"),
        "an unconfigured source name became a label"
    );
    assert_eq!(
        done.count(
            "gatehouse_events_mapped_total",
            &[("source", "partner-portal"), ("result", "mapped")]
        ),
        1.0
    );
    assert_eq!(
        done.count(
            "gatehouse_command_duration_seconds_count",
            &[("intent", "provision"), ("result", "succeeded")]
        ),
        1.0,
        "{}",
        done.text
    );
    assert_eq!(
        done.value("gatehouse_inbox_events", &[("status", "mapped")]),
        Some(1.0)
    );
    assert_eq!(
        done.value("gatehouse_queue_commands", &[("state", "done")]),
        Some(1.0)
    );
    assert_eq!(
        done.value("gatehouse_queue_commands", &[("state", "parked")]),
        Some(0.0)
    );
    assert_eq!(
        done.value("gatehouse_queue_outcomes", &[("outcome", "dead_lettered")]),
        Some(0.0)
    );
}

/// The licence gauges, and the Salesforce calls by endpoint template (never an id).
fn assert_licences_and_calls_counted(polled: &Metrics) {
    assert_eq!(
        polled.value(
            "gatehouse_salesforce_licences_capacity",
            &[("licence", "Partner Community")]
        ),
        Some(50.0)
    );
    assert!(
        polled.count(
            "gatehouse_salesforce_calls_total",
            &[("method", "GET"), ("endpoint", "/query"), ("status", "200")]
        ) >= 1.0,
        "the licence query is counted: {}",
        polled.text
    );
    assert!(
        polled.count(
            "gatehouse_salesforce_calls_total",
            &[
                ("method", "POST"),
                ("endpoint", "/composite"),
                ("status", "200")
            ]
        ) >= 2.0,
        "the provision reads and writes in composites: {}",
        polled.text
    );
    for endpoint in polled.label_values("gatehouse_salesforce_calls_total", "endpoint") {
        assert!(
            !endpoint.contains("003") && !endpoint.contains("005") && !endpoint.contains("u-7001"),
            "an id in an endpoint label: {endpoint}"
        );
    }
}

/// Every data call the org saw is counted (a licence poll may be under way: wait until the
/// two agree).
async fn assert_every_org_call_counted(app: &InProcess) {
    let mut agreed = false;
    for _ in 0..200 {
        let sim: Value = app
            .client
            .get(format!("{}/__sim/calls", app.sim))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let seen_by_org: f64 = sim["by_endpoint"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(endpoint, _)| !endpoint.contains("/oauth2/"))
            .map(|(_, n)| n.as_f64().unwrap())
            .sum();
        let counted = app
            .scrape()
            .await
            .sum("gatehouse_salesforce_calls_total", &[]);
        assert!(
            counted <= seen_by_org,
            "{counted} counted, the org saw {sim}"
        );
        if counted == seen_by_org {
            agreed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(agreed, "the counted calls never matched the org's");
}

/// The org's allowance as its answers reported it.
async fn assert_the_orgs_allowance_reported(app: &InProcess, polled: &Metrics) {
    let limits: Value = app
        .client
        .get(format!("{}/__sim/limits", app.sim))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        polled.value("gatehouse_salesforce_api_calls_limit", &[]),
        limits["max"].as_f64()
    );
    let used_calls = polled
        .value("gatehouse_salesforce_api_calls_used", &[])
        .unwrap();
    assert!(used_calls >= 1.0 && Some(used_calls) <= limits["used"].as_f64());
    assert_eq!(
        polled.value("gatehouse_salesforce_api_gate_open", &[]),
        Some(1.0)
    );
}

on_both_stores! {
    async fn without_a_licence_interval_the_org_is_never_asked_for_licences() {
        // The start-up preflight reads the licences once, by design; what is asserted here is
        // that no poll follows, so it is left out.
        let app = InProcess::start_with("licence_poll_seconds = 0", NO_PREFLIGHT).await;
        // Scraped all along while both commands run: each scrape would have started a poll. The
        // removal goes in once the signup's provision is done, or it would supersede it.
        let signup = ADA.signed_up(app.now());
        let removal = ADA.removed(app.now() + chrono::TimeDelta::seconds(1));
        for (id, body, finished) in [("msg_q1", &signup, 1.0), ("msg_q2", &removal, 2.0)] {
            let answer = crate::telemetry::harness::delivery(&app.client, &app.base, id, body, app.now())
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), 202);
            app.scrape_until("the command succeed", |m| {
                m.sum(
                    "gatehouse_command_duration_seconds_count",
                    &[("result", "succeeded")],
                ) == finished
            })
            .await;
        }
        let done = app.scrape().await;
        assert_eq!(
            done.count(
                "gatehouse_salesforce_calls_total",
                &[("endpoint", "/query")]
            ),
            0.0,
            "{}",
            done.text
        );
        assert!(!done.text.contains("gatehouse_salesforce_licences_used{"));
        let sim: Value = app
            .client
            .get(format!("{}/__sim/calls", app.sim))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            sim["by_endpoint"]
                .as_object()
                .unwrap()
                .keys()
                .all(|endpoint| !endpoint.contains("/query")),
            "{sim}"
        );
        app.stop().await;
    }
}
