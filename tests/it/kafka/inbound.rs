//! What the consumer tests share: Gatehouse with the scenarios' partner-portal rules consuming a
//! topic of its own, partner signups as a plain Kafka producer writes them, and waits on the
//! inbox, the org and `/metrics` (conditions, never fixed sleeps).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use gatehouse::store::{InboxEvent, InboxFilter, Store};
use rdkafka::producer::FutureProducer;
use serde_json::{Value, json};

use super::broker;
use crate::scenarios::{Partner, Setup, scenario_app};
use crate::support::sim_org::{SimOrg, same_id};
use crate::support::{Org, TestApp};
use crate::telemetry::harness::Metrics;

/// How long a wait may take before the test fails with what it saw: a bound on a hang, not a
/// measure of speed (the machine is shared).
const PATIENCE: Duration = Duration::from_secs(120);
const POLL: Duration = Duration::from_millis(50);

/// The topics and group of one test.
#[derive(Debug, Clone)]
pub struct Topics {
    pub brokers: String,
    pub input: String,
    pub dead_letters: String,
    pub group: String,
}

impl Topics {
    /// Creates an input topic with `partitions` partitions and a dead-letter topic, each new.
    pub async fn create(brokers: &str, partitions: i32) -> Topics {
        let topics = Topics {
            brokers: brokers.to_owned(),
            input: broker::unique_topic("portal-signups"),
            dead_letters: broker::unique_topic("portal-dead-letters"),
            group: broker::unique_topic("gatehouse-group"),
        };
        broker::create_topic(brokers, &topics.input, partitions).await;
        broker::create_topic(brokers, &topics.dead_letters, 1).await;
        topics
    }

    /// The `[kafka]` table binding the input topic to `source`, with further lines for it.
    pub fn kafka_toml(&self, source: &str, extra: &str) -> String {
        self.kafka_toml_with(source, extra, "")
    }

    /// Like [`Topics::kafka_toml`], with further librdkafka properties (`"key" = "value"` lines).
    pub fn kafka_toml_with(&self, source: &str, extra: &str, properties: &str) -> String {
        format!(
            r#"
[kafka]
brokers = "{brokers}"
group_id = "{group}"
dead_letter_topic = "{dead}"
{extra}

[kafka.properties]
"statistics.interval.ms" = "200"
{properties}

[kafka.topics."{input}"]
source = "{source}"
"#,
            brokers = self.brokers,
            group = self.group,
            dead = self.dead_letters,
            input = self.input,
        )
    }
}

/// Gatehouse consuming the partner-portal topic, and its org.
pub struct Inbound {
    pub app: TestApp,
    pub org: SimOrg,
}

impl Inbound {
    /// The scenarios' config (partner-portal signup rules) on `org`, consuming `topics` with
    /// `kafka_extra` lines in `[kafka]`, on a fresh store.
    pub async fn start(topics: &Topics, org: Org, kafka_extra: &str) -> Inbound {
        let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
        Inbound::start_in(topics, org, kafka_extra, dir).await
    }

    /// Like [`Inbound::start`], on the store in `dir`.
    pub async fn start_in(
        topics: &Topics,
        org: Org,
        kafka_extra: &str,
        dir: Arc<tempfile::TempDir>,
    ) -> Inbound {
        let setup = Setup {
            org: org.clone(),
            ..Setup::default()
        };
        let app = scenario_app(&setup)
            .kafka(&topics.kafka_toml("partner-portal", kafka_extra))
            .store_in(dir)
            .spawn()
            .await;
        let url = match &org {
            Org::Simulated => app.simulated_org().to_owned(),
            Org::Remote(url) => url.clone(),
        };
        Inbound {
            app,
            org: SimOrg::at(&url),
        }
    }

    /// Waits until the inbox holds `count` events; returns them.
    pub async fn inbox(&self, count: usize) -> Vec<InboxEvent> {
        inbox_of(&self.app.store, count).await
    }

    /// Waits until every partner is provisioned: an active User on a Contact carrying their key.
    pub async fn provisioned(&self, partners: &[Partner]) {
        provisioned(&self.org, partners).await
    }

    /// Waits until `/metrics` satisfies `done`; returns the scrape.
    pub async fn metrics_until(&self, what: &str, done: impl Fn(&Metrics) -> bool) -> Metrics {
        metrics_until(&self.app.base, what, done).await
    }
}

/// `count` partner users of Northwind (`P-100`), named apart by `tag`.
pub fn partners(tag: &str, count: usize) -> Vec<Partner> {
    (1..=count)
        .map(|n| {
            Partner::new(
                &format!("{tag}-{n}"),
                "P-100",
                "Kafka",
                &format!("Reader{n}"),
                &format!("{tag}.{n}@partner.example"),
            )
        })
        .collect()
}

/// The portal's signup event of `partner`, as the bytes a producer writes.
pub fn signup(partner: &Partner, at: DateTime<Utc>) -> Vec<u8> {
    partner.signed_up(at, json!({})).to_string().into_bytes()
}

/// Produces each partner's signup, keyed by their id so each person's events keep their order.
pub async fn produce_signups(producer: &FutureProducer, topic: &str, partners: &[Partner]) {
    let at = Utc::now();
    for partner in partners {
        broker::send(producer, topic, &partner.id, &signup(partner, at), &[]).await;
    }
}

/// Every inbox event of the store, oldest first, page by page.
pub async fn all_events(store: &Store) -> Vec<InboxEvent> {
    let mut events: Vec<InboxEvent> = Vec::new();
    loop {
        let page = store
            .list(&InboxFilter {
                limit: InboxFilter::MAX_LIMIT,
                after: events.last().map(|e| e.event_id.clone()),
                ..InboxFilter::default()
            })
            .await
            .expect("list");
        let last_page = page.len() < InboxFilter::MAX_LIMIT as usize;
        events.extend(page);
        if last_page {
            return events;
        }
    }
}

/// Waits until the store holds `count` inbox events (failing if it holds more); returns them.
pub async fn inbox_of(store: &Store, count: usize) -> Vec<InboxEvent> {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let events = all_events(store).await;
        assert!(
            events.len() <= count,
            "{} events, more than the {count} records",
            events.len()
        );
        if events.len() == count {
            return events;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the inbox holds {} event(s), not {count}",
            events.len()
        );
        tokio::time::sleep(POLL).await;
    }
}

/// Waits until every partner has an active User on a Contact with their key; then checks that
/// each has exactly one Contact and one User.
pub async fn provisioned(org: &SimOrg, partners: &[Partner]) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let state = Accounts::read(org).await;
        let missing: Vec<&str> = partners
            .iter()
            .filter(|p| !state.has_active_user(&p.subject()))
            .map(|p| p.id.as_str())
            .collect();
        if missing.is_empty() {
            for partner in partners {
                state.assert_once(&partner.subject());
            }
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never provisioned: {missing:?}"
        );
        tokio::time::sleep(POLL).await;
    }
}

/// Welcome emails the org sent, to anyone.
pub async fn welcome_emails(org: &SimOrg) -> usize {
    org.emails()
        .await
        .iter()
        .filter(|e| e["kind"] == "welcome")
        .count()
}

/// The org's Contacts and Users, read once.
pub struct Accounts {
    pub contacts: Vec<Value>,
    pub users: Vec<Value>,
}

impl Accounts {
    pub async fn read(org: &SimOrg) -> Accounts {
        let state = org.state().await;
        let records = |object: &str| {
            state
                .pointer(&format!("/org/records/{object}"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        Accounts {
            contacts: records("Contact"),
            users: records("User"),
        }
    }

    /// The Contacts carrying `subject` as their key.
    pub fn contacts_of(&self, subject: &str) -> Vec<&Value> {
        self.contacts
            .iter()
            .filter(|c| c["Gatehouse_Key__c"].as_str() == Some(subject))
            .collect()
    }

    /// The Users on a Contact carrying `subject`.
    pub fn users_of(&self, subject: &str) -> Vec<&Value> {
        let contacts = self.contacts_of(subject);
        self.users
            .iter()
            .filter(|u| {
                u["ContactId"].as_str().is_some_and(|id| {
                    contacts
                        .iter()
                        .any(|c| c["Id"].as_str().is_some_and(|c| same_id(c, id)))
                })
            })
            .collect()
    }

    fn has_active_user(&self, subject: &str) -> bool {
        self.users_of(subject).iter().any(|u| u["IsActive"] == true)
    }

    /// One Contact and one active User for `subject`, never two.
    pub fn assert_once(&self, subject: &str) {
        assert_eq!(
            self.contacts_of(subject).len(),
            1,
            "one Contact for {subject}"
        );
        let users = self.users_of(subject);
        assert_eq!(users.len(), 1, "one User for {subject}");
        assert_eq!(users[0]["IsActive"], true, "{subject}'s User is active");
    }
}

/// Reads `/metrics` at `base` until `done` holds for it.
pub async fn metrics_until(base: &str, what: &str, done: impl Fn(&Metrics) -> bool) -> Metrics {
    let client = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let text = match client.get(format!("{base}/metrics")).send().await {
            Ok(answer) => answer.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        let metrics = Metrics::parse(&text);
        if done(&metrics) {
            return metrics;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never saw {what} in /metrics:\n{text}"
        );
        tokio::time::sleep(POLL).await;
    }
}
