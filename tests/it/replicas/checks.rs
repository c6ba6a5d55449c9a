//! What must hold once the replicas settled, read from the org, the store and the outcome
//! topic.

use std::collections::{BTreeMap, BTreeSet};

use gatehouse::domain::{CommandId, OutcomeKind, SubjectKey};
use gatehouse::store::{CommandRecord, HistoryKind, InboxEvent, OutboxId, Store};
use rdkafka::message::OwnedMessage;

use super::waits::command_of;
use crate::kafka::broker;
use crate::kafka::inbound::Accounts;
use crate::scenarios::Partner;
use crate::support::settle::summary;
use crate::support::sim_org::SimOrg;

/// Every person has one Contact and one User (active unless `removed`), and got at most one
/// welcome email.
pub async fn one_of_each(org: &SimOrg, people: &[Partner], removed: &[Partner]) {
    let accounts = Accounts::read(org).await;
    let removed: BTreeSet<String> = removed.iter().map(Partner::subject).collect();
    let mut welcomes: BTreeMap<String, usize> = BTreeMap::new();
    for email in org.emails().await.iter().filter(|e| e["kind"] == "welcome") {
        let user = email["user_id"].as_str().unwrap_or_default();
        *welcomes
            .entry(user[..user.len().min(15)].to_owned())
            .or_default() += 1;
    }
    for person in people {
        let subject = person.subject();
        assert_eq!(
            accounts.contacts_of(&subject).len(),
            1,
            "one Contact for {subject}: {:#?}",
            accounts.contacts_of(&subject)
        );
        let users = accounts.users_of(&subject);
        assert_eq!(users.len(), 1, "one User for {subject}: {users:#?}");
        let active = !removed.contains(&subject);
        assert_eq!(users[0]["IsActive"], active, "{subject}'s User: {users:#?}");
        let id = users[0]["Id"].as_str().expect("the User's id");
        let sent = welcomes.get(&id[..15]).copied().unwrap_or(0);
        assert!(sent <= 1, "{subject} got {sent} welcome emails");
    }
}

/// Every event became one command, which ended once: one outcome on the command, one outcome
/// in its subject's history; none of them a refusal.
pub async fn one_outcome_each(store: &Store, events: &[InboxEvent], commands: &[CommandRecord]) {
    let mut of_event: BTreeMap<&str, Vec<&CommandRecord>> = BTreeMap::new();
    for command in commands {
        let event = command.command.origin.event_id.as_deref();
        of_event
            .entry(event.expect("every command came from an event"))
            .or_default()
            .push(command);
    }
    for event in events {
        let made = of_event.remove(event.event_id.as_str()).unwrap_or_default();
        assert_eq!(
            made.len(),
            1,
            "one command for event {} ({}): {:#?}",
            event.event_id,
            event.dedupe_key,
            summary(&made.into_iter().cloned().collect::<Vec<_>>())
        );
    }
    assert!(of_event.is_empty(), "commands of no stored event");
    for command in commands {
        let kind = command.outcome.as_ref().map(|o| o.kind);
        assert!(
            matches!(kind, Some(OutcomeKind::Succeeded | OutcomeKind::NoChange)),
            "{:#?}",
            summary(std::slice::from_ref(command))
        );
    }
    let subjects: BTreeSet<&SubjectKey> = commands.iter().map(|c| &c.command.subject).collect();
    let mut outcomes: BTreeMap<CommandId, usize> = BTreeMap::new();
    for subject in subjects {
        let lifecycle = store
            .get_subject(subject)
            .await
            .expect("read the subject")
            .expect("every subject has a record");
        for entry in lifecycle.history {
            if let (HistoryKind::Outcome, Some(id)) = (entry.kind, entry.command_id) {
                *outcomes.entry(id).or_default() += 1;
            }
        }
    }
    for command in commands {
        let recorded = outcomes.get(&command.command.id).copied().unwrap_or(0);
        assert_eq!(
            recorded, 1,
            "the outcome of {} recorded {recorded} times in its history",
            command.command.id
        );
    }
}

/// Every command the killed replica held was released when its claim expired, then ended by
/// another replica.
pub async fn taken_over(store: &Store, held: &[CommandId], commands: &[CommandRecord]) {
    for id in held {
        let command = commands
            .iter()
            .find(|c| &c.command.id == id)
            .expect("the held command is listed");
        let lifecycle = store
            .get_subject(&command.command.subject)
            .await
            .expect("read the subject")
            .expect("every subject has a record");
        assert!(
            lifecycle.history.iter().any(|h| {
                h.command_id.as_ref() == Some(id) && h.detail["released"] == "claim expired"
            }),
            "{id} was held by the killed replica; its expired claim was never released: {:#?}",
            lifecycle.history
        );
    }
}

/// Every outcome went out under its outbox row's id: repeats of an outcome carry the same
/// `ce_id`, and that id names the command's row in the store.
pub async fn published_once_each(
    store: &Store,
    records: &[OwnedMessage],
    commands: &[CommandRecord],
) {
    let mut ce_ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for record in records {
        let ce_id = broker::header(record, "ce_id").expect("every outcome has a ce_id");
        ce_ids.entry(command_of(record)).or_default().insert(ce_id);
    }
    for command in commands {
        let id = command.command.id.as_str();
        let ids = ce_ids.remove(id).unwrap_or_default();
        assert_eq!(ids.len(), 1, "the outcome of {id} went out as {ids:?}");
        let ce_id = ids.first().expect("one ce_id");
        let row = store
            .outbox_event(&OutboxId::parse(ce_id).expect("ce_id is an outbox id"))
            .await
            .expect("read the outbox")
            .unwrap_or_else(|| panic!("no outbox row {ce_id}"));
        assert_eq!(row.command_id, command.command.id, "outbox row {ce_id}");
    }
    assert!(
        ce_ids.is_empty(),
        "outcomes of unknown commands: {:?}",
        ce_ids.keys()
    );
}
