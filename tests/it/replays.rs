//! Replays and spoofing refused at the door: an event id from a header outside the signature is
//! refused at load, a captured Greenhouse delivery under a new id is a duplicate, and a sender
//! without a signed timestamp has a replay window whose refusals operators see and can replay.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use crate::on_both_stores;
use crate::support::settle::settled;
use crate::support::{TestApp, hmac256_hex, hmac512_base64, now_in_seconds, stored_events};
use gatehouse::store::{EventId, InboxStatus};

const SECRET: &str = "preset-test-secret-0123456789";
const TOKEN: &str = "admin-test-token-0123456789";

#[test]
fn an_event_id_from_a_header_the_signature_does_not_cover_is_refused_at_load() {
    let text = crate::support::config(&format!(
        r#"
[sources.greenhouse]
event_id = {{ header = "Greenhouse-Event-ID" }}
[sources.greenhouse.verification]
scheme = "hmac"
preset = "greenhouse"
secrets = [{{ secret = "{SECRET}" }}]

[sources.bamboohr]
event_id = {{ header = "X-BambooHR-Timestamp" }}
[sources.bamboohr.verification]
scheme = "hmac"
preset = "bamboohr"
secrets = [{{ secret = "{SECRET}" }}]
"#
    ));
    let error = gatehouse::config::Settings::from_toml(&text).unwrap_err();
    let refused: Vec<_> = error
        .problems
        .iter()
        .filter(|p| p.key.ends_with(".event_id"))
        .collect();
    assert_eq!(refused.len(), 1, "only the unsigned header: {refused:#?}");
    assert_eq!(refused[0].key, "sources.greenhouse.event_id");
    let message = &refused[0].message;
    for expected in [
        "source 'greenhouse'",
        "Greenhouse-Event-ID header",
        "hmac signature does not cover",
        "json_pointer",
        "leave event_id out",
    ] {
        assert!(message.contains(expected), "lacks {expected:?}: {message}");
    }
}

on_both_stores! {
    async fn a_captured_greenhouse_delivery_resent_under_a_new_event_id_is_a_duplicate() {
        let app = TestApp::builder()
            .config(&format!(
                "[sources.greenhouse]\n[sources.greenhouse.verification]\nscheme = \"hmac\"\npreset = \"greenhouse\"\nsecrets = [{{ secret = \"{SECRET}\" }}]\n"
            ))
            .spawn()
            .await;
        let body = r#"{"action":"hire_candidate","payload":{"application":{"id":71980812}}}"#;
        let signature = format!("sha256 {}", hmac256_hex(SECRET, &[body.as_bytes()]));
        let mut receipts = Vec::new();
        for event_id in ["gh-1", "gh-forged-2"] {
            let answer = app
                .webhook("greenhouse")
                .header("Signature", &signature)
                .header("Greenhouse-Event-ID", event_id)
                .body(body)
                .send()
                .await
                .unwrap();
            let status = answer.status().as_u16();
            let receipt: Value = answer.json().await.unwrap();
            receipts.push((status, receipt["event_id"].clone()));
        }
        assert_eq!(receipts[0].0, 202);
        assert_eq!(receipts[1].0, 200, "the same body is the same event");
        assert_eq!(receipts[0].1, receipts[1].1);
        let events = stored_events(&app.store).await;
        assert_eq!(events.len(), 1);
        assert!(events[0].dedupe_key.starts_with("sha256:"));
        app.stop().await;
    }
}

/// A HiBob-signed source (HMAC over the body, no timestamp) with the quick start's rules and a
/// one-hour replay window.
fn hibob() -> String {
    let rules = crate::support::PARTNER_RULES.replace("sources.partner-portal", "sources.hibob");
    format!(
        r#"
[sources.hibob]
event_time = {{ json_pointer = "/occurred_at" }}
replay_window = "1h"
[sources.hibob.verification]
scheme = "hmac"
preset = "hibob"
secrets = [{{ secret = "{SECRET}" }}]
{rules}"#
    )
}

fn signup(user: &str, at: DateTime<Utc>) -> Value {
    json!({
        "type": "partner.user.signed_up",
        "occurred_at": at.to_rfc3339(),
        "data": {"partner_id": "P-100", "user": {
            "id": user, "email": format!("{user}@partner.example"),
            "first_name": "Ada", "last_name": "Lovelace"
        }}
    })
}

fn removal(user: &str, at: DateTime<Utc>) -> Value {
    json!({"type": "partner.user.removed", "occurred_at": at.to_rfc3339(), "data": {"user": {"id": user}}})
}

struct Hibob {
    app: TestApp,
}

impl Hibob {
    async fn start() -> Hibob {
        let app = TestApp::builder()
            .rules(&hibob())
            .admin_token(TOKEN)
            .clock_at(now_in_seconds())
            .spawn()
            .await;
        Hibob { app }
    }

    /// Signs and sends `body` as HiBob would; the event id of the receipt.
    async fn deliver(&self, body: &Value) -> EventId {
        let text = body.to_string();
        let answer = self
            .app
            .webhook("hibob")
            .header("Bob-Signature", hmac512_base64(SECRET, text.as_bytes()))
            .body(text)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 202);
        let receipt: Value = answer.json().await.unwrap();
        EventId::parse(receipt["event_id"].as_str().unwrap()).unwrap()
    }

    /// The event once the intake has judged it.
    async fn judged(&self, id: &EventId) -> gatehouse::store::InboxEvent {
        for _ in 0..2400 {
            let event = self.app.store.get(id).await.unwrap().expect("stored");
            if event.status != InboxStatus::Accepted {
                return event;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("the intake never judged {id}");
    }

    async fn settle(&self) {
        settled(&self.app.store, self.app.clock_now()).await;
    }
}

on_both_stores! {
    async fn an_event_older_than_the_replay_window_is_refused_visibly_and_replayable() {
        let h = Hibob::start().await;
        let now = h.app.clock_now();

        // Two hours old on arrival, and nothing applied to the person yet: refused.
        let old = h.deliver(&signup("u-1", now - TimeDelta::hours(2))).await;
        let refused = h.judged(&old).await;
        assert_eq!(refused.status, InboxStatus::Unmapped);
        let reason = refused.reason.clone().expect("a reason");
        assert!(reason.starts_with("refused by the replay window"), "{reason}");
        assert!(reason.contains("more than 1h before it was received"), "{reason}");
        assert!(reason.contains("nothing has been applied to partner-portal:u-1 yet"), "{reason}");

        // Operators see it among the unmapped events, with the reason.
        let listed: Value = h
            .app
            .client
            .get(format!("{}/v1/inbox?status=unmapped", h.app.base))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(listed["items"][0]["event_id"], old.as_str());
        assert_eq!(listed["items"][0]["reason"], reason.as_str());

        // An operator who knows it is genuine replays it: it is mapped and applied.
        let replay = h
            .app
            .client
            .post(format!("{}/v1/inbox/{old}/replay", h.app.base))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(replay.status(), 202);
        assert_eq!(h.judged(&old).await.status, InboxStatus::Mapped);
        h.settle().await;

        // Older than the window but newer than what was applied: acted on.
        let later = h.deliver(&removal("u-1", now - TimeDelta::minutes(90))).await;
        assert_eq!(h.judged(&later).await.status, InboxStatus::Mapped);

        // Older than the window and than what was applied: a replay, refused.
        let replayed = h.deliver(&signup("u-1", now - TimeDelta::hours(3))).await;
        let refused = h.judged(&replayed).await;
        assert_eq!(refused.status, InboxStatus::Unmapped);
        assert!(
            refused.reason.unwrap().contains("the last change applied to partner-portal:u-1 happened at"),
        );

        // Within the window: acted on without a question.
        let fresh = h.deliver(&signup("u-2", now - TimeDelta::minutes(5))).await;
        assert_eq!(h.judged(&fresh).await.status, InboxStatus::Mapped);
        h.app.stop().await;
    }
}
