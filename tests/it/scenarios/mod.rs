//! End-to-end scenarios: signed webhooks into the running service, which maps them, runs the
//! commands against the simulated org, and records outcomes. Each test asserts the org's final
//! state (Contacts, Users, UserLogins, licence counts), the API calls spent (the org's own count
//! and the outcome's), and the outcome kind.

mod config;
mod contacts;
mod crash;
mod email_change;
mod faults;
mod licences;
mod offboarding;
mod ordering;
mod people;
mod refusals;
mod roles;
mod signup;
mod store_failure;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, TimeDelta, Utc};
use gatehouse::clock::ManualClock;
use gatehouse::domain::{Outcome, OutcomeKind};
use gatehouse::store::{CommandRecord, SubjectRecord};
use serde_json::Value;

pub use config::{CONTRACT_SECRET, CUSTOMER_SECRET, OrgChoice, Setup, scenario_config};
pub use people::{Customer, Partner, ada, rfc3339};

use crate::support::settle::{self, commands_of};
use crate::support::sim_org::SimOrg;
use crate::support::{PORTAL_SECRET, TestApp, spawn_app_in};

/// A running service on its org, driven like a user.
pub struct Scenario {
    pub app: TestApp,
    pub org: SimOrg,
    pub setup: Setup,
    deliveries: Arc<AtomicU32>,
}

/// A webhook's answer.
#[derive(Debug)]
pub struct Delivered {
    pub status: u16,
    pub body: Value,
}

impl Scenario {
    /// The service with the default setup (in-process org, site welcome email).
    pub async fn start() -> Scenario {
        Scenario::start_with(Setup::default()).await
    }

    pub async fn start_with(setup: Setup) -> Scenario {
        let now = DateTime::from_timestamp(Utc::now().timestamp(), 0).expect("valid time");
        let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
        Scenario::boot(
            setup,
            ManualClock::new(now),
            dir,
            Arc::new(AtomicU32::new(0)),
        )
        .await
    }

    async fn boot(
        setup: Setup,
        clock: ManualClock,
        dir: Arc<tempfile::TempDir>,
        deliveries: Arc<AtomicU32>,
    ) -> Scenario {
        let app = spawn_app_in(&scenario_config(&setup), clock, setup.service, dir).await;
        let url = match &setup.org {
            OrgChoice::InProcess => app.org_url.clone().expect("the simulated org runs"),
            OrgChoice::Remote(url) => url.clone(),
        };
        Scenario {
            app,
            org: SimOrg::at(&url),
            setup,
            deliveries,
        }
    }

    /// Stops this service (running commands get the configured grace, then are cut off) and
    /// starts a new one on the same store, org and clock, as a restarted process would.
    pub async fn restart(self) -> Scenario {
        let Scenario {
            app,
            setup,
            deliveries,
            ..
        } = self;
        assert!(
            matches!(setup.org, OrgChoice::Remote(_)),
            "a restart needs an org that outlives the service"
        );
        let clock = app.clock.clone();
        let dir = app.store_dir();
        app.stop().await;
        Scenario::boot(setup, clock, dir, deliveries).await
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.app.clock_now()
    }

    /// Moves the service's clock (never the org's).
    pub fn advance(&self, step: TimeDelta) {
        self.app.clock.advance(step);
    }

    /// Sends `body` to `source`, signed as that source signs, under a fresh webhook id.
    pub async fn send(&self, source: &str, body: &Value) -> Delivered {
        let n = self.deliveries.fetch_add(1, Ordering::SeqCst) + 1;
        self.send_as(source, &format!("msg_{n:04}"), body).await
    }

    /// Sends `body` to `source` under the given webhook id (a redelivery reuses one).
    pub async fn send_as(&self, source: &str, id: &str, body: &Value) -> Delivered {
        let secret = match source {
            "partner-portal" => PORTAL_SECRET,
            "customers" => CUSTOMER_SECRET,
            "contracts" => CONTRACT_SECRET,
            other => panic!("no secret for source {other}"),
        };
        let response = self
            .app
            .signed_delivery(source, secret, id, &body.to_string())
            .send()
            .await
            .expect("webhook answers");
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        assert!(status == 200 || status == 202, "{source}: {status} {body}");
        Delivered { status, body }
    }

    /// Waits until the engine has nothing to do now; returns every command.
    pub async fn settle(&self) -> Vec<CommandRecord> {
        settle::settled(&self.app.store, self.now()).await
    }

    /// Sends, waits for the engine, and returns the org's API calls spent meanwhile.
    pub async fn send_and_settle(&self, source: &str, body: &Value) -> u64 {
        let before = self.org.api_calls().await;
        self.send(source, body).await;
        self.settle().await;
        self.org.api_calls().await - before
    }

    /// The subject's commands, in creation order.
    pub async fn commands(&self, subject: &str) -> Vec<CommandRecord> {
        commands_of(&self.app.store, subject).await
    }

    /// The outcome of the subject's last command, which must have ended.
    pub async fn last_outcome(&self, subject: &str) -> Outcome {
        let commands = self.commands(subject).await;
        let last = commands.last().expect("the subject has commands");
        last.outcome
            .clone()
            .unwrap_or_else(|| panic!("the last command has not ended: {last:#?}"))
    }

    /// The subject's lifecycle record.
    pub async fn subject(&self, subject: &str) -> SubjectRecord {
        let key = gatehouse::domain::SubjectKey::parse(subject).expect("key");
        self.app
            .store
            .get_subject(&key)
            .await
            .expect("read subject")
            .expect("the subject has a record")
            .record
    }

    /// The org's Contacts carrying this key.
    pub async fn keyed_contacts(&self, key: &str) -> Vec<Value> {
        self.org
            .records_where("Contact", "Gatehouse_Key__c", key)
            .await
    }

    /// The Users linked to this Contact.
    pub async fn users_of(&self, contact_id: &str) -> Vec<Value> {
        self.org
            .records("User")
            .await
            .into_iter()
            .filter(|u| {
                u["ContactId"]
                    .as_str()
                    .is_some_and(|c| crate::support::sim_org::same_id(c, contact_id))
            })
            .collect()
    }

    /// The UserLogin of a user.
    pub async fn login_of(&self, user_id: &str) -> Value {
        self.org
            .records("UserLogin")
            .await
            .into_iter()
            .find(|l| {
                l["UserId"]
                    .as_str()
                    .is_some_and(|u| crate::support::sim_org::same_id(u, user_id))
            })
            .expect("every user has a login")
    }

    /// Checks the one-Contact-one-User invariant for a subject and returns (Contact, User).
    pub async fn one_contact_one_user(&self, subject: &str) -> (Value, Value) {
        let contacts = self.keyed_contacts(subject).await;
        assert_eq!(
            contacts.len(),
            1,
            "one Contact for {subject}: {contacts:#?}"
        );
        let contact = contacts[0].clone();
        let users = self.users_of(contact["Id"].as_str().expect("id")).await;
        assert_eq!(users.len(), 1, "one User for {subject}: {users:#?}");
        (contact, users[0].clone())
    }
}

/// Asserts an outcome's kind, with the outcome shown when it differs.
pub fn assert_kind(outcome: &Outcome, kind: OutcomeKind) {
    assert_eq!(outcome.kind, kind, "outcome: {outcome:#?}");
}
