//! Erasing a person on request: refused while they have access, deprovisioned first when the
//! operator asks, gone afterwards but for a tombstone that still makes older events stale, and
//! announced as `dev.gatehouse.subject.erased`.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use super::app::{ALICE, AdminApp, OrgSession, eventually, spawn};
use super::cli::gatehouse;
use crate::on_both_stores;

/// A person as the partner portal sends them.
pub struct Person {
    pub id: &'static str,
    pub email: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
}

impl Person {
    pub fn key(&self) -> String {
        format!("partner-portal:{}", self.id)
    }
}

pub const ADA: Person = Person {
    id: "u-1",
    email: "ada@partner.example",
    first_name: "Ada",
    last_name: "Tester",
};

/// The portal's sign-up of `person`, sent as delivery `message`, that happened at `occurred`.
pub async fn sign_up(app: &AdminApp, message: &str, person: &Person, occurred: DateTime<Utc>) {
    let body = json!({
        "type": "partner.user.signed_up",
        "occurred_at": occurred.to_rfc3339(),
        "data": {
            "partner_id": "P-100",
            "user": {
                "id": person.id,
                "email": person.email,
                "first_name": person.first_name,
                "last_name": person.last_name,
            }
        }
    });
    app.deliver(message, &body).await;
}

/// The portal's removal of `person`, sent as delivery `message`, that happened at `occurred`.
pub async fn remove(app: &AdminApp, message: &str, person: &Person, occurred: DateTime<Utc>) {
    let body = json!({
        "type": "partner.user.removed",
        "occurred_at": occurred.to_rfc3339(),
        "data": {"user": {"id": person.id}}
    });
    app.deliver(message, &body).await;
}

/// `minutes` before the service's clock.
pub fn ago(app: &AdminApp, minutes: i64) -> DateTime<Utc> {
    app.clock_now() - TimeDelta::minutes(minutes)
}

/// Waits until the subject has `count` commands and all have ended; answers them.
pub async fn ended(app: &AdminApp, key: &str, count: usize) -> Vec<Value> {
    eventually(&format!("{count} commands of {key} end"), || async {
        let (_, page) = app.get(&format!("/v1/commands?subject={key}")).await;
        let items = page["items"].as_array().cloned().unwrap_or_default();
        let done = items.len() == count && items.iter().all(|c| c["state"] == "done");
        done.then_some(items)
    })
    .await
}

/// Waits until the subject has no lifecycle record any more.
/// Waits until `key` has no lifecycle record. Asked of the store itself: a read through the
/// admin API is an operator's read of the person, which the audit trail keeps with the key.
pub async fn gone(app: &AdminApp, key: &str) {
    let subject = gatehouse::domain::SubjectKey::parse(key).unwrap();
    eventually(&format!("{key} is erased"), || async {
        let record = app.store.get_subject(&subject).await.unwrap();
        record.is_none().then_some(())
    })
    .await
}

on_both_stores! {
    async fn an_erasure_is_refused_while_the_person_has_access() {
        let app = spawn().await;
        sign_up(&app, "msg_1", &ADA, ago(&app, 10)).await;
        app.settled_commands(&ADA.key()).await;

        let (status, problem) = app
            .post(&format!("/v1/subjects/{}/erase", ADA.key()), json!({"reason": "DSR-1"}))
            .await;
        assert_eq!(status, 409, "{problem}");
        assert_eq!(problem["reason"], "subject_has_access");
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains("provisioned") && detail.contains("--deprovision"), "{detail}");
        let (status, record) = app.get(&format!("/v1/subjects/{}", ADA.key())).await;
        assert_eq!((status, &record["state"]), (200, &json!("provisioned")));

        let (status, problem) = app
            .post(&format!("/v1/subjects/{}/erase", ADA.key()), json!({"reasn": "typo"}))
            .await;
        assert_eq!(status, 400, "{problem}");
        assert!(problem["detail"].as_str().unwrap().contains("reasn"), "{problem}");
        let (status, _) = app.post("/v1/subjects/partner-portal:nobody/erase", Value::Null).await;
        assert_eq!(status, 404);
        app.stop().await;
    }
}

on_both_stores! {
    async fn an_erased_person_leaves_a_tombstone_that_keeps_older_events_stale() {
        let app = spawn().await;
        sign_up(&app, "msg_1", &ADA, ago(&app, 30)).await;
        ended(&app, &ADA.key(), 1).await;
        let removed_at = ago(&app, 20);
        remove(&app, "msg_2", &ADA, removed_at).await;
        ended(&app, &ADA.key(), 2).await;

        let (status, erased) = app
            .admin_as(ALICE, reqwest::Method::POST, &format!("/v1/subjects/{}/erase", ADA.key()))
            .json(&json!({"reason": "request DSR-7"}))
            .send()
            .await
            .map(|r| (r.status().as_u16(), r))
            .unwrap();
        let erased: Value = erased.json().await.unwrap();
        assert_eq!(status, 200, "{erased}");
        assert_eq!(erased["state"], "erased");
        let tombstone = &erased["tombstone"];
        let hash = tombstone["key_hash"].as_str().unwrap().to_owned();
        assert!(hash.starts_with("subject:"), "{hash}");
        assert_eq!((&tombstone["actor"], &tombstone["reason"]), (&json!("alice"), &json!("request DSR-7")));
        let last: DateTime<Utc> = tombstone["last_applied_source_time"].as_str().unwrap().parse().unwrap();
        assert_eq!(last.timestamp(), removed_at.timestamp());

        let (status, _) = app.get(&format!("/v1/subjects/{}", ADA.key())).await;
        assert_eq!(status, 404);
        let (_, page) = app.get(&format!("/v1/commands?subject={}", ADA.key())).await;
        assert_eq!(page["items"], json!([]));
        let outbox = app.store.outbox_unpublished(100).await.unwrap();
        let announced: Vec<_> = outbox.iter().filter(|row| row.event_type == "dev.gatehouse.subject.erased").collect();
        assert_eq!(announced.len(), 1, "{outbox:?}");
        assert_eq!(announced[0].subject_key.as_str(), hash);
        assert_eq!(announced[0].payload["subject_hash"], hash.as_str());
        assert!(outbox.iter().all(|row| !row.payload.to_string().contains(ADA.email)));

        // Older than the last event applied to them: stale, as it would have been before.
        sign_up(&app, "msg_3", &ADA, ago(&app, 25)).await;
        let commands = ended(&app, &ADA.key(), 1).await;
        assert_eq!(commands[0]["outcome"]["kind"], "skipped_stale", "{commands:?}");

        // Newer: handled as usual.
        sign_up(&app, "msg_4", &ADA, ago(&app, 1)).await;
        let commands = ended(&app, &ADA.key(), 2).await;
        assert_eq!(commands.last().unwrap()["outcome"]["kind"], "succeeded", "{commands:?}");
        let (_, record) = app.get(&format!("/v1/subjects/{}", ADA.key())).await;
        assert_eq!(record["state"], "provisioned");
        app.stop().await;
    }
}

on_both_stores! {
    async fn with_deprovision_the_person_is_deactivated_first_then_erased() {
        let app = spawn().await;
        sign_up(&app, "msg_1", &ADA, ago(&app, 10)).await;
        app.settled_commands(&ADA.key()).await;
        let (_, record) = app.get(&format!("/v1/subjects/{}", ADA.key())).await;
        let user_id = record["user_id"].as_str().unwrap().to_owned();

        let (status, pending) = app
            .post(
                &format!("/v1/subjects/{}/erase", ADA.key()),
                json!({"reason": "request DSR-8", "deprovision": true}),
            )
            .await;
        assert_eq!(status, 202, "{pending}");
        assert_eq!(pending["state"], "pending");
        assert!(pending["command_id"].as_str().unwrap().starts_with("cmd_"));

        gone(&app, &ADA.key()).await;
        let key = gatehouse::domain::SubjectKey::parse(&ADA.key()).unwrap();
        let tombstone = app.store.tombstone(&key).await.unwrap().expect("a tombstone");
        assert_eq!(tombstone.reason.as_deref(), Some("request DSR-8"));
        assert!(app.store.pending_erasures().await.unwrap().is_empty());
        let org = OrgSession::open(&app.org_url).await;
        let users = org.query(&format!("SELECT IsActive FROM User WHERE Id = '{user_id}'")).await;
        assert_eq!(users[0]["IsActive"], false, "the org's user was deactivated: {users:?}");
        app.stop().await;
    }
}

on_both_stores! {
    async fn subject_erase_on_the_command_line() {
        let app = spawn().await;
        sign_up(&app, "msg_1", &ADA, ago(&app, 10)).await;
        app.settled_commands(&ADA.key()).await;

        let (code, _, err) = gatehouse(&app, &["subject", "erase", &ADA.key()]).await;
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("still has access") && err.contains("--deprovision"), "{err}");

        let args = ["subject", "erase", &ADA.key(), "--deprovision", "--reason", "DSR-9"];
        let (code, out, err) = gatehouse(&app, &args).await;
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("deprovision cmd_") && out.contains("erased once it succeeded"), "{out}");
        gone(&app, &ADA.key()).await;

        // Signed up and removed: no access, so erased at once.
        let bob = Person { id: "u-2", email: "bob@partner.example", first_name: "Bob", last_name: "Tester" };
        sign_up(&app, "msg_2", &bob, ago(&app, 2)).await;
        ended(&app, &bob.key(), 1).await;
        remove(&app, "msg_3", &bob, ago(&app, 1)).await;
        ended(&app, &bob.key(), 2).await;
        let (code, out, err) = gatehouse(&app, &["subject", "erase", &bob.key(), "--reason", "DSR-10"]).await;
        assert_eq!(code, 0, "{err}");
        assert!(out.contains(&format!("{}: erased (cmd_", bob.key())), "{out}");
        assert!(out.contains("tombstone    subject:") && out.contains("commands 2"), "{out}");

        let (code, _, err) = gatehouse(&app, &["subject", "erase", &ADA.key()]).await;
        assert_eq!(code, 2, "{err}");
        app.stop().await;
    }
}
