//! After the users exist: permission sets, portal roles above the lowest, and the read-back of
//! every new user — in that order, as a single run does it (a set may be what makes the user a
//! member of the site, so every set is assigned before the read-back).
//!
//! The sets were looked up by name with the group's read; one composite looks up the Accounts'
//! portal roles (made with an Account's first such user, so read only now). The assignments go
//! in a collection of their own (`PermissionSetAssignment`), the role changes in a User update
//! collection, and one composite reads the new users back (`IN` over their ids) with their site
//! memberships.

use serde_json::{Map, json};

use super::changes::{each_result, send};
use super::contacts::still_held;
use super::person::{Person, shared};
use super::queries;
use super::split::{InQuery, split_in};
use crate::engine::apply::ApplyError;
use crate::engine::batch::BatchContext;
use crate::engine::plan::same_id;
use crate::salesforce::soql::quote;
use crate::salesforce::{NewRecord, OrgFacts, Record, RecordChange};

/// The permission sets, roles and read-back of the open people.
pub(super) async fn finish(
    cx: &BatchContext<'_>,
    facts: &OrgFacts,
    sets: &[Record],
    people: &mut [Person<'_>],
) {
    assign(cx, people, sets).await;
    let found = match look_up_roles(cx, people).await {
        Ok(found) => found,
        Err(error) => {
            for p in people.iter_mut().filter(|p| wants_role(p)) {
                p.fail(shared(&error));
            }
            return;
        }
    };
    roles(cx, people, &found).await;
    verify(cx, facts, people).await;
}

fn wants_role(p: &Person<'_>) -> bool {
    p.is_open() && p.user_id.is_some() && p.writes.role.is_some()
}

/// The portal roles of the Accounts whose roles the open people are to take.
async fn look_up_roles(
    cx: &BatchContext<'_>,
    people: &[Person<'_>],
) -> Result<Vec<Record>, crate::salesforce::CallError> {
    let mut accounts: Vec<&str> = people
        .iter()
        .filter(|p| wants_role(p))
        .filter_map(|p| Some(p.writes.role.as_ref()?.account_id.as_str()))
        .collect();
    accounts.sort_unstable();
    accounts.dedup();
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    let roles = InQuery {
        head: "SELECT Id, PortalAccountId, PortalType, PortalRole FROM UserRole WHERE PortalAccountId IN ",
        tail: "",
    };
    let base = cx.client.paths().base().len();
    let soql = split_in(
        &roles,
        &accounts,
        base,
        cx.limits.uri_bytes,
        cx.limits.records,
    );
    let answers = queries::run(cx.client, cx.limits, &soql).await?;
    Ok(answers.into_iter().flatten().collect())
}

/// Each open person's missing permission sets, in collections of their own.
async fn assign(cx: &BatchContext<'_>, people: &mut [Person<'_>], sets: &[Record]) {
    let mut records: Vec<(usize, String, NewRecord)> = Vec::new();
    for (i, person) in people.iter_mut().enumerate() {
        let Some(user) = person.user_id.clone().filter(|_| person.is_open()) else {
            continue;
        };
        let mut missing = Vec::new();
        let mut mine = Vec::new();
        for name in &person.writes.assign {
            let found = sets
                .iter()
                .find(|s| s.text("Name").is_some_and(|n| n.eq_ignore_ascii_case(name)))
                .and_then(|s| s.id());
            match found {
                Some(id) => mine.push((i, name.clone(), assignment(&user, id))),
                None => missing.push(format!("'{name}'")),
            }
        }
        if missing.is_empty() {
            records.extend(mine);
        } else {
            person.fail(ApplyError::refused(
                "PERMISSION_SET_NOT_FOUND",
                format!(
                    "the org has no permission set named {}: create it (or deploy it), or correct the name in the rule",
                    missing.join(", ")
                ),
            ));
        }
    }
    for chunk in records.chunks(cx.limits.records.max(1)) {
        let who: Vec<usize> = chunk.iter().map(|(i, _, _)| *i).collect();
        let held = still_held(people, &who);
        let going: Vec<&(usize, String, NewRecord)> =
            chunk.iter().filter(|(i, _, _)| held.contains(i)).collect();
        if going.is_empty() {
            continue;
        }
        let new: Vec<NewRecord> = going.iter().map(|(_, _, r)| r.clone()).collect();
        let who: Vec<usize> = going.iter().map(|(i, _, _)| *i).collect();
        let answer = cx.client.collections_create(false, &new).await;
        let assigned: Vec<bool> = match &answer {
            Ok(results) => results.iter().map(|r| r.success).collect(),
            Err(_) => Vec::new(),
        };
        each_result(people, &who, answer);
        for ((i, set, _), ok) in going.iter().zip(assigned) {
            if ok && people[*i].is_open() {
                people[*i]
                    .steps
                    .push(format!("permission_set.assigned:{set}"));
            }
        }
    }
}

fn assignment(user: &str, set: &str) -> NewRecord {
    let mut fields = Map::new();
    fields.insert("AssigneeId".into(), json!(user));
    fields.insert("PermissionSetId".into(), json!(set));
    NewRecord {
        sobject: "PermissionSetAssignment".to_owned(),
        fields,
    }
}

/// Moves each open person with a role to write to their Account's role of the level; a level
/// the Account lacks is refused for good, as a single run refuses it.
async fn roles(cx: &BatchContext<'_>, people: &mut [Person<'_>], roles: &[Record]) {
    let mut changes = Vec::new();
    for (i, person) in people.iter_mut().enumerate() {
        let (Some(role), Some(user)) = (person.writes.role.clone(), person.user_id.clone()) else {
            continue;
        };
        if !person.is_open() {
            continue;
        }
        let found = roles.iter().find(|r| {
            r.text("PortalAccountId")
                .is_some_and(|a| same_id(a, &role.account_id))
                && r.text("PortalType") == Some(role.portal_type)
                && r.text("PortalRole") == Some(role.level.portal_role())
        });
        let Some(role_id) = found.and_then(|r| r.id()) else {
            person.fail(ApplyError::refused(
                "PORTAL_ROLE_NOT_FOUND",
                format!(
                    "Account {} has no {} portal role at level '{}': the org makes 1 to 3 levels per Account (its number of partner or customer roles), and with \"minimize the number of roles\" none until the Account's second user",
                    role.account_id,
                    role.portal_type,
                    role.level.name()
                ),
            ));
            continue;
        };
        let mut fields = Map::new();
        fields.insert("UserRoleId".into(), json!(role_id));
        changes.push((
            i,
            RecordChange {
                sobject: "User".to_owned(),
                id: user,
                fields,
            },
        ));
    }
    let new_users: Vec<usize> = changes
        .iter()
        .map(|(i, _)| *i)
        .filter(|&i| people[i].is_new())
        .collect();
    send(cx, people, changes).await;
    for i in new_users {
        let person = &mut people[i];
        if let (true, Some(role)) = (person.is_open(), &person.writes.role) {
            let step = format!("user.role_set:{}", role.level.name());
            person.steps.push(step);
        }
    }
}

/// Reads the new users back: active, with the profile, linked to their Contact, members of
/// the site (the configured one, or any when none is named).
async fn verify(cx: &BatchContext<'_>, facts: &OrgFacts, people: &mut [Person<'_>]) {
    let new: Vec<usize> = (0..people.len())
        .filter(|&i| people[i].is_open() && people[i].created.is_some())
        .collect();
    let new = still_held(people, &new);
    let ids: Vec<&str> = new
        .iter()
        .filter_map(|&i| people[i].user_id.as_deref())
        .collect();
    if ids.is_empty() {
        return;
    }
    let base = cx.client.paths().base().len();
    let (bytes, most) = (cx.limits.uri_bytes, cx.limits.records);
    let of_site = facts
        .site
        .as_ref()
        .map(|s| format!(" AND NetworkId = {}", quote(&s.network_id)))
        .unwrap_or_default();
    let users = InQuery {
        head: "SELECT Id, IsActive, ProfileId, ContactId FROM User WHERE Id IN ",
        tail: "",
    };
    let members = InQuery {
        head: "SELECT MemberId FROM NetworkMember WHERE MemberId IN ",
        tail: &of_site,
    };
    let user_queries = split_in(&users, &ids, base, bytes, most);
    let all: Vec<String> = user_queries
        .iter()
        .cloned()
        .chain(split_in(&members, &ids, base, bytes, most))
        .collect();
    let answers = match queries::run(cx.client, cx.limits, &all).await {
        Ok(answers) => answers,
        Err(error) => {
            for i in new {
                people[i].fail(shared(&error));
            }
            return;
        }
    };
    let mut answers = answers.into_iter();
    let users: Vec<Record> = answers
        .by_ref()
        .take(user_queries.len())
        .flatten()
        .collect();
    let members: Vec<Record> = answers.flatten().collect();
    for i in new {
        check(&mut people[i], facts, &users, &members);
    }
}

fn check(person: &mut Person<'_>, facts: &OrgFacts, users: &[Record], members: &[Record]) {
    let Some(id) = person.user_id.clone() else {
        return;
    };
    let user = users
        .iter()
        .find(|u| u.id().is_some_and(|u| same_id(u, &id)));
    let active = user.and_then(|u| u.flag("IsActive")) == Some(true);
    let profile_ok = user
        .and_then(|u| u.text("ProfileId"))
        .is_some_and(|p| same_id(p, &person.profile.id));
    let linked = match (user.and_then(|u| u.text("ContactId")), &person.contact_id) {
        (Some(c), Some(mine)) => same_id(c, mine),
        _ => false,
    };
    let member = members
        .iter()
        .any(|m| m.text("MemberId").is_some_and(|m| same_id(m, &id)));
    if active && profile_ok && linked && member {
        person.steps.push("user.verified".to_owned());
        return;
    }
    let site = match &facts.site {
        Some(site) => format!("member of site '{}'", site.name),
        None => "site member".to_owned(),
    };
    person.fail(ApplyError::refused(
        "VERIFICATION_FAILED",
        format!(
            "user {id} read back as active={active}, profile={profile_ok}, contact linked={linked}, {site}={member}; check the profile's licence, and that the profile or one of the rule's permission sets is a member of the site"
        ),
    ));
}
