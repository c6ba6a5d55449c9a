//! The traces of a whole scenario as a collector receives them: every span name, attribute,
//! event and status of the real binary, a real org's config with its secrets, and an outcome
//! webhook subscriber — and no person's email or name, and no secret, in any of them.

use hmac::{Hmac, Mac};
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::trace::v1::Span;
use sfsim::{SimConfig, SimServer};
use sha2::Sha256;

use super::harness::{ADA, ADMIN_TOKEN, GRACE, MASK_KEY, served_scenario};
use super::logs::run_the_scenario;
use super::traces::receiver;
use crate::support::{Org, PORTAL_SECRET};

/// The outcome webhook subscriber's secret: it must not reach a span either.
const WEBHOOK_SECRET: &str = "whsec_c2VjcmV0LW9mLXRoZS1tYXNrZWQtdHJhY2Vz";

/// The remote org's client secret, as the test config names it.
const ORG_SECRET: &str = "gatehouse-dev-secret";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_scenarios_traces_carry_no_personal_data_or_secret() {
    let (port, received, receiver) = receiver();
    let org = SimServer::start(SimConfig::default())
        .await
        .expect("the org starts");
    let served = served_scenario()
        .org(Org::Remote(org.login_url.clone()))
        .config(&format!(
            "[[outcomes.webhooks]]\nname = \"portal\"\nurl = \"http://127.0.0.1:{port}/outcomes\"\nsecret = \"{WEBHOOK_SECRET}\"\n"
        ))
        .otlp(&format!("http://127.0.0.1:{port}"), "http/protobuf")
        .serve();
    run_the_scenario(&served).await;
    let (status, log) = served.stop();
    assert!(status.success(), "{log}");
    receiver.stop(true).await;
    let spans = received.0.lock().clone();
    assert!(
        spans.iter().any(|s| s.name == "command provision"),
        "the scenario's commands were traced"
    );

    let told = texts(&spans);
    let everything = told.join("\n");
    for person in [&ADA, &GRACE] {
        for value in person.personal_data() {
            assert!(
                !everything.contains(value),
                "{value:?} is in a span:\n{everything}"
            );
        }
    }
    for secret in [
        PORTAL_SECRET,
        ADMIN_TOKEN,
        MASK_KEY,
        WEBHOOK_SECRET,
        ORG_SECRET,
    ] {
        assert!(
            !everything.contains(secret),
            "a secret is in a span:\n{everything}"
        );
    }
    // The delivery to a source named by Ada's email is in the trace as her email's keyed hash:
    // masked, not dropped, and under the deployment's key.
    let hash = masked_email(ADA.email);
    assert!(
        told.iter().any(|t| t.contains(&hash)),
        "no span names {hash}:\n{everything}"
    );
    // The log masks the same way.
    super::logs::assert_no_personal_data_or_secret(&log);
    assert!(log.contains(&hash), "{log}");
}

/// `email:` and the first 12 hex digits of HMAC-SHA256 under the scenario's mask key, as
/// docs/operations.md tells an operator to compute it.
fn masked_email(email: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(MASK_KEY.as_bytes()).expect("key");
    mac.update(email.trim().to_lowercase().as_bytes());
    format!("email:{}", hex::encode(&mac.finalize().into_bytes()[..6]))
}

/// Every text a collector shows of `spans`, each labelled with where it was found: span
/// names, attribute keys and values, event names and theirs, link attributes, statuses.
fn texts(spans: &[Span]) -> Vec<String> {
    let mut told = Vec::new();
    for span in spans {
        told.push(format!("span name: {}", span.name));
        attributes(&format!("span {}", span.name), &span.attributes, &mut told);
        for event in &span.events {
            told.push(format!("event of {}: {}", span.name, event.name));
            attributes(
                &format!("event {}", event.name),
                &event.attributes,
                &mut told,
            );
        }
        for link in &span.links {
            attributes(
                &format!("link of {}", span.name),
                &link.attributes,
                &mut told,
            );
        }
        if let Some(status) = &span.status {
            told.push(format!("status of {}: {}", span.name, status.message));
        }
    }
    told
}

fn attributes(place: &str, attributes: &[KeyValue], told: &mut Vec<String>) {
    for attribute in attributes {
        let value = attribute.value.as_ref().map(text).unwrap_or_default();
        told.push(format!("{place}: {} = {value}", attribute.key));
    }
}

fn text(value: &AnyValue) -> String {
    match &value.value {
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::ArrayValue(list)) => {
            list.values.iter().map(text).collect::<Vec<_>>().join(",")
        }
        Some(any_value::Value::KvlistValue(list)) => list
            .values
            .iter()
            .map(|kv| {
                format!(
                    "{}={}",
                    kv.key,
                    kv.value.as_ref().map(text).unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join(","),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}
