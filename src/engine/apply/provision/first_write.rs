//! The first write of a provision: the Contact, an existing user's changes, an unfreeze and a
//! role, in one composite. A new user joins it in [`super::candidates`].

use serde_json::json;

use super::Written;
use crate::engine::apply::context::ProvisionContext;
use crate::engine::apply::error::ApplyError;
use crate::engine::apply::fields::fields;
use crate::engine::apply::role::{move_to_role, role_found};
use crate::engine::plan::{ContactWrite, ProvisionWrites, UserWrite};
use crate::salesforce::{CallError, CompositeRequest, RecordRef, Reference, SubResponse};

/// The first request, before any user creation is added to it.
pub(super) struct FirstRequest {
    pub request: CompositeRequest,
    /// The Contact as a new user's `ContactId` names it: its id, or the upsert's answer.
    pub contact: RecordRef,
    /// An existing user's id.
    pub user_id: Option<String>,
    pub reactivated: bool,
}

/// Builds the first request from the plan's writes.
pub(super) fn request(cx: &ProvisionContext<'_>, writes: &ProvisionWrites) -> FirstRequest {
    let mut request = CompositeRequest::new(false);
    let contact = match &writes.contact {
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
    let (user_id, reactivated) = match &writes.user {
        UserWrite::Keep { id } => (Some(id.clone()), false),
        UserWrite::Update { id, fields } => {
            request.update("user", "User", id.as_str(), fields.clone());
            (
                Some(id.clone()),
                fields.get("IsActive") == Some(&json!(true)),
            )
        }
        UserWrite::Create { .. } => (None, false),
    };
    if let Some(login) = &writes.unfreeze {
        request.update(
            "login",
            "UserLogin",
            login.as_str(),
            fields(json!({"IsFrozen": false})),
        );
    }
    // A new user's role is set with its read-back, once the user exists.
    if let (Some(role), Some(id)) = (&writes.role, &user_id) {
        move_to_role(&mut request, role, id.as_str());
    }
    FirstRequest {
        request,
        contact,
        user_id,
        reactivated,
    }
}

/// Sends the first request when no user is created: one call, or none when nothing is written.
pub(super) async fn send(
    cx: &ProvisionContext<'_>,
    writes: &ProvisionWrites,
    first: FirstRequest,
    steps: &mut Vec<String>,
) -> Result<Written, ApplyError> {
    if !first.request.subrequests().is_empty() {
        let response = cx.client.composite(&first.request).await?;
        if let Some(role) = &writes.role {
            role_found(&response, role)?;
        }
        if let Some(e) = response.failure() {
            return Err(CallError::Refused(e).into());
        }
        if response.get("contact").is_some() {
            steps.push(contact_step(&writes.contact, 200).to_owned());
        }
        steps.extend(change_steps(writes, first.reactivated));
    }
    Ok(Written {
        contact_id: writes.contact.id().map(str::to_owned),
        user_id: first.user_id,
        created: None,
        reactivated: first.reactivated,
    })
}

/// The steps of an existing user's changes, an unfreeze and a role.
pub(in crate::engine) fn change_steps(writes: &ProvisionWrites, reactivated: bool) -> Vec<String> {
    let mut steps = Vec::new();
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
            // Salesforce applies it at once and marks the address unverified (Help 005103627).
            steps.push("user.email_changed".to_owned());
            steps.push("user.email_unverified".to_owned());
        }
    }
    if writes.unfreeze.is_some() {
        steps.push("user.unfrozen".to_owned());
    }
    if let Some(role) = &writes.role {
        steps.push(format!("user.role_set:{}", role.level.name()));
    }
    steps
}

/// The Contact's answer in a first write that also creates the user: its id when the write
/// was an upsert (an update or adoption answers 204 with no body: its id is the one written
/// to), and its step.
pub(super) fn contact_answer(
    write: &ContactWrite,
    answer: &SubResponse,
    steps: &mut Vec<String>,
) -> Result<Option<String>, ApplyError> {
    if let Some(e) = answer.error() {
        return Err(CallError::Refused(e).into());
    }
    let id = match write.id() {
        Some(_) => None,
        None => Some(answer.id().map_err(CallError::Refused)?),
    };
    steps.push(contact_step(write, answer.status).to_owned());
    Ok(id)
}

pub(in crate::engine) fn contact_step(write: &ContactWrite, status: u16) -> &'static str {
    match write {
        ContactWrite::Upsert { .. } if status == 201 => "contact.created",
        ContactWrite::Upsert { .. } => "contact.updated",
        ContactWrite::Update { .. } => "contact.updated",
        ContactWrite::Adopt { .. } => "contact.adopted",
        ContactWrite::Keep { .. } => "contact.kept",
    }
}
