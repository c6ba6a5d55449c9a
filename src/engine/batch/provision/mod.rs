//! New users and changes in bulk.
//!
//! The group is read in one composite of `IN` queries (more when the keys do not fit one URI,
//! [`read`]), each person planned as a single run plans (`plan_provision`), and the writes go
//! in sObject Collections, step by step for the whole group, each step skipping those an
//! earlier one ended:
//!
//! 1. Contacts: upserted by the key field, or updated and adopted by id ([`contacts`]);
//! 2. existing users' changes and unfreezes ([`changes`]);
//! 3. new users, with their checkpoints and username candidates ([`users`]);
//! 4. permission sets, portal roles above the lowest, the read-back of new users ([`after`]);
//! 5. the welcome email ([`welcome`]).
//!
//! What the batch leaves to a run of its own ([`Settled::Alone`]): a lone provision (one to
//! three calls alone, four or more in the batch's shapes), a command an earlier
//! attempt began (its checkpoints say what is owed, and a single run knows how to finish it),
//! a stale command (a single run ends it without a call), a user the Contact has already that
//! the read did not show, and everyone when the org's shape cannot be read.

mod after;
mod changes;
mod contacts;
mod person;
mod progress;
mod queries;
mod read;
mod split;
mod users;
mod welcome;

use std::collections::HashMap;
use std::time::Instant;

use self::person::{Person, shared};
use self::read::{ReadSetup, Wanted, observe_all};
use super::{BatchContext, Member, Settled};
use crate::domain::{Intent, LicenceEffect, Provision, SalesforceIds};
use crate::engine::apply::ApplyError;
use crate::engine::executor::Done;
use crate::engine::licences::LicenceCount;
use crate::engine::plan::{ContactWrite, Observed, ProvisionPlan, plan_provision};
use crate::store::SubjectState;

/// Settles each member's provision, in the order given.
pub(in crate::engine) async fn converge(
    cx: &BatchContext<'_>,
    members: &[&Member],
) -> Vec<Settled> {
    let mut settled: Vec<Option<Settled>> = members.iter().map(|_| None).collect();
    let Ok(facts) = cx.provisioning.facts.get(cx.client).await else {
        // A single run tells the failure for what it is (a site the org lacks, a call).
        return members.iter().map(|_| Settled::Alone).collect();
    };
    let taken: Vec<(usize, &Provision)> = members
        .iter()
        .enumerate()
        .filter_map(|(i, m)| Some((i, ours(m)?)))
        .collect();
    // A lone person costs fewer calls alone: a single run writes the Contact, the User, its
    // permission sets and read-back in one composite, where the batch's shapes take a request
    // each.
    if taken.len() < 2 {
        return finished(settled);
    }
    let wanted: Vec<Wanted<'_>> = taken
        .iter()
        .map(|(i, intent)| Wanted {
            subject: members[*i].claimed.command.subject.as_str(),
            intent,
            read_login: members[*i].claimed.subject.state == SubjectState::Frozen,
        })
        .collect();
    let read = if wanted.is_empty() {
        Ok(read::Read {
            observed: Vec::new(),
            permission_sets: Vec::new(),
            licences: None,
        })
    } else {
        let profiles = cx.provisioning.profiles.lock().clone();
        let setup = ReadSetup {
            keys: cx.keys,
            adopt_by_email: cx.provisioning.policy.adopt_by_email,
            partner_accounts: facts.partner_accounts,
            profiles: &profiles,
            limits: cx.limits,
            licences_needed: cx.provisioning.licences.stale() && may_take_licence(members, &taken),
        };
        observe_all(cx.client, &setup, &wanted).await
    };
    let read = match read {
        Ok(read) => read,
        Err(error) => {
            for (i, _) in &taken {
                settled[*i] = Some(Settled::Failed(shared(&error)));
            }
            return finished(settled);
        }
    };
    let mut free = counted_free(cx, read.licences.as_deref());
    let mut people = Vec::new();
    for ((i, intent), observed) in taken.into_iter().zip(read.observed) {
        if let Some(profile) = &observed.profile {
            let mut cache = cx.provisioning.profiles.lock();
            cache.insert(intent.profile.clone(), profile.clone());
        }
        match plan(cx, i, members[i], intent, observed) {
            Planned::Settled(end) => settled[i] = Some(end),
            Planned::Writes(person) => match licence_left(cx, &mut free, &person) {
                Ok(()) => people.push(*person),
                Err(parked) => settled[i] = Some(Settled::Failed(parked)),
            },
        }
    }
    one_adoption_per_contact(&mut people);
    let started = Instant::now();
    contacts::write(cx, &mut people).await;
    changes::write(cx, &mut people).await;
    users::create(cx, &mut people).await;
    after::finish(cx, facts, &read.permission_sets, &mut people).await;
    welcome::send(cx, facts, &mut people).await;
    for person in people {
        let (i, licence) = (person.index, person.profile.licence.clone());
        let end = person.settle();
        count_licences(cx, &licence, &end, started);
        settled[i] = Some(end);
    }
    finished(settled)
}

/// Two people may both find one Contact to adopt (the same email in the same Account). One at
/// a time, the first adopts it and the second then finds it keyed and makes a Contact of its
/// own; in one batch both would write their key on it. The first adopts it here; the others
/// run alone afterwards, and see it as a single run would.
fn one_adoption_per_contact(people: &mut [Person<'_>]) {
    let mut adopted = std::collections::HashSet::new();
    for person in people.iter_mut() {
        if let ContactWrite::Adopt { id, .. } = &person.writes.contact
            && !adopted.insert(id.get(..15).unwrap_or(id).to_owned())
        {
            person.alone();
        }
    }
}

/// Whether someone in the group may take a licence: no active or frozen user known (a frozen
/// user holds one). Only then do counts past trusting take a request of their own.
fn may_take_licence(members: &[&Member], taken: &[(usize, &Provision)]) -> bool {
    taken.iter().any(|(i, _)| {
        let state = members[*i].claimed.subject.state;
        state != SubjectState::Provisioned && state != SubjectState::Frozen
    })
}

/// The free licences per type the group decides by: its own reading, where it read the counts
/// (see `licences::free_in`), which also refreshes the shared counts.
fn counted_free(cx: &BatchContext<'_>, counts: Option<&[LicenceCount]>) -> HashMap<String, i64> {
    let Some(counts) = counts else {
        return HashMap::new();
    };
    cx.provisioning.licences.refresh(counts);
    counts
        .iter()
        .map(|count| (count.name.clone(), count.total - count.used))
        .collect()
}

/// Takes a licence for the person from the counts at hand, in the group's order; with none
/// left of the type, the person parks before any write (a type never counted lets the org
/// decide).
fn licence_left(
    cx: &BatchContext<'_>,
    free: &mut HashMap<String, i64>,
    person: &Person<'_>,
) -> Result<(), ApplyError> {
    if !person.writes.takes_licence() {
        return Ok(());
    }
    let licence = &person.profile.licence;
    let Some(left) = free
        .entry(licence.clone())
        .or_insert_with(|| cx.provisioning.licences.free(licence).unwrap_or(i64::MAX))
        .checked_sub(1)
        .filter(|left| *left >= 0)
    else {
        return Err(ApplyError::no_licence(licence));
    };
    free.insert(licence.clone(), left);
    Ok(())
}

/// Keeps the shared licence counts as a single run keeps them: a licence taken by each user
/// created or made active again, none left of a type the org refused a user for want of.
fn count_licences(cx: &BatchContext<'_>, licence: &str, end: &Settled, started: Instant) {
    match end {
        Settled::Done(Done::Changed(applied)) => {
            if let LicenceEffect::Consumed { licence } = &applied.licence_effect {
                cx.provisioning.licences.take(licence, started);
            }
        }
        Settled::Failed(error) if error.code() == "LICENSE_LIMIT_EXCEEDED" => {
            cx.provisioning.licences.exhausted(licence);
        }
        _ => {}
    }
}

fn finished(settled: Vec<Option<Settled>>) -> Vec<Settled> {
    settled
        .into_iter()
        .map(|s| s.unwrap_or(Settled::Alone))
        .collect()
}

/// The member's provision, when the batch takes it: not stale, and with no earlier attempt
/// whose checkpoints a single run knows how to finish.
fn ours(member: &Member) -> Option<&Provision> {
    let command = &member.claimed.command;
    let Intent::Provision(intent) = &command.intent else {
        return None;
    };
    let stale = member
        .claimed
        .subject
        .last_applied_source_time
        .is_some_and(|last| command.origin.source_time < last);
    (!stale && member.claimed.progress.is_empty()).then_some(&**intent)
}

enum Planned<'a> {
    Settled(Settled),
    Writes(Box<Person<'a>>),
}

/// A member's plan: refused, as desired already, or writes to make.
fn plan<'a>(
    cx: &BatchContext<'_>,
    index: usize,
    member: &'a Member,
    intent: &'a Provision,
    observed: Observed,
) -> Planned<'a> {
    let subject = member.claimed.command.subject.as_str();
    let writes = match plan_provision(intent, subject, &observed, &cx.provisioning.policy) {
        ProvisionPlan::Refuse(refusal) => {
            return Planned::Settled(Settled::Failed(ApplyError::Refused(refusal)));
        }
        ProvisionPlan::NoChange => return Planned::Settled(unchanged(&observed)),
        ProvisionPlan::Write(writes) => writes,
    };
    let Some(profile) = observed.profile.clone() else {
        return Planned::Settled(Settled::Failed(ApplyError::refused(
            "PROFILE_NOT_FOUND",
            format!("no profile named '{}'", intent.profile),
        )));
    };
    Planned::Writes(Box::new(Person::new(
        index, member, intent, observed, *writes, profile,
    )))
}

/// The org already matches (and no earlier attempt left anything owed: those run alone).
fn unchanged(observed: &Observed) -> Settled {
    Settled::Done(Done::Unchanged {
        ids: SalesforceIds {
            account_id: observed.account.as_ref().map(|a| a.id.clone()),
            contact_id: observed.keyed_contact.as_ref().map(|c| c.id.clone()),
            user_id: observed.user.as_ref().map(|u| u.id.clone()),
        },
        licence: observed.profile.as_ref().map(|p| p.licence.clone()),
        why: "the org already matches",
        names: observed
            .user
            .as_ref()
            .map(|u| (u.username.clone(), u.nickname.clone())),
    })
}

#[cfg(test)]
mod tests;
