//! Applying a provision: Contact and User in one composite, collisions handled, the result read
//! back and checked, and the welcome email sent at most once.
//!
//! The Contact (a non-setup object) and the User (a setup object) go in one composite with
//! `allOrNone: false`: Salesforce refuses them in one all-or-none transaction
//! (`MIXED_DML_OPERATION`), and a partial result converges on the next run anyway, because
//! the Contact is found by its key and the user by its Contact.

use serde_json::{Map, Value, json};

use super::role::move_to_role;
use super::welcome::{USER_CREATED, USER_CREATING, created_by_earlier_attempt, welcome};
use super::{Applied, ApplyError, refusal};
use crate::domain::CommandId;
use crate::domain::username::{nickname_candidates, username_candidates};
use crate::domain::{LicenceEffect, SalesforceIds, SubjectKey, WelcomeEmail};
use crate::engine::plan::{ContactWrite, ObservedProfile, ProvisionWrites, UserWrite, same_id};
use crate::engine::read::KeyFields;
use crate::salesforce::soql::quote;
use crate::salesforce::{CallError, CompositeRequest, RecordRef, Reference, SalesforceClient};
use crate::store::Store;

/// How many usernames (and nicknames) are tried before a provision is refused.
pub const MAX_CANDIDATES: usize = 5;
/// Permission sets assigned per composite (each needs a query; the read-back takes one more).
const SETS_PER_REQUEST: usize = 4;

/// What applying a provision needs besides the plan.
pub struct ProvisionContext<'a> {
    pub client: &'a SalesforceClient,
    pub store: &'a Store,
    pub command: &'a CommandId,
    pub subject: &'a SubjectKey,
    pub keys: &'a KeyFields,
    pub profile: &'a ObservedProfile,
    pub welcome: WelcomeEmail,
    /// Checkpoints of earlier attempts of this command.
    pub progress: &'a Map<String, Value>,
}

/// Applies the writes of a provision plan.
pub async fn apply_provision(
    cx: &ProvisionContext<'_>,
    writes: ProvisionWrites,
) -> Result<Applied, ApplyError> {
    let mut steps = Vec::new();
    let mut request = CompositeRequest::new(false);
    let contact_ref: RecordRef = match &writes.contact {
        ContactWrite::Keep { id } => RecordRef::Id(id.clone()),
        ContactWrite::Upsert { fields } => {
            request.upsert_by_external_id(
                "contact",
                "Contact",
                &cx.keys.contact,
                cx.subject.as_str(),
                fields.clone(),
            );
            Reference::id_of("contact").into()
        }
        ContactWrite::Update { id, fields } | ContactWrite::Adopt { id, fields } => {
            request.update("contact", "Contact", id.as_str(), fields.clone());
            RecordRef::Id(id.clone())
        }
    };

    let mut user_id = None;
    let mut created = None;
    let mut reactivated = false;
    match &writes.user {
        UserWrite::Keep { id } => user_id = Some(id.clone()),
        UserWrite::Update { id, fields } => {
            reactivated = fields.get("IsActive") == Some(&json!(true));
            request.update("user", "User", id.as_str(), fields.clone());
            user_id = Some(id.clone());
        }
        UserWrite::Create { .. } => {}
    }
    if let Some(login) = &writes.unfreeze {
        request.update(
            "login",
            "UserLogin",
            login.as_str(),
            json_map(json!({"IsFrozen": false})),
        );
    }
    if let (Some(role), Some(id)) = (&writes.role, &user_id) {
        move_to_role(&mut request, role, id);
    }

    // First request: the Contact, an existing user's changes, and a new user with its first
    // candidates. Collisions retry only the user, in requests of their own.
    let mut contact_id = writes.contact.id().map(str::to_owned);
    if let UserWrite::Create { fields } = &writes.user {
        // Recorded before the call: should the process die before the answer is read, the
        // rerun knows the user it then finds is the one this command made, and still sends
        // its welcome email.
        cx.store
            .record_progress(cx.command, USER_CREATING, json!(true))
            .await?;
        let first_name = fields["Username"].as_str().unwrap_or_default();
        let first_nick = fields["CommunityNickname"].as_str().unwrap_or_default();
        let usernames = username_candidates(first_name, MAX_CANDIDATES);
        let nicknames = nickname_candidates(first_nick, MAX_CANDIDATES);
        let (mut u, mut n) = (0, 0);
        loop {
            let (Some(username), Some(nickname)) = (usernames.get(u), nicknames.get(n)) else {
                return Err(refusal(
                    "USERNAME_CANDIDATES_EXHAUSTED",
                    format!(
                        "the first {MAX_CANDIDATES} username or nickname candidates are all taken (last tried {:?} / {:?}); change the rule's username template",
                        usernames.last(),
                        nicknames.last()
                    ),
                ));
            };
            let mut user_fields = fields.clone();
            user_fields.insert("Username".into(), json!(username));
            user_fields.insert("CommunityNickname".into(), json!(nickname));
            user_fields.insert(
                "ContactId".into(),
                match (&contact_id, &contact_ref) {
                    (Some(id), _) => json!(id),
                    (None, RecordRef::Reference(r)) => json!(r.as_str()),
                    (None, RecordRef::Id(id)) => json!(id),
                },
            );
            request.create("user", "User", user_fields);
            let response = cx.client.composite(&request).await?;
            if let Some(sub) = response.get("contact") {
                if let Some(e) = sub.error() {
                    return Err(CallError::Refused(e).into());
                }
                // An update (or adoption) answers 204 with no body: its id is the one written
                // to; only an upsert's answer names the Contact.
                if contact_id.is_none() {
                    contact_id = Some(sub.id().map_err(CallError::Refused)?);
                }
                steps.push(contact_step(&writes.contact, sub.status).to_owned());
            }
            for reference in ["login"] {
                if let Some(e) = response.get(reference).and_then(|s| s.error()) {
                    return Err(CallError::Refused(e).into());
                }
            }
            let Some(user) = response.get("user") else {
                return Err(refusal(
                    "UNEXPECTED_ANSWER",
                    "no answer for the user creation",
                ));
            };
            match user.error() {
                None => {
                    let id = user.id().map_err(CallError::Refused)?;
                    cx.store
                        .record_progress(cx.command, USER_CREATED, json!(id))
                        .await?;
                    steps.push("user.created".to_owned());
                    created = Some((username.clone(), nickname.clone()));
                    user_id = Some(id);
                    break;
                }
                Some(e) if e.code == "DUPLICATE_USERNAME" => u += 1,
                Some(e) if e.code == "DUPLICATE_COMM_NICKNAME" => n += 1,
                Some(e) => return Err(CallError::Refused(e).into()),
            }
            // Only the user is retried; the Contact exists now.
            request = CompositeRequest::new(false);
        }
    } else if !request.subrequests().is_empty() {
        let response = cx.client.composite(&request).await?;
        if let Some(e) = response.failure() {
            return Err(CallError::Refused(e).into());
        }
        if response.get("contact").is_some() {
            steps.push(contact_step(&writes.contact, 200).to_owned());
        }
        if let UserWrite::Update { fields, .. } = &writes.user {
            steps.push(
                if reactivated {
                    "user.reactivated"
                } else {
                    "user.updated"
                }
                .to_owned(),
            );
            if fields.contains_key("ProfileId") {
                steps.push("user.profile_changed".to_owned());
            }
            if writes.email_change.is_some() {
                steps.push("user.email_change_requested".to_owned());
            }
        }
        if writes.unfreeze.is_some() {
            steps.push("user.unfrozen".to_owned());
        }
        if let Some(role) = &writes.role {
            steps.push(format!("user.role_set:{}", role.level.name()));
        }
    }
    let user_id =
        user_id.ok_or_else(|| refusal("UNEXPECTED_ANSWER", "no user id after provisioning"))?;
    let contact_id = contact_id
        .ok_or_else(|| refusal("UNEXPECTED_ANSWER", "no Contact id after provisioning"))?;

    // Permission sets and, for a new user, the read-back: one request in the usual case.
    // A new user's portal role above the lowest goes with the read-back, which checks it too;
    // its lookup is one more query in that request, so it carries one permission set less.
    let verify = created.is_some();
    let new_role = writes.role.as_ref().filter(|_| verify);
    let sets: Vec<&String> = writes.assign.iter().collect();
    let first = SETS_PER_REQUEST - usize::from(new_role.is_some());
    let (head, tail) = sets.split_at(first.min(sets.len()));
    let mut chunks: Vec<&[&String]> = Vec::new();
    if !head.is_empty() || verify {
        chunks.push(head);
    }
    chunks.extend(tail.chunks(SETS_PER_REQUEST));
    for (n, chunk) in chunks.iter().enumerate() {
        let mut request = CompositeRequest::new(false);
        for (i, set) in chunk.iter().enumerate() {
            let q = format!("set{i}");
            request.query(
                &q,
                &format!("SELECT Id FROM PermissionSet WHERE Name = {}", quote(set)),
            );
            request.create(
                &format!("assign{i}"),
                "PermissionSetAssignment",
                json_map(json!({
                    "AssigneeId": user_id,
                    "PermissionSetId": Reference::new(&q, "records[0].Id").as_str(),
                })),
            );
        }
        let check = verify && n == 0;
        if check {
            if let Some(role) = new_role {
                move_to_role(&mut request, role, &user_id);
            }
            request.get(
                "check",
                "User",
                user_id.as_str(),
                &["Id", "IsActive", "ProfileId", "ContactId"],
            );
            request.query(
                "member",
                &format!(
                    "SELECT Id FROM NetworkMember WHERE MemberId = {}",
                    quote(&user_id)
                ),
            );
        }
        let response = cx.client.composite(&request).await?;
        for (i, set) in chunk.iter().enumerate() {
            match response.get(&format!("assign{i}")).and_then(|s| s.error()) {
                None => steps.push(format!("permission_set.assigned:{set}")),
                Some(e) => return Err(CallError::Refused(e).into()),
            }
        }
        if let Some(role) = new_role.filter(|_| check) {
            if let Some(e) = ["role", "role_user"]
                .into_iter()
                .find_map(|r| response.get(r).and_then(|s| s.error()))
            {
                return Err(CallError::Refused(e).into());
            }
            steps.push(format!("user.role_set:{}", role.level.name()));
        }
        if check {
            let user = response
                .get("check")
                .ok_or_else(|| {
                    refusal("VERIFICATION_FAILED", "the new user could not be read back")
                })?
                .record()
                .map_err(CallError::Refused)?;
            let active = user.flag("IsActive") == Some(true);
            let profile_ok = user
                .text("ProfileId")
                .is_some_and(|p| same_id(p, &cx.profile.id));
            let linked = user
                .text("ContactId")
                .is_some_and(|c| same_id(c, &contact_id));
            let member = response
                .get("member")
                .and_then(|s| s.records().ok())
                .is_some_and(|r| !r.is_empty());
            if !(active && profile_ok && linked && member) {
                return Err(refusal(
                    "VERIFICATION_FAILED",
                    format!(
                        "user {user_id} read back as active={active}, profile={profile_ok}, contact linked={linked}, site member={member}; check the profile's licence and the site's member profiles"
                    ),
                ));
            }
            steps.push("user.verified".to_owned());
        }
    }

    let created_earlier = created.is_none() && created_by_earlier_attempt(cx.progress);
    if created_earlier {
        steps.push("user.created".to_owned());
    }
    let welcome_email = welcome(cx, &user_id, created.is_some(), &mut steps).await?;
    let (username, nickname) = created.unzip();
    let licence_effect = if username.is_some() || created_earlier || reactivated {
        LicenceEffect::Consumed {
            licence: cx.profile.licence.clone(),
        }
    } else {
        LicenceEffect::Unchanged
    };
    Ok(Applied {
        ids: SalesforceIds {
            account_id: None,
            contact_id: Some(contact_id),
            user_id: Some(user_id),
        },
        steps,
        licence_effect,
        username,
        nickname,
        welcome_email,
        email_change: writes.email_change.clone(),
        changed: true,
    })
}

fn contact_step(write: &ContactWrite, status: u16) -> &'static str {
    match write {
        ContactWrite::Upsert { .. } if status == 201 => "contact.created",
        ContactWrite::Upsert { .. } => "contact.updated",
        ContactWrite::Update { .. } => "contact.updated",
        ContactWrite::Adopt { .. } => "contact.adopted",
        ContactWrite::Keep { .. } => "contact.kept",
    }
}

pub(super) fn json_map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}
