//! Existing users' changes in collections: the User updates (profile, names, `IsActive`,
//! Email), then the unfreeze of the logins Gatehouse froze (`UserLogin.IsFrozen`). A role
//! above the lowest goes with the new users' (`after`).

use serde_json::{Map, Value, json};

use super::contacts::still_held;
use super::person::{Person, shared};
use crate::engine::apply::ApplyError;
use crate::engine::batch::BatchContext;
use crate::engine::plan::UserWrite;
use crate::salesforce::{CallError, RecordChange, SaveResult};

/// Writes the open people's user changes and unfreezes; each ends on its own record's error.
pub(super) async fn write(cx: &BatchContext<'_>, people: &mut [Person<'_>]) {
    let updates: Vec<(usize, RecordChange)> = people
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_open())
        .filter_map(|(i, p)| match &p.writes.user {
            UserWrite::Update { id, fields } => Some((i, change("User", id, fields.clone()))),
            _ => None,
        })
        .collect();
    send(cx, people, updates).await;
    let mut unfrozen = Map::new();
    unfrozen.insert("IsFrozen".into(), json!(false));
    let unfreezes: Vec<(usize, RecordChange)> = people
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_open())
        .filter_map(|(i, p)| {
            let login = p.writes.unfreeze.as_ref()?;
            Some((i, change("UserLogin", login, unfrozen.clone())))
        })
        .collect();
    send(cx, people, unfreezes).await;
    for person in people.iter_mut().filter(|p| p.is_open() && !p.is_new()) {
        person.changed();
    }
}

fn change(sobject: &str, id: &str, fields: Map<String, Value>) -> RecordChange {
    RecordChange {
        sobject: sobject.to_owned(),
        id: id.to_owned(),
        fields,
    }
}

/// Sends record updates in collections; a record's error ends its person.
pub(super) async fn send(
    cx: &BatchContext<'_>,
    people: &mut [Person<'_>],
    changes: Vec<(usize, RecordChange)>,
) {
    for chunk in changes.chunks(cx.limits.records.max(1)) {
        let indices: Vec<usize> = chunk.iter().map(|(i, _)| *i).collect();
        let held = still_held(people, &indices);
        let records: Vec<RecordChange> = chunk
            .iter()
            .filter(|(i, _)| held.contains(i))
            .map(|(_, c)| c.clone())
            .collect();
        if records.is_empty() {
            continue;
        }
        let answer = cx.client.collections_update(false, &records).await;
        each_result(people, &held, answer);
    }
}

/// Ends each person whose record failed; the others go on.
pub(super) fn each_result(
    people: &mut [Person<'_>],
    chunk: &[usize],
    answer: Result<Vec<SaveResult>, CallError>,
) {
    match answer {
        Ok(results) => {
            for (&i, result) in chunk.iter().zip(results) {
                match (result.success, result.error()) {
                    (true, _) => {}
                    (false, Some(error)) => people[i].refused(error.clone()),
                    (false, None) => people[i].fail(ApplyError::refused(
                        "UNEXPECTED_ANSWER",
                        "a save result says neither success nor why not",
                    )),
                }
            }
        }
        Err(error) => {
            for &i in chunk {
                people[i].fail(shared(&error));
            }
        }
    }
}
