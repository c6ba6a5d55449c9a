//! `converge` against the simulated org, on the store the test runs on: what each person's
//! part ends as, what the org holds afterwards, and the calls it took (the org's own count).

mod burst;
mod changes;
mod crash;

use std::sync::Arc;

use chrono::Utc;
use serde_json::Value;

use crate::clock::{Clock, SystemClock};
use crate::config::SalesforceConfig;
use crate::config::salesforce::DEFAULT_KEY_FIELD;
use crate::domain::{
    AccountRef, CommandId, ContactFields, Intent, PortalRoleLevel, Provision, UserFields,
    WelcomeEmail,
};
use crate::engine::batch::{BatchContext, BatchLimits, Member, Settled};
use crate::engine::executor::{Done, Provisioning};
use crate::engine::lease::ClaimHold;
use crate::engine::plan::ProvisionPolicy;
use crate::engine::read::KeyFields;
use crate::salesforce::{Connection, OrgFactsCache, connect};
use crate::store::tests::backing::Scratch;
use crate::store::tests::samples::{WORKER, key, lease, origin};
use crate::store::{NewCommand, Store};

const SITE: &str = "Gatehouse Partners";

/// The simulated org, a store, and what a batch works with.
pub(super) struct Bench {
    pub org: Connection,
    _scratch: Scratch,
    pub store: Store,
    pub provisioning: Provisioning,
    pub keys: KeyFields,
    pub clock: Arc<dyn Clock>,
    pub limits: BatchLimits,
    http: reqwest::Client,
}

/// One person as a rule would ask for them.
pub(super) struct Person<'a> {
    pub key: &'a str,
    pub account: &'a str,
    pub profile: &'a str,
    pub email: &'a str,
    pub last_name: &'a str,
    pub username: &'a str,
    pub time_zone: &'a str,
    pub sets: &'a [&'a str],
    pub welcome: WelcomeEmail,
    pub role: Option<PortalRoleLevel>,
}

impl Default for Person<'_> {
    fn default() -> Self {
        Person {
            key: "",
            account: "P-100",
            profile: "Partner Community User",
            email: "",
            last_name: "Person",
            username: "",
            time_zone: "Europe/London",
            sets: &[],
            welcome: WelcomeEmail::PasswordReset,
            role: None,
        }
    }
}

impl Person<'_> {
    pub fn command(&self) -> NewCommand {
        let nickname: String = self
            .key
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        NewCommand {
            id: CommandId::generate(),
            subject: key(self.key),
            intent: Intent::Provision(Box::new(Provision {
                account: AccountRef::Key(self.account.into()),
                contact: ContactFields {
                    first_name: Some("Test".into()),
                    last_name: self.last_name.into(),
                    email: self.email.into(),
                    extra: Default::default(),
                },
                user: UserFields {
                    username: self.username.into(),
                    alias: nickname.chars().take(8).collect(),
                    nickname,
                    locale: "en_GB".into(),
                    time_zone: self.time_zone.into(),
                    email_encoding: "UTF-8".into(),
                    language: "en_US".into(),
                    federation_id: None,
                },
                profile: self.profile.into(),
                role: self.role,
                permission_sets: self.sets.iter().map(|s| (*s).to_owned()).collect(),
                welcome_email: self.welcome,
                purpose: None,
                sponsor: None,
                end_at: None,
            })),
            origin: origin(Utc::now() - chrono::TimeDelta::minutes(5)),
            item_key: None,
            due_at: None,
        }
    }
}

impl Bench {
    pub async fn start() -> Bench {
        Bench::start_with(None).await
    }

    /// On the org a fixture describes (the default org's when `None`).
    pub async fn start_with(fixture: Option<String>) -> Bench {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let config = SalesforceConfig::Simulated {
            fixture: None,
            contact_key_field: DEFAULT_KEY_FIELD.into(),
            account_key_field: DEFAULT_KEY_FIELD.into(),
            site: Some(SITE.into()),
            api: Default::default(),
            preflight: Default::default(),
        };
        let org = connect(&config, clock.clone())
            .await
            .expect("the simulated org starts");
        let http = reqwest::Client::new();
        if let Some(toml) = fixture {
            let base = &org.simulated().expect("simulated").base_url;
            let answer = http
                .post(format!("{base}/__sim/fixture"))
                .body(toml)
                .send()
                .await
                .expect("the fixture endpoint answers");
            assert!(answer.status().is_success(), "fixture: {}", answer.status());
        }
        let scratch = Scratch::new().await;
        let store = scratch.open().await;
        let mut provisioning = Provisioning::new(ProvisionPolicy {
            adopt_by_email: false,
            contact_key_field: DEFAULT_KEY_FIELD.into(),
        });
        provisioning.facts = Arc::new(OrgFactsCache::new(Some(SITE)));
        // The org's shape is read once per process, before any batch: not the batch's calls.
        provisioning.facts.get(org.client()).await.expect("facts");
        Bench {
            org,
            _scratch: scratch,
            store,
            provisioning,
            keys: KeyFields {
                contact: DEFAULT_KEY_FIELD.into(),
                account: DEFAULT_KEY_FIELD.into(),
            },
            clock,
            limits: BatchLimits::default(),
            http,
        }
    }

    /// Enqueues the commands and claims them all, as the worker would.
    pub async fn claim(&self, commands: Vec<NewCommand>) -> Vec<Member> {
        let n = commands.len() as u32;
        self.store.enqueue(None, commands).await.expect("enqueue");
        self.claim_due(n).await
    }

    pub async fn claim_due(&self, n: u32) -> Vec<Member> {
        let claimed = self
            .store
            .claim_due(self.clock.now(), n, WORKER, lease())
            .await
            .expect("claim");
        claimed
            .into_iter()
            .map(|claimed| Member {
                hold: ClaimHold::new(claimed.command.id.clone(), claimed.fence),
                claimed,
            })
            .collect()
    }

    /// The one-at-a-time executor on the same org and store.
    pub fn executor(&self) -> crate::engine::executor::Executor {
        crate::engine::executor::Executor::new(
            self.org.client().clone(),
            self.store.clone(),
            self.clock.clone(),
            self.keys.clone(),
            self.provisioning.policy.clone(),
            crate::engine::retry::RetryPolicy::default(),
        )
        .with_org_facts(self.provisioning.facts.clone())
    }

    pub async fn converge(&self, members: &[Member]) -> Vec<Settled> {
        let cx = BatchContext {
            client: self.org.client(),
            store: &self.store,
            clock: &self.clock,
            keys: &self.keys,
            provisioning: &self.provisioning,
            limits: &self.limits,
        };
        let refs: Vec<&Member> = members.iter().collect();
        super::converge(&cx, &refs).await
    }

    fn sim(&self, path: &str) -> String {
        let base = &self.org.simulated().expect("simulated").base_url;
        format!("{base}/__sim{path}")
    }

    async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, self.sim(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer = request.send().await.expect("control answers");
        assert!(answer.status().is_success(), "{path}: {}", answer.status());
        answer.json().await.expect("json")
    }

    /// Every record of one object type.
    pub async fn records(&self, object: &str) -> Vec<Value> {
        let state = self.control(reqwest::Method::GET, "/state", None).await;
        state
            .pointer(&format!("/org/records/{object}"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    }

    /// Records of `object` whose `field` is `value`.
    pub async fn records_where(&self, object: &str, field: &str, value: &str) -> Vec<Value> {
        let all = self.records(object).await;
        all.into_iter().filter(|r| r[field] == value).collect()
    }

    /// Data calls the org answered so far (token requests left out).
    pub async fn api_calls(&self) -> u64 {
        let calls = self.control(reqwest::Method::GET, "/calls", None).await;
        let tokens = calls["by_endpoint"]["POST /services/oauth2/token"]
            .as_u64()
            .unwrap_or(0);
        calls["total"].as_u64().expect("total") - tokens
    }

    /// Emails of a kind the org sent to a user.
    pub async fn emails_to(&self, kind: &str, user_id: &str) -> usize {
        let emails = self.control(reqwest::Method::GET, "/emails", None).await;
        let all = emails.as_array().cloned().unwrap_or_default();
        all.iter()
            .filter(|e| e["kind"] == kind)
            .filter(|e| {
                e["user_id"]
                    .as_str()
                    .is_some_and(|u| crate::engine::plan::same_id(u, user_id))
            })
            .count()
    }

    /// Arms scripted faults.
    pub async fn script(&self, scripts: Value) {
        self.control(reqwest::Method::POST, "/faults/script", Some(scripts))
            .await;
    }
}

/// The default org with `n` Partner Community licences.
pub(super) fn partner_licences(n: u32) -> String {
    let fixture = include_str!("../../../../../sfsim/fixtures/default.toml");
    let pool = "user_type = \"PowerPartner\"\ntotal = 50";
    assert!(fixture.contains(pool), "the default org's partner pool");
    // The certificate's path is relative to the fixture's file, which a posted fixture has
    // not: Gatehouse authenticates with the client secret here.
    fixture
        .replace(pool, &format!("user_type = \"PowerPartner\"\ntotal = {n}"))
        .replace("certificate_pem = \"keys/gatehouse-dev.crt\"\n", "")
}

/// A settled part, told in a line: what a test compares.
pub(super) fn told(settled: &Settled) -> String {
    match settled {
        Settled::Done(Done::Changed(applied)) => format!("changed {}", applied.steps.join(" ")),
        Settled::Done(Done::Unchanged { why, .. }) => format!("unchanged: {why}"),
        Settled::Failed(error) => format!("failed {}", error.code()),
        Settled::Alone => "alone".to_owned(),
    }
}

/// The applied part of a settled member that changed the org.
pub(super) fn applied(settled: &Settled) -> &crate::engine::apply::Applied {
    match settled {
        Settled::Done(Done::Changed(applied)) => applied,
        other => panic!("not changed: {}", told(other)),
    }
}
