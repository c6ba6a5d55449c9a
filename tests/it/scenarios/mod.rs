//! End-to-end scenarios: signed webhooks into the running service, which maps them, runs the
//! commands against the simulated org, and records outcomes. Each test asserts the org's final
//! state (Contacts, Users, UserLogins, licence counts), the API calls spent (the org's own count
//! and the outcome's), and the outcome kind.

pub mod bursts;
mod call_cap;
mod config;
mod contacts;
mod crash;
mod email_change;
mod faults;
mod guard;
mod leases;
mod licences;
mod lone_user;
mod offboarding;
mod ordering;
mod people;
mod permission_sets;
mod provision_bursts;
mod reclaim;
mod reconcile;
mod reconcile_ops;
mod refusals;
mod roles;
mod roster_files;
mod rosters;
mod shapes;
mod signup;
mod store_failure;
mod user_login;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, TimeDelta, Utc};
use gatehouse::domain::{LicenceEffect, Outcome, OutcomeKind};
use gatehouse::store::{CommandRecord, HistoryEntry, SubjectLifecycle, SubjectRecord};
use serde_json::{Value, json};

pub use config::{CONTRACT_SECRET, CUSTOMER_SECRET, Setup, scenario_app};
pub use people::{Customer, Partner, ada, rfc3339};

use crate::support::settle::{self, commands_of};
use crate::support::sim_org::SimOrg;
use crate::support::{Org, PORTAL_SECRET, TestApp};

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
        let app = scenario_app(&setup).spawn().await;
        Scenario::on(app, setup, Arc::new(AtomicU32::new(0)))
    }

    /// The scenario around a started service: its org, as the setup reaches it.
    pub fn on(app: TestApp, setup: Setup, deliveries: Arc<AtomicU32>) -> Scenario {
        let url = match &setup.org {
            Org::Simulated => app.simulated_org().to_owned(),
            Org::Remote(url) => url.clone(),
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
            matches!(setup.org, Org::Remote(_)),
            "a restart needs an org that outlives the service"
        );
        let restarted = scenario_app(&setup)
            .clock(app.clock.clone())
            .store_in(app.store_dir());
        app.stop().await;
        Scenario::on(restarted.spawn().await, setup, deliveries)
    }

    /// The service with the default setup and Ada signed up, her User provisioned.
    pub async fn with_ada() -> (Scenario, Partner) {
        let s = Scenario::start().await;
        let ada = ada();
        s.sign_up(&ada).await;
        (s, ada)
    }

    /// `person` signs up on the portal now; returns the API calls spent.
    pub async fn sign_up(&self, person: &Partner) -> u64 {
        self.send_and_settle("partner-portal", &person.signed_up(self.now(), json!({})))
            .await
    }

    /// An hour later, the portal sends the event `kind` about `person`; returns the API calls
    /// spent.
    pub async fn an_hour_later(&self, person: &Partner, kind: &str) -> u64 {
        self.advance(TimeDelta::hours(1));
        self.send_and_settle("partner-portal", &person.event(kind, self.now(), json!({})))
            .await
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
        self.lifecycle(subject).await.record
    }

    /// What the subject's lifecycle record has been through.
    pub async fn history(&self, subject: &str) -> Vec<HistoryEntry> {
        self.lifecycle(subject).await.history
    }

    async fn lifecycle(&self, subject: &str) -> SubjectLifecycle {
        let key = gatehouse::domain::SubjectKey::parse(subject).expect("key");
        self.app
            .store
            .get_subject(&key)
            .await
            .expect("read subject")
            .expect("the subject has a record")
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

/// A licence handed back to the pool.
pub fn freed(licence: &str) -> LicenceEffect {
    LicenceEffect::Freed {
        licence: licence.into(),
    }
}

/// A licence still held (a frozen user keeps theirs).
pub fn kept(licence: &str) -> LicenceEffect {
    LicenceEffect::Kept {
        licence: licence.into(),
    }
}

/// Asserts an outcome's kind, with the outcome shown when it differs.
pub fn assert_kind(outcome: &Outcome, kind: OutcomeKind) {
    assert_eq!(outcome.kind, kind, "outcome: {outcome:#?}");
}
