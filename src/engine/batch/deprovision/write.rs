//! Writing the group's changes with sObject Collections (`allOrNone: false`, so each record
//! succeeds or fails on its own), and each record's result mapped back to its member.
//!
//! `User` changes and `UserLogin` changes go in collections of their own. Both are setup
//! objects, which a collection may mix, but keeping each collection to one object keeps a
//! refusal of one kind (a login Gatehouse may not edit without Manage Users) from halting the
//! other.

use serde_json::{Map, Value};

use super::plan::{Plan, Write};
use crate::engine::apply::ApplyError;
use crate::engine::batch::{BatchContext, Member};
use crate::salesforce::{CallError, RecordChange, SalesforceError, SaveResult};

/// How one record's write went.
pub(super) enum Written {
    /// Nothing was sent for it.
    NotSent,
    Saved,
    /// Refused, for this member alone, or with the whole call.
    Failed(ApplyError),
    /// The call failed in a way the member's own run should meet: it runs alone.
    Alone,
}

/// Each member's own write, then the freezes to lift; members whose claim is lost are left
/// out. Answers the write's result and whether a freeze was lifted, per member.
pub(super) async fn write_all(
    cx: &BatchContext<'_>,
    members: &[&Member],
    plans: &[Plan],
) -> (Vec<Written>, Vec<bool>) {
    let held = |i: usize| !members[i].hold.is_lost();
    let writes: Vec<(usize, Write)> = plans
        .iter()
        .enumerate()
        .filter(|(i, _)| held(*i))
        .filter_map(|(i, plan)| match plan {
            Plan::Write(p) => p.write.clone().map(|w| (i, w)),
            _ => None,
        })
        .collect();
    let mut written: Vec<Written> = plans.iter().map(|_| Written::NotSent).collect();
    for sobject in ["User", "UserLogin"] {
        let of_kind: Vec<&(usize, Write)> = writes
            .iter()
            .filter(|(_, w)| w.sobject == sobject)
            .collect();
        for chunk in of_kind.chunks(cx.limits.records.max(1)) {
            let results = send(cx, chunk.iter().map(|(_, w)| w)).await;
            for ((i, _), result) in chunk.iter().zip(results) {
                written[*i] = result;
            }
        }
    }
    let lifts: Vec<(usize, Write)> = plans
        .iter()
        .enumerate()
        .filter(|(i, _)| held(*i) && matches!(written[*i], Written::NotSent | Written::Saved))
        .filter_map(|(i, plan)| match plan {
            Plan::Write(p) => p.unfreeze.as_ref().map(|login| (i, unfreeze(login))),
            _ => None,
        })
        .collect();
    let mut lifted = vec![false; plans.len()];
    for chunk in lifts.chunks(cx.limits.records.max(1)) {
        let results = send(cx, chunk.iter().map(|(_, w)| w)).await;
        for ((i, _), result) in chunk.iter().zip(results) {
            lifted[*i] = matches!(result, Written::Saved);
        }
    }
    (written, lifted)
}

fn unfreeze(login_id: &str) -> Write {
    Write {
        sobject: "UserLogin",
        id: login_id.to_owned(),
        field: "IsFrozen",
        value: false,
    }
}

/// One collection update; a result per record, in order.
async fn send<'w>(cx: &BatchContext<'_>, writes: impl Iterator<Item = &'w Write>) -> Vec<Written> {
    let changes: Vec<RecordChange> = writes
        .map(|w| {
            let mut fields = Map::new();
            fields.insert(w.field.to_owned(), Value::Bool(w.value));
            RecordChange {
                sobject: w.sobject.to_owned(),
                id: w.id.clone(),
                fields,
            }
        })
        .collect();
    match cx.client.collections_update(false, &changes).await {
        Ok(results) => results.iter().map(saved).collect(),
        Err(e) => changes
            .iter()
            .map(|_| match shared(&e) {
                Some(error) => Written::Failed(error),
                None => Written::Alone,
            })
            .collect(),
    }
}

/// A record's own result.
fn saved(result: &SaveResult) -> Written {
    if result.success {
        return Written::Saved;
    }
    let error = result.error().cloned().unwrap_or_else(|| {
        SalesforceError::new(
            None,
            crate::salesforce::UNRECOGNISED_ANSWER,
            "a record failed without an error".to_owned(),
            vec![],
        )
    });
    Written::Failed(ApplyError::Call(CallError::Refused(error)))
}

/// The failure of a call that carried several members' records, as each member's own: the same
/// code and disposition. `None` where it cannot be told apart from a fault of Gatehouse's
/// (those members run alone and meet it themselves).
pub(super) fn shared(e: &CallError) -> Option<ApplyError> {
    let copy = match e {
        CallError::Refused(e) => CallError::Refused(e.clone()),
        CallError::Unreachable { timed_out, .. } => CallError::Unreachable {
            cause: Box::new(std::io::Error::other(crate::report::chain(e).to_string())),
            timed_out: *timed_out,
        },
        _ => return None,
    };
    Some(ApplyError::Call(copy))
}
