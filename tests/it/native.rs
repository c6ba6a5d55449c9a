//! Native commands (`gatehouse.v1.Command`) from a producer that speaks Gatehouse directly, put
//! into the inbox the way the Kafka consumer stores them, then mapped without rules, checked by
//! the guard rails, and run against the simulated org like any other command.
//!
//! The service runs with a `[kafka]` section naming a native topic, pointed at the shared test
//! broker: mapping native inbox events needs no broker, but a service that consumes the topic
//! would find one there.

use crate::on_both_stores;
use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use gatehouse::domain::OutcomeKind;
use gatehouse::native;
use gatehouse::proto::v1;
use gatehouse::store::{EventId, InboxEvent, InboxStatus, KeyOrigin, NewEvent, Receipt};
use prost::Message as _;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::kafka::broker;
use crate::support::TestApp;
use crate::support::settle::{self, commands_of, kind_of};
use crate::support::sim_org::SimOrg;

/// The source name the native topic's commands are recorded under.
const SOURCE: &str = "hr-direct";

/// A service with a native topic, and its org.
struct Native {
    app: TestApp,
    org: SimOrg,
}

impl Native {
    async fn start() -> Native {
        let brokers = broker::shared();
        let topic = broker::unique_topic("native.commands");
        broker::create_topic(&brokers, &topic, 1).await;
        let kafka = format!(
            r#"
[kafka]
brokers = "{brokers}"
group_id = "{group}"
dead_letter_topic = "{dead}"
[kafka.topics."{topic}"]
source = "{SOURCE}"
format = "native"
"#,
            group = broker::unique_topic("native.group"),
            dead = broker::unique_topic("native.dead"),
        );
        // No source of its own: the native topic's commands name theirs.
        let app = TestApp::builder()
            .rules("")
            .config("[engine]\nretry_base_seconds = 1\nretry_max_seconds = 4\n")
            .kafka(&kafka)
            .spawn()
            .await;
        let org = SimOrg::at(app.simulated_org());
        Native { app, org }
    }

    fn now(&self) -> DateTime<Utc> {
        self.app.clock_now()
    }

    /// Stores a record's body as the consumer does: keyed by its `command_id` (else a hash of
    /// its bytes), its source time from the envelope, protobuf when it names no content type.
    async fn put(&self, content_type: Option<&str>, body: Vec<u8>) -> Receipt {
        let envelope = native::envelope(content_type, &body).expect("a native command envelope");
        let (dedupe_key, key_origin) = match envelope.command_id {
            Some(id) => (id, KeyOrigin::Body),
            None => (hex::encode(Sha256::digest(&body)), KeyOrigin::ContentHash),
        };
        self.app
            .store
            .accept(NewEvent {
                source: SOURCE.to_owned(),
                dedupe_key,
                key_origin,
                received_at: self.now(),
                source_time: Some(envelope.source_time),
                content_type: content_type.unwrap_or("application/x-protobuf").to_owned(),
                body,
                traceparent: None,
            })
            .await
            .expect("the inbox takes the record")
    }

    /// Puts a JSON command and waits until the engine has nothing left to do.
    async fn put_json_and_settle(&self, command: &Value) -> EventId {
        let receipt = self
            .put(
                Some("application/json"),
                serde_json::to_vec(command).unwrap(),
            )
            .await;
        assert!(!receipt.duplicate);
        self.settle().await;
        receipt.event_id
    }

    async fn settle(&self) {
        settle::settled(&self.app.store, self.now()).await;
    }

    async fn event(&self, id: &EventId) -> InboxEvent {
        self.app
            .store
            .get(id)
            .await
            .expect("read the inbox")
            .expect("the event is kept")
    }

    /// The Contact keyed by `subject` and its one User.
    async fn contact_and_user(&self, subject: &str) -> (Value, Value) {
        let contacts = self
            .org
            .records_where("Contact", "Gatehouse_Key__c", subject)
            .await;
        assert_eq!(contacts.len(), 1, "one Contact: {contacts:#?}");
        let contact = contacts[0].clone();
        let contact_id = contact["Id"].as_str().unwrap().to_owned();
        let users: Vec<Value> = self
            .org
            .records("User")
            .await
            .into_iter()
            .filter(|u| {
                u["ContactId"]
                    .as_str()
                    .is_some_and(|c| crate::support::sim_org::same_id(c, &contact_id))
            })
            .collect();
        assert_eq!(users.len(), 1, "one User: {users:#?}");
        (contact, users[0].clone())
    }

    /// The last command of `subject`, which must have ended with `kind`.
    async fn last_ended(&self, subject: &str, kind: OutcomeKind) {
        let commands = commands_of(&self.app.store, subject).await;
        let last = commands.last().expect("the subject has commands");
        assert_eq!(
            kind_of(last),
            Some(kind),
            "{:#?}",
            settle::summary(&commands)
        );
        assert_eq!(last.command.origin.source, SOURCE);
    }

    async fn stop(self) {
        self.app.stop().await;
    }
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: at.timestamp_subsec_nanos() as i32,
    }
}

/// A provision of Grace Hopper (`hr:{id}`) to Northwind (P-100), as JSON in lowerCamelCase, the
/// spelling most JSON producers write.
fn provision_json(id: &str, command_id: &str, at: DateTime<Utc>) -> Value {
    json!({
        "commandId": command_id,
        "subjectKey": format!("hr:{id}"),
        "sourceTime": rfc3339(at),
        "provision": {
            "accountKey": "P-100",
            "contact": {"firstName": "Grace", "lastName": "Hopper", "email": format!("grace.{id}@northwind.example")},
            "user": {
                "username": format!("grace.{id}@northwind.example.acme"), "alias": "ghopper",
                "nickname": format!("grace.hopper.{id}"), "locale": "en_US", "timeZone": "Europe/London",
                "emailEncoding": "UTF-8", "language": "en_US"
            },
            "profile": "Partner Community User",
            "role": "PORTAL_ROLE_LEVEL_USER",
            "permissionSets": ["Gatehouse_Portal_Access"],
            "welcomeEmail": "WELCOME_EMAIL_SITE_SETTING",
            "purpose": "reseller portal"
        }
    })
}

/// A deprovision of `hr:{id}` in JSON; `mode` null leaves the mode unsaid.
fn deprovision_json(id: &str, command_id: &str, at: DateTime<Utc>, mode: Value) -> Value {
    json!({
        "command_id": command_id,
        "subject_key": format!("hr:{id}"),
        "source_time": rfc3339(at),
        "deprovision": {"mode": mode, "trigger": "left the company"}
    })
}

on_both_stores! {
    async fn a_json_provision_creates_the_user() {
        let n = Native::start().await;
        let event = n
            .put_json_and_settle(&provision_json("1001", "c-1001", n.now()))
            .await;

        assert_eq!(n.event(&event).await.status, InboxStatus::Mapped);
        n.last_ended("hr:1001", OutcomeKind::Succeeded).await;
        let (contact, user) = n.contact_and_user("hr:1001").await;
        assert_eq!(contact["LastName"], "Hopper");
        assert_eq!(contact["Email"], "grace.1001@northwind.example");
        assert_eq!(user["Username"], "grace.1001@northwind.example.acme");
        assert_eq!(user["Alias"], "ghopper");
        assert_eq!(user["CommunityNickname"], "grace.hopper.1001");
        assert_eq!(user["TimeZoneSidKey"], "Europe/London");
        assert_eq!(user["IsActive"], true);
        let assigned = n
            .org
            .assignments_beyond_profile(user["Id"].as_str().unwrap())
            .await;
        assert_eq!(assigned.len(), 1, "{assigned:#?}");
        n.stop().await;
    }
}

on_both_stores! {
    async fn a_protobuf_provision_creates_the_user() {
        let n = Native::start().await;
        let command = v1::Command {
            command_id: "c-2002".into(),
            subject_key: "hr:2002".into(),
            source_time: Some(timestamp(n.now())),
            effective_at: None,
            intent: Some(v1::command::Intent::Provision(v1::Provision {
                account: Some(v1::provision::Account::AccountKey("P-100".into())),
                contact: Some(v1::Contact {
                    first_name: "Alan".into(),
                    last_name: "Turing".into(),
                    email: "alan.turing@northwind.example".into(),
                }),
                user: Some(v1::User {
                    username: "alan.turing@northwind.example.acme".into(),
                    alias: "aturing".into(),
                    nickname: "alan.turing".into(),
                    locale: "en_GB".into(),
                    time_zone: "Europe/London".into(),
                    email_encoding: "UTF-8".into(),
                    language: "en_US".into(),
                    federation_id: "alan-2002".into(),
                }),
                profile: "Partner Community User".into(),
                role: v1::PortalRoleLevel::Manager.into(),
                ..Default::default()
            })),
        };
        let receipt = n.put(None, command.encode_to_vec()).await;
        n.settle().await;

        assert_eq!(n.event(&receipt.event_id).await.status, InboxStatus::Mapped);
        n.last_ended("hr:2002", OutcomeKind::Succeeded).await;
        let (contact, user) = n.contact_and_user("hr:2002").await;
        assert_eq!(contact["FirstName"], "Alan");
        assert_eq!(user["Username"], "alan.turing@northwind.example.acme");
        assert_eq!(user["LocaleSidKey"], "en_GB");
        assert_eq!(user["FederationIdentifier"], "alan-2002");
        assert_eq!(user["IsActive"], true);
        n.stop().await;
    }
}

on_both_stores! {
    async fn a_deprovision_naming_disable_disables_the_user() {
        let n = Native::start().await;
        let joined = n.now() - TimeDelta::hours(2);
        n.put_json_and_settle(&provision_json("3003", "c-3003-in", joined))
            .await;
        let (_, user) = n.contact_and_user("hr:3003").await;

        n.put_json_and_settle(&deprovision_json(
            "3003",
            "c-3003-out",
            joined + TimeDelta::hours(1),
            json!("DEPROVISION_MODE_DISABLE"),
        ))
        .await;

        n.last_ended("hr:3003", OutcomeKind::Succeeded).await;
        let disabled = n
            .org
            .record("User", user["Id"].as_str().unwrap())
            .await
            .expect("the user is kept");
        assert_eq!(disabled["IsPortalEnabled"], false);
        assert_eq!(disabled["IsActive"], false);
        n.stop().await;
    }
}

on_both_stores! {
    async fn a_deprovision_without_a_mode_is_kept_unmapped_with_the_reason_and_changes_nothing() {
        let n = Native::start().await;
        let joined = n.now() - TimeDelta::hours(2);
        n.put_json_and_settle(&provision_json("4004", "c-4004-in", joined))
            .await;
        let commands_before = commands_of(&n.app.store, "hr:4004").await.len();
        let calls_before = n.org.api_calls().await;

        let event = n
            .put_json_and_settle(&deprovision_json(
                "4004",
                "c-4004-out",
                joined + TimeDelta::hours(1),
                Value::Null,
            ))
            .await;

        let kept = n.event(&event).await;
        assert_eq!(kept.status, InboxStatus::Unmapped);
        let reason = kept.reason.expect("the reason is kept");
        assert!(
            reason.contains("deprovision.mode: required"),
            "the reason names the field: {reason}"
        );
        assert!(
            reason.contains("DEPROVISION_MODE_DEACTIVATE"),
            "and says what to write: {reason}"
        );
        assert_eq!(
            commands_of(&n.app.store, "hr:4004").await.len(),
            commands_before,
            "no command was made"
        );
        assert_eq!(
            n.org.api_calls().await,
            calls_before,
            "the org was not asked"
        );
        let (contact, user) = n.contact_and_user("hr:4004").await;
        assert_eq!(user["IsActive"], true);
        assert_eq!(user["IsPortalEnabled"], true);
        assert_eq!(contact["Gatehouse_Key__c"], "hr:4004");
        n.stop().await;
    }
}

on_both_stores! {
    async fn an_older_command_after_a_newer_one_ends_skipped_stale() {
        let n = Native::start().await;
        let t0 = n.now() - TimeDelta::hours(3);
        n.put_json_and_settle(&provision_json("5005", "c-5005-a", t0))
            .await;
        n.put_json_and_settle(&deprovision_json(
            "5005",
            "c-5005-c",
            t0 + TimeDelta::hours(2),
            json!("DEPROVISION_MODE_DEACTIVATE"),
        ))
        .await;
        n.last_ended("hr:5005", OutcomeKind::Succeeded).await;
        let calls = n.org.api_calls().await;

        // A provision from between the two, delivered late.
        n.put_json_and_settle(&provision_json(
            "5005",
            "c-5005-b",
            t0 + TimeDelta::hours(1),
        ))
        .await;

        n.last_ended("hr:5005", OutcomeKind::SkippedStale).await;
        assert_eq!(
            n.org.api_calls().await,
            calls,
            "a stale command costs nothing"
        );
        let (_, user) = n.contact_and_user("hr:5005").await;
        assert_eq!(user["IsActive"], false, "still shown out");
        n.stop().await;
    }
}

on_both_stores! {
    async fn a_provision_with_an_end_schedules_its_deactivation() {
        let n = Native::start().await;
        let end = n.now() + TimeDelta::days(30);
        let mut command = provision_json("6006", "c-6006", n.now());
        command["provision"]["endAt"] = json!(rfc3339(end));
        n.put_json_and_settle(&command).await;

        let commands = commands_of(&n.app.store, "hr:6006").await;
        assert_eq!(commands.len(), 2, "{:#?}", settle::summary(&commands));
        assert_eq!(kind_of(&commands[0]), Some(OutcomeKind::Succeeded));
        let scheduled = &commands[1];
        assert_eq!(scheduled.command.intent.kind(), "deprovision");
        assert_eq!(scheduled.due_at, end);
        assert_eq!(kind_of(scheduled), None, "waits for its day");
        n.stop().await;
    }
}
