//! Creating the batch's new users: sObject Collections of Users (`allOrNone: false`), each
//! record answered on its own.
//!
//! - The `user_creating` checkpoint of every person in a collection is recorded before it is
//!   sent, `user_created` once its answer names the user (`apply/checkpoint.rs`).
//! - A taken username or nickname (`DUPLICATE_USERNAME`, `DUPLICATE_COMM_NICKNAME`) sends that
//!   person again in the next round with their next candidate, as a single run does, up to
//!   `MAX_CANDIDATES`; a Contact that already has a user (`PORTAL_USER_ALREADY_EXISTS_FOR_
//!   CONTACT`) is left to a run of its own, which reads and converges; any other error (no
//!   free licence, a validation rule) ends that person alone.
//! - Partner and Customer Community Plus users take a portal role, and creating one takes
//!   Salesforce's group-membership lock ("Provisioning a non-HVPU portal user under an
//!   account" is among the operations that do; "Group Membership Locking", Designing Record
//!   Access for Enterprise Scale): their collections go one at a time in the process, and a
//!   collection refused with `UNABLE_TO_LOCK_ROW` is halved and sent again, down to one user,
//!   whose lock error is then retried like any transient one.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value, json};
use tokio::sync::Mutex;

use super::contacts::still_held;
use super::person::{Person, shared};
use super::progress::record_all;
use crate::engine::apply::{ApplyError, Candidates, Checkpoint, MAX_CANDIDATES};
use crate::engine::batch::BatchContext;
use crate::engine::plan::UserWrite;
use crate::salesforce::{CallError, NewRecord, SalesforceError};

/// One collection of role-taking users at a time in this process (Gatehouse talks to one org).
static ROLE_USERS: Mutex<()> = Mutex::const_new(());

const LOCKED: &str = "UNABLE_TO_LOCK_ROW";

/// Creates every open new person's user, round after round of candidates.
pub(super) async fn create(cx: &BatchContext<'_>, people: &mut [Person<'_>]) {
    let mut candidates: HashMap<usize, Candidates> = HashMap::new();
    for (i, person) in people.iter_mut().enumerate() {
        if !person.is_open() || !person.is_new() {
            continue;
        }
        if person.contact_id.is_none() {
            person.fail(ApplyError::refused(
                "UNEXPECTED_ANSWER",
                "no Contact id before the user's creation",
            ));
            continue;
        }
        if let UserWrite::Create { fields } = &person.writes.user {
            candidates.insert(i, Candidates::for_user(fields));
        }
    }
    let mut checkpointed = HashSet::new();
    // Each round moves every person left along one list of candidates at least.
    for _ in 0..=2 * MAX_CANDIDATES {
        let pending: Vec<usize> = (0..people.len())
            .filter(|i| candidates.contains_key(i) && people[*i].is_open())
            .filter(|&i| people[i].user_id.is_none())
            .collect();
        if pending.is_empty() {
            break;
        }
        let (roles, plain): (Vec<usize>, Vec<usize>) = pending
            .into_iter()
            .partition(|&i| people[i].profile.takes_portal_role());
        for chunk in plain.chunks(cx.limits.records.max(1)) {
            let sent = Round {
                cx,
                candidates: &mut candidates,
                checkpointed: &mut checkpointed,
            }
            .send(people, chunk)
            .await;
            for i in sent.locked {
                let error = sent.lock_error.clone();
                people[i].refused(error.unwrap_or_else(lock_refusal));
            }
        }
        if !roles.is_empty() {
            let _one_at_a_time = ROLE_USERS.lock().await;
            for chunk in roles.chunks(cx.limits.records.max(1)) {
                halving(cx, people, chunk, &mut candidates, &mut checkpointed).await;
            }
        }
    }
}

/// Sends a collection of role-taking users; those refused for the lock go again in halves.
async fn halving(
    cx: &BatchContext<'_>,
    people: &mut [Person<'_>],
    chunk: &[usize],
    candidates: &mut HashMap<usize, Candidates>,
    checkpointed: &mut HashSet<usize>,
) {
    let mut queue: Vec<Vec<usize>> = vec![chunk.to_vec()];
    while let Some(next) = queue.pop() {
        let sent = Round {
            cx,
            candidates,
            checkpointed,
        }
        .send(people, &next)
        .await;
        if sent.locked.is_empty() {
            continue;
        }
        if next.len() == 1 {
            for i in sent.locked {
                people[i].refused(sent.lock_error.clone().unwrap_or_else(lock_refusal));
            }
            continue;
        }
        tracing::info!(
            users = sent.locked.len(),
            "the org's group-membership lock refused a collection of users: halving it"
        );
        let half = sent.locked.len().div_ceil(2);
        let (a, b) = sent.locked.split_at(half);
        for part in [b, a] {
            if !part.is_empty() {
                queue.push(part.to_vec());
            }
        }
    }
}

fn lock_refusal() -> SalesforceError {
    SalesforceError::new(
        None,
        LOCKED,
        "unable to obtain exclusive access to this record",
        vec![],
    )
}

/// One collection's worth of a round.
struct Round<'r, 'c> {
    cx: &'r BatchContext<'c>,
    candidates: &'r mut HashMap<usize, Candidates>,
    checkpointed: &'r mut HashSet<usize>,
}

/// What a collection left to do: the people refused for the lock, with the error.
struct Sent {
    locked: Vec<usize>,
    lock_error: Option<SalesforceError>,
}

impl Round<'_, '_> {
    /// Those of `chunk` still held, their `user_creating` recorded, as records to create.
    async fn prepare(
        &mut self,
        people: &mut [Person<'_>],
        chunk: &[usize],
    ) -> (Vec<usize>, Vec<NewRecord>) {
        let held = still_held(people, chunk);
        let first: Vec<usize> = held
            .iter()
            .copied()
            .filter(|i| !self.checkpointed.contains(i))
            .collect();
        // Recorded before the call: should the process die before the answer is read, the
        // rerun takes the user it finds on the Contact as the one this command made.
        let recorded = record_all(self.cx, people, &first, |_| Checkpoint::UserCreating).await;
        self.checkpointed.extend(recorded);
        let mut going = Vec::new();
        let mut records = Vec::new();
        for i in held {
            if !self.checkpointed.contains(&i) || !people[i].is_open() {
                continue;
            }
            match self.record(&people[i], i) {
                Ok(record) => {
                    going.push(i);
                    records.push(record);
                }
                Err(exhausted) => people[i].fail(exhausted),
            }
        }
        (going, records)
    }

    async fn send(mut self, people: &mut [Person<'_>], chunk: &[usize]) -> Sent {
        let mut sent = Sent {
            locked: Vec::new(),
            lock_error: None,
        };
        let (going, records) = self.prepare(people, chunk).await;
        if records.is_empty() {
            return sent;
        }
        let results = match self.cx.client.collections_create(false, &records).await {
            Ok(results) => results,
            Err(CallError::Refused(e)) if e.code == LOCKED => {
                sent.locked = going;
                sent.lock_error = Some(e);
                return sent;
            }
            Err(error) => {
                for i in going {
                    people[i].fail(shared(&error));
                }
                return sent;
            }
        };
        let mut made = Vec::new();
        for ((i, record), result) in going.into_iter().zip(records).zip(results) {
            match (result.success, result.id, result.errors.into_iter().next()) {
                (true, Some(id), _) => {
                    let person = &mut people[i];
                    person.user_id = Some(id);
                    person.created = Some((
                        text(&record.fields, "Username"),
                        text(&record.fields, "CommunityNickname"),
                    ));
                    person.steps.push("user.created".to_owned());
                    made.push(i);
                }
                (_, _, Some(e)) if e.code == "DUPLICATE_USERNAME" => {
                    self.taken(i, Candidates::username_taken)
                }
                (_, _, Some(e)) if e.code == "DUPLICATE_COMM_NICKNAME" => {
                    self.taken(i, Candidates::nickname_taken)
                }
                // The Contact has a user already (made by hand, or by a run this batch does
                // not know of): a run of its own reads it and converges.
                (_, _, Some(e)) if e.code == "PORTAL_USER_ALREADY_EXISTS_FOR_CONTACT" => {
                    people[i].alone()
                }
                (_, _, Some(e)) if e.code == LOCKED => {
                    sent.locked.push(i);
                    sent.lock_error = Some(e);
                }
                (_, _, Some(e)) => people[i].refused(e),
                _ => people[i].fail(ApplyError::refused(
                    "UNEXPECTED_ANSWER",
                    "no answer for the user creation",
                )),
            }
        }
        record_all(self.cx, people, &made, |p| {
            Checkpoint::UserCreated(p.user_id.as_deref().unwrap_or_default())
        })
        .await;
        sent
    }

    fn taken(&mut self, i: usize, next: fn(&mut Candidates)) {
        if let Some(c) = self.candidates.get_mut(&i) {
            next(c);
        }
    }

    /// The person's user as a record to create, with their current candidates.
    fn record(&self, person: &Person<'_>, i: usize) -> Result<NewRecord, ApplyError> {
        let UserWrite::Create { fields } = &person.writes.user else {
            return Err(ApplyError::refused(
                "UNEXPECTED_ANSWER",
                "no user to create",
            ));
        };
        let Some(candidates) = self.candidates.get(&i) else {
            return Err(ApplyError::refused("UNEXPECTED_ANSWER", "no candidates"));
        };
        let (username, nickname) = candidates.current()?;
        let mut fields: Map<String, Value> = fields.clone();
        fields.insert("Username".into(), json!(username));
        fields.insert("CommunityNickname".into(), json!(nickname));
        fields.insert("ContactId".into(), json!(person.contact_id));
        Ok(NewRecord {
            sobject: "User".to_owned(),
            fields,
        })
    }
}

fn text(fields: &Map<String, Value>, name: &str) -> String {
    fields
        .get(name)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}
