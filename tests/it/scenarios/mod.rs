//! End-to-end scenarios: signed webhooks into the running service, which maps them, runs the
//! commands against the simulated org, and records outcomes. Each test asserts the org's final
//! state (Contacts, Users, UserLogins, licence counts), the API calls spent (the org's own count
//! and the outcome's), and the outcome kind.

mod contacts;
mod crash;
mod email_change;
mod faults;
mod licences;
mod offboarding;
mod ordering;
mod refusals;
mod roles;
mod signup;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use gatehouse::clock::ManualClock;
use gatehouse::domain::{Outcome, OutcomeKind};
use gatehouse::store::{CommandRecord, SubjectRecord};
use serde_json::{Value, json};

use crate::support::settle::{self, commands_of};
use crate::support::sim_org::SimOrg;
use crate::support::{PORTAL_SECRET, TestApp, spawn_app_in};

/// The customer CRM's Standard Webhooks secret.
pub const CUSTOMER_SECRET: &str = "whsec_7sfXlE4lU7UJz/2TPJizP0xlkJodFR6e";
/// The contract system's Standard Webhooks secret.
pub const CONTRACT_SECRET: &str = "whsec_SEODalL8p6FQVJ9gy6NT5neQuQl5u1lt";

/// How the org is reached.
#[derive(Debug, Clone)]
pub enum OrgChoice {
    /// The simulated org the service starts in-process.
    InProcess,
    /// An org already running at this URL, reached as a remote org with the default connected
    /// app's client credentials: it outlives the service, so a test can restart the service.
    Remote(String),
}

/// What a scenario's config varies.
#[derive(Debug, Clone)]
pub struct Setup {
    pub org: OrgChoice,
    /// `welcome_email` of the partner signup rule.
    pub welcome: &'static str,
    /// Extra lines for the `[service]` table.
    pub service: &'static str,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            org: OrgChoice::InProcess,
            welcome: "site-setting",
            service: "",
        }
    }
}

/// The config: a partner portal (signup, removal, suspension, offboarding with a grace period,
/// ban), a customer CRM (signup,
/// closure) and a contract system (contract ends), with retries fast enough for tests.
pub fn scenario_config(setup: &Setup) -> String {
    let org = match &setup.org {
        OrgChoice::InProcess => "[salesforce]\norg = \"simulated\"\n".to_owned(),
        OrgChoice::Remote(url) => format!(
            "[salesforce]\norg = \"remote\"\nlogin_url = \"{url}\"\n[salesforce.auth]\nflow = \"client-credentials\"\nclient_id = \"gatehouse-dev\"\nclient_secret = \"gatehouse-dev-secret\"\n"
        ),
    };
    let welcome = setup.welcome;
    format!(
        r#"
{org}
# When the daily allowance is spent, ask the org again after a second, not a minute.
[salesforce.api]
limits_poll_seconds = 1
limits_poll_max_seconds = 2

[engine]
retry_base_seconds = 1
retry_max_seconds = 8
max_attempts = 8
concurrency = 4

[mapping]
time_zone = "UTC"

[mapping.defaults]
locale = "en_US"
time_zone = "GMT"
email_encoding = "UTF-8"
language = "en_US"

[sources.partner-portal]
event_time = {{ json_pointer = "/occurred_at" }}
[sources.partner-portal.verification]
scheme = "standard-webhooks"
secrets = [{{ secret = "{PORTAL_SECRET}" }}]

[[sources.partner-portal.rules]]
name = "partner signup"
when = "type == 'partner.user.signed_up' or type == 'partner.user.renewed'"
subject = "partner-portal:{{{{ data.user.id }}}}"
occurred_at = "{{{{ occurred_at }}}}"

[sources.partner-portal.rules.provision]
account = {{ key = "{{{{ data.partner_id }}}}" }}
contact = {{ first_name = "{{{{ data.user.first_name }}}}", last_name = "{{{{ data.user.last_name }}}}", email = "{{{{ data.user.email }}}}" }}
username = "{{{{ contact.email }}}}.acme"
profile = "{{{{ data.profile | default('Partner Community User') }}}}"
role = "{{{{ data.role | default('') }}}}"
welcome_email = "{welcome}"
end_date = "{{{{ data.contract_end | default('') }}}}"
purpose = "partner portal user of partner {{{{ data.partner_id }}}}"

[[sources.partner-portal.rules]]
name = "partner user removed"
when = "type == 'partner.user.removed'"
subject = "partner-portal:{{{{ data.user.id }}}}"
occurred_at = "{{{{ occurred_at }}}}"
deprovision = {{ mode = "deactivate", trigger = "removed by partner {{{{ data.partner_id }}}}" }}

[[sources.partner-portal.rules]]
name = "partner user suspended"
when = "type == 'partner.user.suspended'"
subject = "partner-portal:{{{{ data.user.id }}}}"
occurred_at = "{{{{ occurred_at }}}}"
deprovision = {{ mode = "freeze", trigger = "suspended by partner {{{{ data.partner_id }}}}" }}

[[sources.partner-portal.rules]]
name = "partner user offboarded"
when = "type == 'partner.user.offboarded'"
subject = "partner-portal:{{{{ data.user.id }}}}"
occurred_at = "{{{{ occurred_at }}}}"
deprovision = {{ mode = "freeze-then-deactivate", grace = "7d", trigger = "offboarded by partner {{{{ data.partner_id }}}}" }}

[[sources.partner-portal.rules]]
name = "partner user banned"
when = "type == 'partner.user.banned'"
subject = "partner-portal:{{{{ data.user.id }}}}"
occurred_at = "{{{{ occurred_at }}}}"
deprovision = {{ mode = "disable", trigger = "banned by partner {{{{ data.partner_id }}}}" }}

[sources.customers]
event_time = {{ json_pointer = "/occurred_at" }}
[sources.customers.verification]
scheme = "standard-webhooks"
secrets = [{{ secret = "{CUSTOMER_SECRET}" }}]

[[sources.customers.rules]]
name = "customer signup"
when = "type == 'customer.signed_up'"
subject = "K-{{{{ data.customer.number }}}}"
occurred_at = "{{{{ occurred_at }}}}"

[sources.customers.rules.provision]
account = {{ key = "{{{{ data.account }}}}" }}
contact = {{ first_name = "{{{{ data.customer.first_name }}}}", last_name = "{{{{ data.customer.last_name }}}}", email = "{{{{ data.customer.email }}}}" }}
username = "{{{{ contact.email }}}}.cust"
profile = "{{{{ data.profile | default('Customer Community User') }}}}"
role = "{{{{ data.role | default('') }}}}"
welcome_email = "none"

[[sources.customers.rules]]
name = "customer closed"
when = "type == 'customer.closed'"
subject = "K-{{{{ data.customer.number }}}}"
occurred_at = "{{{{ occurred_at }}}}"
deprovision = {{ mode = "deactivate", trigger = "customer account closed" }}

[sources.contracts]
event_time = {{ json_pointer = "/occurred_at" }}
[sources.contracts.verification]
scheme = "standard-webhooks"
secrets = [{{ secret = "{CONTRACT_SECRET}" }}]

[[sources.contracts.rules]]
name = "contract ended"
when = "type == 'contract.ended'"
for_each = "people"
item_id = "{{{{ contract_id }}}}:{{{{ item }}}}"
subject = "partner-portal:{{{{ item }}}}"
occurred_at = "{{{{ occurred_at }}}}"
deprovision = {{ mode = "deactivate", trigger = "contract {{{{ contract_id }}}} ended", effective = "{{{{ ended_at }}}}" }}
"#
    )
}

/// A partner user as the portal describes them.
#[derive(Debug, Clone)]
pub struct Partner {
    pub id: String,
    pub partner: String,
    pub first: String,
    pub last: String,
    pub email: String,
}

impl Partner {
    pub fn new(id: &str, partner: &str, first: &str, last: &str, email: &str) -> Partner {
        Partner {
            id: id.to_owned(),
            partner: partner.to_owned(),
            first: first.to_owned(),
            last: last.to_owned(),
            email: email.to_owned(),
        }
    }

    pub fn subject(&self) -> String {
        format!("partner-portal:{}", self.id)
    }

    fn user(&self) -> Value {
        json!({"id": self.id, "first_name": self.first, "last_name": self.last, "email": self.email})
    }

    /// `partner.user.signed_up` at `at`, with `extra` merged into `data`.
    pub fn signed_up(&self, at: DateTime<Utc>, extra: Value) -> Value {
        self.event("partner.user.signed_up", at, extra)
    }

    /// An event of `kind` about this person at `at`.
    pub fn event(&self, kind: &str, at: DateTime<Utc>, extra: Value) -> Value {
        let mut data = json!({"partner_id": self.partner, "user": self.user()});
        if let (Some(data), Value::Object(extra)) = (data.as_object_mut(), extra) {
            data.extend(extra);
        }
        json!({"type": kind, "occurred_at": rfc3339(at), "data": data})
    }
}

/// Ada, a partner user of Northwind (`P-100`).
pub fn ada() -> Partner {
    Partner::new(
        "u-1",
        "P-100",
        "Ada",
        "Lovelace",
        "ada.lovelace@partner.example",
    )
}

/// A customer as the CRM describes them.
#[derive(Debug, Clone)]
pub struct Customer {
    pub number: u32,
    pub account: &'static str,
    pub first: String,
    pub last: String,
    pub email: String,
}

impl Customer {
    /// Customer `n` of Contoso (`C-200`).
    pub fn numbered(n: u32) -> Customer {
        Customer {
            number: n,
            account: "C-200",
            first: "Cust".to_owned(),
            last: format!("Omer{n}"),
            email: format!("customer{n}@contoso.example"),
        }
    }

    pub fn subject(&self) -> String {
        format!("K-{}", self.number)
    }

    /// An event of `kind` about this customer at `at`, with `extra` merged into `data`.
    pub fn event(&self, kind: &str, at: DateTime<Utc>, extra: Value) -> Value {
        let mut data = json!({
            "account": self.account,
            "customer": {"number": self.number, "first_name": self.first, "last_name": self.last, "email": self.email},
        });
        if let (Some(data), Value::Object(extra)) = (data.as_object_mut(), extra) {
            data.extend(extra);
        }
        json!({"type": kind, "occurred_at": rfc3339(at), "data": data})
    }
}

pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

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
