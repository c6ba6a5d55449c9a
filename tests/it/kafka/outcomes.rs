//! Outcome events on the outcome topic: a signed webhook provisions a user in sfsim, and the
//! outcome arrives as a CloudEvent in binary mode, keyed by subject, in the trace of the
//! webhook, JSON or protobuf as configured.

use crate::on_both_stores;
use std::time::Duration;

use chrono::SecondsFormat;
use gatehouse::proto::v1;
use gatehouse::store::{OutboxId, OutboxRow};
use prost::Message as _;
use rdkafka::Message as _;
use rdkafka::message::OwnedMessage;

use super::broker;
use crate::scenarios::{Setup, ada, scenario_app};
use crate::support::{PORTAL_SECRET, TestApp, settle};

/// The trace the sender's webhook belongs to.
const TRACE_ID: &str = "0af7651916cd43dd8448eb211c80319c";

/// Patience for a record to arrive; bounds a hang, does not time the relay.
const WITHIN: Duration = Duration::from_secs(60);

/// The scenarios' service (partner signup rules, in-process org) publishing outcomes to
/// `topic` on `brokers` in `encoding`.
pub async fn app_publishing_to(brokers: &str, topic: &str, encoding: &str) -> TestApp {
    scenario_app(&Setup::default())
        .kafka(&format!(
            "[kafka]\nbrokers = \"{brokers}\"\n[kafka.outcomes]\ntopic = \"{topic}\"\nencoding = \"{encoding}\"\nce_source = \"urn:gatehouse:it\"\n"
        ))
        .spawn()
        .await
}

/// Sends Ada's partner signup, signed, in the trace [`TRACE_ID`]; waits for the engine.
pub async fn sign_up_ada(app: &TestApp) {
    let body = ada().signed_up(app.clock_now(), serde_json::json!({}));
    let answer = app
        .signed_delivery(
            "partner-portal",
            PORTAL_SECRET,
            "msg_out_1",
            &body.to_string(),
        )
        .header("traceparent", format!("00-{TRACE_ID}-b7ad6b7169203331-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 202);
    settle::settled(&app.store, app.clock_now()).await;
}

/// The one outcome record on `topic`, and the outbox row its `ce_id` names.
async fn the_outcome(app: &TestApp, brokers: &str, topic: &str) -> (OwnedMessage, OutboxRow) {
    let got = broker::read(brokers, topic, 1, WITHIN).await;
    assert_eq!(got.len(), 1, "one outcome record on {topic}");
    let record = got.into_iter().next().unwrap();
    let ce_id = broker::header(&record, "ce_id").expect("ce_id");
    let id = OutboxId::parse(&ce_id).expect("ce_id is an outbox id");
    let row = app
        .store
        .outbox_event(&id)
        .await
        .unwrap()
        .expect("the outbox row named by ce_id");
    (record, row)
}

/// Waits until the relay has marked `row` published (it marks after the acknowledgement, so
/// the record can be read a moment before).
async fn marked(app: &TestApp, row: &OutboxRow) -> OutboxRow {
    let deadline = tokio::time::Instant::now() + WITHIN;
    loop {
        let now = app
            .store
            .outbox_event(&row.outbox_id)
            .await
            .unwrap()
            .unwrap();
        if now.published_at.is_some() {
            return now;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never marked: {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Asserts the CloudEvents attributes of a provisioned outcome of Ada's.
fn assert_cloudevent(record: &OwnedMessage, row: &OutboxRow, content_type: &str) {
    let header = |name| broker::header(record, name);
    assert_eq!(header("ce_specversion").as_deref(), Some("1.0"));
    assert_eq!(header("ce_id").as_deref(), Some(row.outbox_id.as_str()));
    assert_eq!(header("ce_source").as_deref(), Some("urn:gatehouse:it"));
    assert_eq!(
        header("ce_type").as_deref(),
        Some("dev.gatehouse.user.provisioned")
    );
    assert_eq!(row.event_type, "dev.gatehouse.user.provisioned");
    assert_eq!(header("ce_subject").as_deref(), Some("partner-portal:u-1"));
    assert_eq!(
        header("ce_time"),
        Some(row.created_at.to_rfc3339_opts(SecondsFormat::Millis, true))
    );
    assert_eq!(header("content-type").as_deref(), Some(content_type));
    assert_eq!(
        record.key(),
        Some(&b"partner-portal:u-1"[..]),
        "keyed by subject"
    );
    let traceparent = header("traceparent").expect("a traceparent header");
    assert_eq!(
        traceparent.split('-').nth(1),
        Some(TRACE_ID),
        "the webhook's trace: {traceparent}"
    );
}

on_both_stores! {
    async fn a_signed_signup_is_announced_on_the_outcome_topic_as_a_json_cloudevent() {
        let brokers = broker::shared();
        let topic = broker::unique_topic("outcomes.json");
        broker::create_topic(&brokers, &topic, 3).await;
        let app = app_publishing_to(&brokers, &topic, "json").await;

        sign_up_ada(&app).await;

        let (record, row) = the_outcome(&app, &brokers, &topic).await;
        assert_cloudevent(&record, &row, "application/json");
        let value: serde_json::Value = serde_json::from_slice(record.payload().unwrap()).unwrap();
        assert_eq!(value, row.payload, "the data is the outbox payload");
        assert_eq!(value["subject"], "partner-portal:u-1");
        assert_eq!(value["outcome"]["kind"], "succeeded");
        let row = marked(&app, &row).await;
        assert!(row.published_at.is_some());

        let metrics = app
            .client
            .get(format!("{}/metrics", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            metrics.lines().any(|l| l
                == "gatehouse_outcomes_published_total{type=\"dev.gatehouse.user.provisioned\"} 1"),
            "{metrics}"
        );
        assert!(
            metrics
                .lines()
                .any(|l| l == "gatehouse_outbox_oldest_unpublished_age_seconds 0.0"),
            "nothing waits: {metrics}"
        );
        app.stop().await;
    }
}

on_both_stores! {
    async fn with_protobuf_configured_the_outcome_decodes_as_a_gatehouse_outcome_event() {
        let brokers = broker::shared();
        let topic = broker::unique_topic("outcomes.protobuf");
        broker::create_topic(&brokers, &topic, 1).await;
        let app = app_publishing_to(&brokers, &topic, "protobuf").await;

        sign_up_ada(&app).await;

        let (record, row) = the_outcome(&app, &brokers, &topic).await;
        assert_cloudevent(&record, &row, "application/x-protobuf");
        let event = v1::OutcomeEvent::decode(record.payload().unwrap()).expect("an OutcomeEvent");
        assert_eq!(
            event,
            gatehouse::publish::kafka::outcome_event(&row.payload).unwrap(),
            "the stored payload, converted"
        );
        assert_eq!(event.subject_key, "partner-portal:u-1");
        assert_eq!(event.intent, "provision");
        assert_eq!(event.source, "partner-portal");
        assert_eq!(event.command_id, row.command_id.as_str());
        let outcome = event.outcome.expect("the outcome");
        assert_eq!(outcome.kind, "succeeded");
        assert!(
            outcome.steps.iter().any(|s| s == "user.created"),
            "{outcome:?}"
        );
        let ids = outcome.salesforce.expect("Salesforce ids");
        assert!(ids.user_id.starts_with("005"), "{ids:?}");
        assert!(ids.contact_id.starts_with("003"), "{ids:?}");
        assert_eq!(
            outcome.licence_effect.expect("licence effect"),
            v1::LicenceEffect {
                effect: "consumed".into(),
                licence: "Partner Community".into()
            }
        );
        marked(&app, &row).await;
        app.stop().await;
    }
}
