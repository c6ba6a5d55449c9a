//! Outcome webhooks end to end: the service delivers each outcome to a receiver in the test,
//! which checks the Standard Webhooks signature and answers as scripted.

mod guard;
mod receiver;

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use gatehouse::clock::ManualClock;
use gatehouse::store::{
    DeliveryFilter, DeliveryState, OutboxRow, SubscriberState, WebhookDelivery,
};
use serde_json::json;

use crate::on_both_stores;
use crate::scenarios::{Partner, Setup, scenario_app};
use crate::support::{PORTAL_SECRET, TestApp, now_in_seconds, settle};
use receiver::{Reply, SECRET};

/// `[[outcomes.webhooks]]` for a subscriber `name` at `url`, with `extra` lines.
fn subscriber(name: &str, url: &str, extra: &str) -> String {
    format!(
        "[[outcomes.webhooks]]\nname = \"{name}\"\nurl = \"{url}\"\nsecret = \"{SECRET}\"\n{extra}\n"
    )
}

async fn start(config: &str, clock: ManualClock, dir: Arc<tempfile::TempDir>) -> TestApp {
    scenario_app(&Setup::default())
        .config(config)
        .clock(clock)
        .store_in(dir)
        .spawn()
        .await
}

fn partner(n: u32) -> Partner {
    Partner::new(
        &format!("u-{n}"),
        "P-100",
        "Pat",
        &format!("Ner{n}"),
        &format!("pat.ner{n}@partner.example"),
    )
}

/// Sends `kind` about `person`, `seconds` after now, and waits for the engine.
async fn send(app: &TestApp, person: &Partner, kind: &str, seconds: i64) {
    let at = app.clock_now() + TimeDelta::seconds(seconds);
    let body = person.event(kind, at, json!({}));
    let id = format!("msg_{}_{kind}", person.id);
    let answer = app
        .signed_delivery("partner-portal", PORTAL_SECRET, &id, &body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 202);
    settle::settled(&app.store, app.clock_now()).await;
}

/// The outbox rows of `subject`, in order, whatever their state.
async fn outbox_of(app: &TestApp, subject: &str) -> Vec<OutboxRow> {
    let deliveries = app
        .store
        .webhook_deliveries(&DeliveryFilter {
            limit: 100,
            ..DeliveryFilter::default()
        })
        .await
        .unwrap();
    let mut rows = Vec::new();
    for delivery in deliveries
        .iter()
        .filter(|d| d.subject_key.as_str() == subject)
    {
        rows.push(
            app.store
                .outbox_event(&delivery.outbox_id)
                .await
                .unwrap()
                .unwrap(),
        );
    }
    rows
}

/// Every subscriber's deliveries (but the filtered), once `done` holds of them (at most 30 s).
async fn deliveries_when(
    app: &TestApp,
    what: &str,
    done: impl Fn(&[WebhookDelivery]) -> bool,
) -> Vec<WebhookDelivery> {
    let filter = DeliveryFilter {
        limit: 100,
        ..DeliveryFilter::default()
    };
    for _ in 0..600 {
        let listed = app.store.webhook_deliveries(&filter).await.unwrap();
        if done(&listed) {
            return listed;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what}: never so");
}

fn dir() -> Arc<tempfile::TempDir> {
    Arc::new(tempfile::tempdir().unwrap())
}

on_both_stores! {
    async fn an_outcome_is_delivered_signed_with_the_kafka_records_attributes() {
        let (url, receiver, _server) = receiver::start();
        let config = subscriber("portal", &url, "");
        let app = start(&config, ManualClock::new(now_in_seconds()), dir()).await;
        let ada = partner(1);
        send(&app, &ada, "partner.user.signed_up", 0).await;

        let got = receiver.wait_for("the provisioned outcome", |r| !r.is_empty()).await;
        let delivery = &got[0];
        assert!(delivery.verified, "the signature verifies: {delivery:?}");
        assert_eq!(delivery.content_type, "application/cloudevents+json");
        let row = &outbox_of(&app, &ada.subject()).await[0];
        assert_eq!(delivery.id, row.outbox_id.as_str(), "webhook-id is the ce_id");
        assert_eq!(delivery.timestamp, app.clock_now().timestamp());
        let body = &delivery.body;
        assert_eq!(body["specversion"], "1.0");
        assert_eq!(body["id"], row.outbox_id.as_str());
        assert_eq!(body["source"], "urn:gatehouse");
        assert_eq!(body["type"], "dev.gatehouse.user.provisioned");
        assert_eq!(body["subject"], ada.subject().as_str());
        assert_eq!(
            body["time"],
            row.created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        );
        assert_eq!(body["datacontenttype"], "application/json");
        assert_eq!(body["data"], row.payload, "data is the Kafka record's value");

        let listed = deliveries_when(&app, "the delivery recorded", |d| {
            d.first().is_some_and(|d| d.state != DeliveryState::Pending)
        })
        .await;
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].state, DeliveryState::Delivered);
        assert_eq!(listed[0].attempts, 1);
        assert_eq!(listed[0].last_status, Some(200));
        app.stop().await;
    }
}

on_both_stores! {
    async fn a_failing_receiver_gets_retries_and_a_subjects_later_event_waits_for_its_earlier_one() {
        let (url, receiver, _server) = receiver::start();
        receiver.script(&[Reply::Status(500), Reply::Status(503)]);
        let app = start(&subscriber("portal", &url, ""), ManualClock::new(now_in_seconds()), dir()).await;
        let ada = partner(1);
        send(&app, &ada, "partner.user.signed_up", 0).await;
        send(&app, &ada, "partner.user.removed", 1).await;
        receiver.wait_for("the first attempt", |r| !r.is_empty()).await;

        // The first retry comes 5 s (±20 %) later, the second 5 min later.
        app.clock.set(app.clock_now() + TimeDelta::seconds(7));
        receiver.wait_for("the first retry", |r| r.len() >= 2).await;
        app.clock.set(app.clock_now() + TimeDelta::minutes(7));
        let got = receiver
            .wait_for("both events delivered", |r| {
                r.iter().filter(|d| d.status == 200).count() == 2
            })
            .await;

        let types: Vec<(&str, u16)> = got.iter().map(|d| (d.event_type(), d.status)).collect();
        assert_eq!(
            types,
            [
                ("dev.gatehouse.user.provisioned", 500),
                ("dev.gatehouse.user.provisioned", 503),
                ("dev.gatehouse.user.provisioned", 200),
                ("dev.gatehouse.user.deactivated", 200),
            ],
            "the deactivation waited for the provision"
        );
        assert!(got.iter().all(|d| d.verified));
        assert!(got[..3].iter().all(|d| d.id == got[0].id), "one id on every attempt");
        app.stop().await;
    }
}

on_both_stores! {
    async fn an_undelivered_event_stays_in_the_outbox_past_its_retention_until_delivered() {
        let (url, receiver, _server) = receiver::start();
        receiver.script(&[Reply::Status(500)]);
        let app = start(&subscriber("portal", &url, ""), ManualClock::new(now_in_seconds()), dir()).await;
        let ada = partner(1);
        send(&app, &ada, "partner.user.signed_up", 0).await;
        receiver.wait_for("the first attempt", |r| !r.is_empty()).await;
        let row = outbox_of(&app, &ada.subject()).await.remove(0);

        let settings = scenario_app(&Setup::default())
            .config(&subscriber("portal", &url, ""))
            .settings();
        let later = ManualClock::new(row.created_at + TimeDelta::days(8));
        let pruner = gatehouse::publish::Pruner::for_settings(&settings, app.store.clone(), later.shared()).unwrap();
        assert_eq!(pruner.prune().await.unwrap(), 0, "pending for the subscriber");
        assert!(app.store.outbox_event(&row.outbox_id).await.unwrap().is_some());

        app.clock.set(app.clock_now() + TimeDelta::seconds(7));
        receiver.wait_for("the retry", |r| r.iter().any(|d| d.status == 200)).await;
        // The relay records the answer after it came.
        deliveries_when(&app, "the delivery recorded", |d| {
            d[0].state == DeliveryState::Delivered
        })
        .await;
        assert_eq!(pruner.prune().await.unwrap(), 1, "delivered: it goes");
        assert!(app.store.outbox_event(&row.outbox_id).await.unwrap().is_none());
        let left = deliveries_when(&app, "the deliveries pruned", |_| true).await;
        assert!(left.is_empty(), "its deliveries went with it: {left:?}");
        app.stop().await;
    }
}

on_both_stores! {
    async fn gone_disables_the_subscriber_and_nothing_more_is_sent() {
        let (url, receiver, _server) = receiver::start();
        receiver.script(&[Reply::Status(410)]);
        let app = start(&subscriber("portal", &url, ""), ManualClock::new(now_in_seconds()), dir()).await;
        send(&app, &partner(1), "partner.user.signed_up", 0).await;
        receiver.wait_for("the first attempt", |r| !r.is_empty()).await;
        let disabled = loop {
            let states = app.store.webhook_subscribers().await.unwrap();
            if let Some(state) = states.into_iter().find(|s| s.subscriber == "portal") {
                break state;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert_eq!(disabled.state, SubscriberState::Disabled);

        send(&app, &partner(2), "partner.user.signed_up", 0).await;
        app.clock.set(app.clock_now() + TimeDelta::hours(1));
        // Two polls of the relay, and the outbox event of the second person waits.
        tokio::time::sleep(gatehouse::publish::webhook::POLL * 3).await;
        assert_eq!(receiver.received().len(), 1, "nothing sent once disabled");
        let pending = app.store.webhook_pending("portal", 10).await.unwrap();
        assert_eq!(pending.len(), 2, "both events wait for the subscriber to be enabled");
        app.stop().await;
    }
}

on_both_stores! {
    async fn a_slow_receiver_times_out_and_the_event_is_sent_again_with_the_same_id() {
        let (url, receiver, _server) = receiver::start();
        receiver.script(&[Reply::Slow(Duration::from_secs(3))]);
        let config = subscriber("portal", &url, "timeout_ms = 300");
        let app = start(&config, ManualClock::new(now_in_seconds()), dir()).await;
        send(&app, &partner(1), "partner.user.signed_up", 0).await;
        let failed = deliveries_when(&app, "the attempt timed out", |d| {
            d.first().is_some_and(|d| d.attempts == 1)
        })
        .await
        .remove(0);
        assert_eq!(failed.state, DeliveryState::Pending);
        assert_eq!(failed.last_error.as_deref(), Some("timed out"));
        assert_eq!(failed.last_status, None);

        app.clock.set(app.clock_now() + TimeDelta::seconds(7));
        let got = receiver.wait_for("the retry", |r| r.len() == 2).await;
        assert_eq!(got[0].id, got[1].id);
        app.stop().await;
    }
}

on_both_stores! {
    async fn a_restart_mid_retry_loses_nothing_and_keeps_the_id() {
        let (url, receiver, _server) = receiver::start();
        receiver.script(&[Reply::Status(500)]);
        let config = subscriber("portal", &url, "");
        let clock = ManualClock::new(now_in_seconds());
        let dir = dir();
        let app = start(&config, clock.clone(), dir.clone()).await;
        send(&app, &partner(1), "partner.user.signed_up", 0).await;
        receiver.wait_for("the first attempt", |r| !r.is_empty()).await;
        let pending = loop {
            let pending = app.store.webhook_pending("portal", 10).await.unwrap();
            if pending.first().is_some_and(|p| p.delivery.attempts == 1) { break pending; }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        // Made before the stop, so the store's database outlives the first service.
        let restarted = scenario_app(&Setup::default())
            .config(&config)
            .clock(clock.clone())
            .store_in(dir);
        app.stop().await;
        let app = restarted.spawn().await;
        clock.set(app.clock_now() + TimeDelta::seconds(7));
        let got = receiver.wait_for("the retry after the restart", |r| r.len() == 2).await;
        assert_eq!(got[1].status, 200);
        assert_eq!(got[0].id, got[1].id, "the same id before and after the restart");
        assert_eq!(got[1].id, pending[0].delivery.outbox_id.as_str());
        tokio::time::sleep(gatehouse::publish::webhook::POLL * 3).await;
        assert_eq!(receiver.received().len(), 2, "delivered once, not again");
        app.stop().await;
    }
}

on_both_stores! {
    async fn type_and_source_filters_choose_what_each_subscriber_receives() {
        let (url, users, _a) = receiver::start();
        let (url2, commands, _b) = receiver::start();
        let (url3, crm, _c) = receiver::start();
        let config = [
            subscriber("users", &url, "types = [\"dev.gatehouse.user.*\"]"),
            subscriber("deactivations", &url2, "types = [\"dev.gatehouse.user.deactivated\"]"),
            subscriber("crm", &url3, "sources = [\"customer-crm\"]"),
        ]
        .concat();
        let app = start(&config, ManualClock::new(now_in_seconds()), dir()).await;
        let ada = partner(1);
        send(&app, &ada, "partner.user.signed_up", 0).await;
        send(&app, &ada, "partner.user.removed", 1).await;
        users.wait_for("both events", |r| r.len() == 2).await;
        commands.wait_for("the deactivation", |r| !r.is_empty()).await;
        let filtered = |name: &str| {
            let store = app.store.clone();
            let name = name.to_owned();
            async move {
                store
                    .webhook_deliveries(&DeliveryFilter {
                        subscriber: Some(name),
                        state: Some(DeliveryState::Filtered),
                        limit: 10,
                        ..DeliveryFilter::default()
                    })
                    .await
                    .unwrap()
                    .len()
            }
        };
        assert_eq!(filtered("deactivations").await, 1, "the provision is filtered out");
        for _ in 0..100 {
            if filtered("crm").await == 2 { break; }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(filtered("crm").await, 2, "neither event came from customer-crm");
        assert_eq!(commands.received()[0].event_type(), "dev.gatehouse.user.deactivated");
        assert!(crm.received().is_empty());
        app.stop().await;
    }
}

const TOKEN: &str = "outcome-webhooks-admin-token";

async fn admin(app: &TestApp, method: reqwest::Method, path: &str) -> (u16, serde_json::Value) {
    let answer = app
        .client
        .request(method, format!("{}{path}", app.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or_default())
}

on_both_stores! {
    async fn an_operator_lists_enables_a_disabled_subscriber_and_replays_a_delivery() {
        use reqwest::Method;
        let (url, receiver, _server) = receiver::start();
        receiver.script(&[Reply::Status(410)]);
        let app = scenario_app(&Setup::default())
            .config(&subscriber("portal", &url, ""))
            .admin_token(TOKEN)
            .store_in(dir())
            .spawn()
            .await;
        send(&app, &partner(1), "partner.user.signed_up", 0).await;
        receiver.wait_for("the first attempt", |r| !r.is_empty()).await;
        let mut listed = serde_json::Value::Null;
        for _ in 0..200 {
            listed = admin(&app, Method::GET, "/v1/outcome-webhooks").await.1;
            if listed["items"][0]["state"] == "disabled" { break; }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(listed["items"][0]["name"], "portal");
        assert_eq!(listed["items"][0]["state"], "disabled");
        assert_eq!(listed["items"][0]["reason"], "answered 410 Gone");

        let (status, unknown) = admin(&app, Method::POST, "/v1/outcome-webhooks/nobody/enable").await;
        assert_eq!(status, 404);
        assert!(unknown["detail"].as_str().unwrap().contains("configured: portal"), "{unknown}");
        let (status, _) = admin(&app, Method::POST, "/v1/outcome-webhooks/portal/enable").await;
        assert_eq!(status, 200);
        let got = receiver.wait_for("the delivery once enabled", |r| r.len() == 2).await;
        assert_eq!(got[1].status, 200);

        let delivered = deliveries_when(&app, "delivered", |d| d.first().is_some_and(|d| d.state == DeliveryState::Delivered)).await;
        let id = delivered[0].outbox_id.as_str().to_owned();
        let (status, page) = admin(&app, Method::GET, "/v1/outcome-webhooks/deliveries?state=delivered&subscriber=portal").await;
        assert_eq!(status, 200);
        assert_eq!(page["items"][0]["outbox_id"], id.as_str());
        let (status, bad) = admin(&app, Method::GET, "/v1/outcome-webhooks/deliveries?state=lost").await;
        assert_eq!(status, 400);
        assert!(bad["detail"].as_str().unwrap().contains("'pending', 'delivered', 'failed', 'filtered'"), "{bad}");

        let (status, replayed) = admin(&app, Method::POST, &format!("/v1/outcome-webhooks/portal/deliveries/{id}/replay")).await;
        assert_eq!(status, 200, "{replayed}");
        assert_eq!(replayed["state"], "pending");
        let got = receiver.wait_for("the replay", |r| r.len() == 3).await;
        assert_eq!(got[2].id, id, "a replay keeps the webhook-id");
        assert!(got[2].verified);
        app.stop().await;
    }
}

on_both_stores! {
    async fn an_erasure_is_delivered_to_a_subscriber_of_its_type_naming_the_person_by_hash() {
        let (url, receiver, _server) = receiver::start();
        let config = subscriber("privacy", &url, "types = [\"dev.gatehouse.subject.*\"]");
        let app = start(&config, ManualClock::new(now_in_seconds()), dir()).await;
        let ada = partner(1);
        send(&app, &ada, "partner.user.signed_up", 0).await;
        send(&app, &ada, "partner.user.removed", 1).await;
        let key = gatehouse::domain::SubjectKey::parse(&ada.subject()).unwrap();
        let request = gatehouse::store::ErasureRequest {
            actor: "alice".to_owned(),
            reason: Some("request DSR-12".to_owned()),
        };
        let erasure = app.store.erase_subject(&key, &request).await.unwrap();
        let gatehouse::store::Erasure::Erased(erased) = erasure else {
            panic!("{erasure:?}");
        };

        let got = receiver.wait_for("the erasure", |r| !r.is_empty()).await;
        assert_eq!(got.len(), 1, "the outcomes are filtered out: {got:?}");
        let delivery = &got[0];
        assert!(delivery.verified);
        assert_eq!(delivery.event_type(), "dev.gatehouse.subject.erased");
        assert_eq!(delivery.id, erased.outbox_id.as_str());
        let hash = erased.tombstone.key_hash.as_str();
        assert_eq!(delivery.body["subject"], hash);
        assert_eq!(delivery.body["data"]["subject_hash"], hash);
        assert_eq!(delivery.body["data"]["reason"], "request DSR-12");
        assert!(!delivery.body.to_string().contains(&ada.subject()));
        app.stop().await;
    }
}
