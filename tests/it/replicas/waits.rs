//! Waiting on the replicas through the store and the outcome topic: conditions polled with a
//! generous deadline that bounds a hang (the machine is shared) and times nothing; a wait that
//! runs out says what was still missing.

use std::collections::BTreeSet;
use std::time::Duration;

use gatehouse::domain::CommandId;
use gatehouse::store::{CommandRecord, CommandState, InboxEvent, InboxStatus, Store};
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::OwnedMessage;
use tokio::time::Instant;

use super::burst::Portal;
use crate::kafka::broker;
use crate::kafka::inbound::all_events;
use crate::scenarios::Partner;
use crate::support::settle::{all_commands, summary};

/// The bound on every wait.
const PATIENCE: Duration = Duration::from_secs(180);
const POLL: Duration = Duration::from_millis(50);

/// The commands replica `worker` is running now, by the store.
pub async fn held_by(store: &Store, worker: &str) -> Vec<CommandId> {
    all_commands(store)
        .await
        .into_iter()
        .filter(|c| c.state == CommandState::Running && c.claimed_by.as_deref() == Some(worker))
        .map(|c| c.command.id)
        .collect()
}

/// Waits until the portal has had `answered` deliveries answered and replica `worker` is
/// running at least two commands: the moment to kill it.
pub async fn until_busy(store: &Store, portal: &Portal, answered: usize, worker: &str) {
    const RUNNING: usize = 2;
    let deadline = Instant::now() + PATIENCE;
    loop {
        let done = portal.answered.load(std::sync::atomic::Ordering::SeqCst);
        let held = held_by(store, worker).await.len();
        if done >= answered && held >= RUNNING {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{done} of {answered} deliveries answered, {worker} runs {held} command(s) of \
             {RUNNING}; commands: {:#?}",
            summary(&all_commands(store).await)
        );
        tokio::time::sleep(POLL).await;
    }
}

/// Waits until every command of `people` has ended.
pub async fn until_ended(store: &Store, people: &[Partner]) {
    let subjects: BTreeSet<String> = people.iter().map(Partner::subject).collect();
    let deadline = Instant::now() + PATIENCE;
    loop {
        let waiting: Vec<CommandRecord> = all_commands(store)
            .await
            .into_iter()
            .filter(|c| subjects.contains(c.command.subject.as_str()))
            .filter(|c| c.state != CommandState::Done)
            .collect();
        if waiting.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "commands never ended: {:#?}",
            summary(&waiting)
        );
        tokio::time::sleep(POLL).await;
    }
}

/// Waits until the inbox holds `events` events (never more), none waiting for the intake, and
/// every command has ended, as many as there are events; returns both.
pub async fn until_settled(store: &Store, events: usize) -> (Vec<InboxEvent>, Vec<CommandRecord>) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let inbox = all_events(store).await;
        assert!(
            inbox.len() <= events,
            "{} inbox events, more than the {events} sent: a redelivery was stored twice",
            inbox.len()
        );
        let unmapped = inbox
            .iter()
            .filter(|e| e.status == InboxStatus::Accepted)
            .count();
        let commands = all_commands(store).await;
        let waiting: Vec<&CommandRecord> = commands
            .iter()
            .filter(|c| c.state != CommandState::Done)
            .collect();
        if inbox.len() == events && unmapped == 0 && waiting.is_empty() {
            return (inbox, commands);
        }
        assert!(
            Instant::now() < deadline,
            "not settled: {} of {events} events stored, {unmapped} not yet mapped, {} \
             command(s), {} not ended: {:#?}",
            inbox.len(),
            commands.len(),
            waiting.len(),
            summary(&waiting.into_iter().cloned().collect::<Vec<_>>())
        );
        tokio::time::sleep(POLL).await;
    }
}

/// Reads the outcome topic from its start until a record names each of `commands` (by the
/// `command_id` of its data); returns every record read. Repeats may come along.
pub async fn until_published(
    brokers: &str,
    topic: &str,
    commands: &[CommandRecord],
) -> Vec<OwnedMessage> {
    let consumer: StreamConsumer = broker::client(brokers)
        .set("group.id", broker::unique_topic("outcome-reader"))
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .create()
        .expect("consumer");
    consumer.subscribe(&[topic]).expect("subscribe");
    let mut missing: BTreeSet<String> = commands
        .iter()
        .map(|c| c.command.id.as_str().to_owned())
        .collect();
    let deadline = Instant::now() + PATIENCE;
    let mut records = Vec::new();
    while !missing.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        let record = match tokio::time::timeout(left, consumer.recv()).await {
            Ok(Ok(record)) => record.detach(),
            Ok(Err(e)) => panic!("reading {topic}: {e}"),
            Err(_) => panic!(
                "{} of {} outcomes never reached {topic}: {missing:?}",
                missing.len(),
                commands.len()
            ),
        };
        missing.remove(&command_of(&record));
        records.push(record);
    }
    records
}

/// Waits until the relays have marked every outbox row published.
pub async fn until_marked(store: &Store) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let waiting = store.outbox_unpublished(10).await.expect("read the outbox");
        if waiting.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "outbox rows never marked published: {waiting:#?}"
        );
        tokio::time::sleep(POLL).await;
    }
}

/// The `command_id` an outcome record's data names.
pub fn command_of(record: &OwnedMessage) -> String {
    use rdkafka::Message as _;
    let data: serde_json::Value =
        serde_json::from_slice(record.payload().unwrap_or_default()).expect("JSON data");
    data["command_id"]
        .as_str()
        .expect("the data names its command")
        .to_owned()
}
