//! Deactivations, freezes and disables in bulk: one read of every member's user (composites of
//! `IN` queries), each member planned by the rules of a single run, then the writes in sObject
//! Collections, each record's result settled for its own member.
//!
//! | members | calls |
//! |---|---|
//! | read | one composite per five queries; a query reads up to 500 users (or logins) by id or by key, fewer when its URI would pass 16,384 bytes |
//! | write | one collection per 200 `User` changes, one per 200 `UserLogin` freezes, one per 200 freezes lifted |

mod plan;
mod read;
mod write;

use self::plan::{Lookup, Plan, Planned, keyed, known, lifts_freeze, lookup};
use self::read::{Query, Seen, What, normal, split};
use self::write::{Written, shared, write_all};
use super::{BatchContext, Member, Settled};
use crate::domain::{DeprovisionMode, Intent, SalesforceIds};
use crate::engine::apply::Applied;
use crate::engine::executor::Done;

/// Settles each member's deprovision, in the order given.
pub(in crate::engine) async fn converge(
    cx: &BatchContext<'_>,
    members: &[&Member],
) -> Vec<Settled> {
    let key_field = cx.keys.contact.as_str();
    let (queries, unfit) = queries(members, key_field, cx.limits.uri_bytes);
    let mut seen = read::read(cx.client, queries, key_field, cx.limits).await;
    seen.unread.extend(unfit);
    let mut failed: Vec<Option<Settled>> = Vec::with_capacity(members.len());
    let plans: Vec<Plan> = members
        .iter()
        .map(|member| {
            let (plan, failure) = plan_member(&seen, member);
            failed.push(failure);
            plan
        })
        .collect();
    let (written, lifted) = write_all(cx, members, &plans).await;
    plans
        .into_iter()
        .zip(written)
        .zip(lifted)
        .zip(failed)
        .map(|(((plan, written), lifted), failed)| match failed {
            Some(settled) => settled,
            None => settle(plan, written, lifted),
        })
        .collect()
}

/// The mode of a member's deprovision; `None` for anything else.
fn mode_of(member: &Member) -> Option<DeprovisionMode> {
    match &member.claimed.command.intent {
        Intent::Deprovision(d) => Some(d.mode),
        Intent::Provision(_) => None,
    }
}

/// Every member's read, split to fit; the values that fit no query come back too.
fn queries(
    members: &[&Member],
    key_field: &str,
    uri_bytes: usize,
) -> (Vec<Query>, Vec<(What, String)>) {
    let mut asked: Vec<(What, Vec<String>)> = [
        What::UsersById,
        What::UsersByKey,
        What::LoginsById,
        What::LoginsByKey,
    ]
    .into_iter()
    .map(|what| (what, Vec::new()))
    .collect();
    let mut ask = |what: What, value: &str| {
        if let Some((_, values)) = asked.iter_mut().find(|(w, _)| *w == what) {
            values.push(value.to_owned());
        }
    };
    for member in members {
        let Some(mode) = mode_of(member) else {
            continue;
        };
        match lookup(&member.claimed) {
            Lookup::Known { user_id, .. } => {
                ask(What::UsersById, user_id);
                if mode.freezes() || lifts_freeze(&member.claimed, mode) {
                    ask(What::LoginsById, user_id);
                }
            }
            Lookup::Keyed { key } => {
                ask(What::UsersByKey, key);
                if mode.freezes() {
                    ask(What::LoginsByKey, key);
                }
            }
        }
    }
    let mut queries = Vec::new();
    let mut unfit = Vec::new();
    for (what, values) in asked {
        let (fitted, left) = split(what, &values, key_field, uri_bytes);
        queries.extend(fitted);
        unfit.extend(left.into_iter().map(|v| (what, normal(what, &v))));
    }
    (queries, unfit)
}

/// A member's plan; or, when the call that was to read it failed as a whole, that failure as
/// the member's own.
fn plan_member(seen: &Seen, member: &Member) -> (Plan, Option<Settled>) {
    let Some(mode) = mode_of(member) else {
        return (Plan::Alone, None);
    };
    let (what, value) = match lookup(&member.claimed) {
        Lookup::Known { user_id, .. } => (What::UsersById, user_id),
        Lookup::Keyed { key } => (What::UsersByKey, key),
    };
    if let Some(e) = seen.failure(what, value) {
        let settled = shared(e).map_or(Settled::Alone, Settled::Failed);
        return (Plan::Alone, Some(settled));
    }
    let plan = match lookup(&member.claimed) {
        Lookup::Known { user_id, licence } => known(
            seen,
            user_id,
            licence,
            mode,
            lifts_freeze(&member.claimed, mode),
        ),
        Lookup::Keyed { key } => keyed(seen, key, mode),
    };
    (plan, None)
}

/// A member's settlement from its plan and what its writes did.
fn settle(plan: Plan, written: Written, lifted: bool) -> Settled {
    let planned = match plan {
        Plan::Alone => return Settled::Alone,
        Plan::Settled(done) => return Settled::Done(done),
        Plan::Write(planned) => planned,
    };
    match written {
        Written::Failed(error) => Settled::Failed(error),
        Written::Alone => Settled::Alone,
        // A write planned but not sent: the member's claim was lost.
        Written::NotSent if planned.write.is_some() => Settled::Alone,
        Written::NotSent | Written::Saved => Settled::Done(done(planned, lifted)),
    }
}

/// What a member's written deprovision reports, as a single run reports it.
fn done(planned: Planned, lifted: bool) -> Done {
    let ids = SalesforceIds {
        user_id: Some(planned.user_id),
        ..SalesforceIds::default()
    };
    if planned.write.is_none() {
        return Done::Unchanged {
            ids,
            licence: planned.licence,
            why: "the user is already out",
            names: None,
        };
    }
    let steps = [Some(planned.step), lifted.then_some("user.unfrozen")]
        .into_iter()
        .flatten()
        .map(str::to_owned)
        .collect();
    Done::Changed(Applied {
        ids,
        steps,
        licence_effect: planned.licence_effect,
        username: None,
        nickname: None,
        welcome_email: None,
        email_change: None,
        changed: true,
    })
}

#[cfg(test)]
mod tests;
