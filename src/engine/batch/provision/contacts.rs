//! The Contacts of a batch: new ones upserted by the key field (`/composite/sobjects/Contact/
//! {field}`, so a rerun finds the one made before), existing ones updated or adopted by id, in
//! collections of their own — never with User writes, which Salesforce refuses in one
//! transaction with Contact writes (`MIXED_DML_OPERATION`).

use serde_json::{Map, Value, json};

use super::person::{Person, shared};
use crate::engine::apply::{ApplyError, contact_step};
use crate::engine::batch::BatchContext;
use crate::engine::plan::ContactWrite;
use crate::salesforce::{RecordChange, SaveResult};

/// Writes every open person's Contact; a person whose Contact is refused ends there.
pub(super) async fn write(cx: &BatchContext<'_>, people: &mut [Person<'_>]) {
    let upserts = open_where(people, |w| matches!(w, ContactWrite::Upsert { .. }));
    for chunk in upserts.chunks(cx.limits.records.max(1)) {
        let chunk = still_held(people, chunk);
        if chunk.is_empty() {
            continue;
        }
        let records: Vec<Map<String, Value>> = chunk
            .iter()
            .map(|&i| {
                let mut fields = match &people[i].writes.contact {
                    ContactWrite::Upsert { fields } => fields.clone(),
                    _ => Map::new(),
                };
                let key = people[i].member.claimed.command.subject.as_str();
                fields.insert(cx.keys.contact.clone(), json!(key));
                fields
            })
            .collect();
        let answer = cx
            .client
            .collections_upsert("Contact", &cx.keys.contact, false, &records)
            .await;
        settle(people, &chunk, answer);
    }
    let by_id = open_where(people, |w| {
        matches!(w, ContactWrite::Update { .. } | ContactWrite::Adopt { .. })
    });
    for chunk in by_id.chunks(cx.limits.records.max(1)) {
        let chunk = still_held(people, chunk);
        if chunk.is_empty() {
            continue;
        }
        let changes: Vec<RecordChange> = chunk
            .iter()
            .filter_map(|&i| match &people[i].writes.contact {
                ContactWrite::Update { id, fields } | ContactWrite::Adopt { id, fields } => {
                    Some(RecordChange {
                        sobject: "Contact".to_owned(),
                        id: id.clone(),
                        fields: fields.clone(),
                    })
                }
                _ => None,
            })
            .collect();
        let answer = cx.client.collections_update(false, &changes).await;
        settle(people, &chunk, answer);
    }
}

/// Open people whose Contact write is of a kind.
fn open_where(people: &[Person<'_>], kind: impl Fn(&ContactWrite) -> bool) -> Vec<usize> {
    (0..people.len())
        .filter(|&i| people[i].is_open() && kind(&people[i].writes.contact))
        .collect()
}

/// Those of `chunk` whose claim is still held.
pub(super) fn still_held(people: &mut [Person<'_>], chunk: &[usize]) -> Vec<usize> {
    chunk
        .iter()
        .copied()
        .filter(|&i| people[i].may_go_on())
        .collect()
}

/// Each person's Contact as the collection answered it.
fn settle(
    people: &mut [Person<'_>],
    chunk: &[usize],
    answer: Result<Vec<SaveResult>, crate::salesforce::CallError>,
) {
    let results = match answer {
        Ok(results) => results,
        Err(error) => {
            for &i in chunk {
                people[i].fail(shared(&error));
            }
            return;
        }
    };
    for (&i, result) in chunk.iter().zip(results) {
        let person = &mut people[i];
        match (result.success, result.error(), result.id.clone()) {
            (true, _, Some(id)) => {
                let status = if result.created == Some(true) {
                    201
                } else {
                    200
                };
                person
                    .steps
                    .push(contact_step(&person.writes.contact, status).to_owned());
                if person.contact_id.is_none() {
                    person.contact_id = Some(id);
                }
            }
            (_, Some(error), _) => person.refused(error.clone()),
            _ => person.fail(ApplyError::refused(
                "UNEXPECTED_ANSWER",
                "the Contact's save result has neither an id nor an error",
            )),
        }
    }
}
