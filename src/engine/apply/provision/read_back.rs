//! Permission sets and, for a new user, the read-back that checks what was created. The
//! read-back comes after every assignment: a set may be what makes the user a member of the
//! site. A new user's portal role above the lowest goes with the read-back, which checks it
//! too.
//!
//! Where their queries fit in the five a composite allows (a lookup per set, the role's, the
//! site membership), all of it rides in the request that creates the user, naming the user by
//! a reference to its creation ([`rides_along`], [`ride_along`], [`check_creation`]): a new
//! user is then one write. Otherwise the sets go in requests of their own after the creation,
//! the read-back with the last of them ([`assign_and_verify`]).

use serde_json::json;

use crate::engine::apply::context::ProvisionContext;
use crate::engine::apply::error::ApplyError;
use crate::engine::apply::fields::fields;
use crate::engine::apply::role::{move_to_role, role_found};
use crate::engine::plan::{ProvisionWrites, RoleWrite, same_id};
use crate::salesforce::soql::quote;
use crate::salesforce::{
    CallError, CompositeRequest, CompositeResponse, MAX_QUERIES, RecordRef, Reference, SiteFacts,
};

/// The refusal of a permission set the org does not have.
const PERMISSION_SET_NOT_FOUND: &str = "PERMISSION_SET_NOT_FOUND";

/// Permission sets assigned per composite (each needs a query; the read-back takes one more).
const SETS_PER_REQUEST: usize = 4;

/// The ids the first write settled on.
pub(super) struct NewIds<'a> {
    pub user: &'a str,
    pub contact: &'a str,
}

/// Assigns the plan's permission sets and, when `verify` (a user created now), reads the user
/// back — setting its role on the way — and checks it.
pub(super) async fn assign_and_verify(
    cx: &ProvisionContext<'_>,
    writes: &ProvisionWrites,
    ids: &NewIds<'_>,
    verify: bool,
    steps: &mut Vec<String>,
) -> Result<(), ApplyError> {
    let new_role = writes.role.as_ref().filter(|_| verify);
    let chunks = requests(&writes.assign, verify, new_role.is_some());
    let last = chunks.len().saturating_sub(1);
    let user = RecordRef::Id(ids.user.to_owned());
    for (n, chunk) in chunks.iter().enumerate() {
        let mut request = CompositeRequest::new(false);
        assign(&mut request, chunk, &user);
        let check = verify && n == last;
        if check {
            read_back(&mut request, new_role, &user, cx.facts.site.as_ref());
        }
        let response = cx.client.composite(&request).await?;
        assigned(&response, chunk, steps)?;
        if check {
            if let Some(role) = new_role {
                role_found(&response, role)?;
                role_answer(&response)?;
                steps.push(format!("user.role_set:{}", role.level.name()));
            }
            verified(cx, &response, ids)?;
            steps.push("user.verified".to_owned());
        }
    }
    Ok(())
}

/// Whether a new user's permission sets and read-back fit in the request that creates it: one
/// query per set, one for the role's lookup, one for the site membership, within the five a
/// composite allows (the subrequests, at most twelve, stay well within 25).
pub(super) fn rides_along(writes: &ProvisionWrites) -> bool {
    writes.assign.len() + usize::from(writes.role.is_some()) < MAX_QUERIES
}

/// Adds the permission sets and the read-back to the request that creates the user (under
/// reference `user`), after the creation.
pub(super) fn ride_along(
    request: &mut CompositeRequest,
    cx: &ProvisionContext<'_>,
    writes: &ProvisionWrites,
) {
    let user = RecordRef::from(Reference::id_of("user"));
    assign(request, &writes.assign, &user);
    read_back(request, writes.role.as_ref(), &user, cx.facts.site.as_ref());
}

/// Checks what rode along with a creation the org answered: each set assigned, the role, and
/// the new user as read back. Returns the user's Account, as the org linked it.
pub(super) fn check_creation(
    cx: &ProvisionContext<'_>,
    writes: &ProvisionWrites,
    response: &CompositeResponse,
    ids: &NewIds<'_>,
    steps: &mut Vec<String>,
) -> Result<Option<String>, ApplyError> {
    assigned(response, &writes.assign, steps)?;
    if let Some(role) = &writes.role {
        role_found(response, role)?;
        role_answer(response)?;
        steps.push(format!("user.role_set:{}", role.level.name()));
    }
    verified(cx, response, ids)?;
    steps.push("user.verified".to_owned());
    Ok(response
        .get("check")
        .and_then(|c| c.record().ok())
        .and_then(|r| r.text("AccountId").map(str::to_owned)))
}

/// The permission sets of each request; the last also carries the read-back (so it is sent
/// even without sets), and one set less when the role goes with it.
fn requests(sets: &[String], verify: bool, with_role: bool) -> Vec<&[String]> {
    let last = if verify {
        SETS_PER_REQUEST - usize::from(with_role)
    } else {
        SETS_PER_REQUEST
    };
    let (head, tail) = sets.split_at(sets.len() - last.min(sets.len()));
    let mut chunks: Vec<&[String]> = head.chunks(SETS_PER_REQUEST).collect();
    if !tail.is_empty() || verify {
        chunks.push(tail);
    }
    chunks
}

/// Each set's assignment as the org answered it. Sets the org lacks are refused at once, by
/// name: a lookup that found nothing makes the assignment referring to it fail as
/// `PROCESSING_HALTED` ("Invalid reference specified"), which on its own reads as transient and
/// would be retried until the attempts run out.
fn assigned(
    response: &CompositeResponse,
    sets: &[String],
    steps: &mut Vec<String>,
) -> Result<(), ApplyError> {
    let mut missing = Vec::new();
    let mut failure = None;
    for (i, set) in sets.iter().enumerate() {
        let found = response
            .get(&format!("set{i}"))
            .and_then(|lookup| lookup.records().ok())
            .map(|records| !records.is_empty());
        if found == Some(false) {
            missing.push(format!("'{set}'"));
            continue;
        }
        match response.get(&format!("assign{i}")).and_then(|s| s.error()) {
            None => steps.push(format!("permission_set.assigned:{set}")),
            Some(e) => failure = failure.or(Some(e)),
        }
    }
    if !missing.is_empty() {
        return Err(ApplyError::refused(
            PERMISSION_SET_NOT_FOUND,
            format!(
                "the org has no permission set named {}: create it (or deploy it), or correct the name in the rule",
                missing.join(", ")
            ),
        ));
    }
    match failure {
        Some(e) => Err(CallError::Refused(e).into()),
        None => Ok(()),
    }
}

/// Each set looked up by name and assigned through a reference to the lookup's answer.
fn assign(request: &mut CompositeRequest, sets: &[String], user: &RecordRef) {
    for (i, set) in sets.iter().enumerate() {
        let q = format!("set{i}");
        request.query(
            &q,
            &format!("SELECT Id FROM PermissionSet WHERE Name = {}", quote(set)),
        );
        request.create(
            &format!("assign{i}"),
            "PermissionSetAssignment",
            fields(json!({
                "AssigneeId": user.as_str(),
                "PermissionSetId": Reference::new(&q, "records[0].Id").as_str(),
            })),
        );
    }
}

/// The new user's role, then the user and its site membership as the org now has them: of the
/// configured site (`[salesforce] site`), or of any site when none is named.
fn read_back(
    request: &mut CompositeRequest,
    role: Option<&RoleWrite>,
    user: &RecordRef,
    site: Option<&SiteFacts>,
) {
    if let Some(role) = role {
        move_to_role(request, role, user.clone());
    }
    request.get(
        "check",
        "User",
        user.clone(),
        &["Id", "IsActive", "ProfileId", "ContactId", "AccountId"],
    );
    let of_site = site
        .map(|s| format!(" AND NetworkId = {}", quote(&s.network_id)))
        .unwrap_or_default();
    request.query(
        "member",
        &format!(
            "SELECT Id FROM NetworkMember WHERE MemberId = {}{of_site}",
            quote(user.as_str())
        ),
    );
}

/// The role's lookup and the user's move to it, which both must have gone through.
fn role_answer(response: &CompositeResponse) -> Result<(), ApplyError> {
    match ["role", "role_user"]
        .into_iter()
        .find_map(|r| response.get(r).and_then(|s| s.error()))
    {
        Some(e) => Err(CallError::Refused(e).into()),
        None => Ok(()),
    }
}

/// Checks the read-back: the new user is active, has the profile, is linked to the Contact and
/// is a member of the site.
fn verified(
    cx: &ProvisionContext<'_>,
    response: &CompositeResponse,
    ids: &NewIds<'_>,
) -> Result<(), ApplyError> {
    let user = response
        .get("check")
        .ok_or_else(|| {
            ApplyError::refused("VERIFICATION_FAILED", "the new user could not be read back")
        })?
        .record()
        .map_err(CallError::Refused)?;
    let active = user.flag("IsActive") == Some(true);
    let profile_ok = user
        .text("ProfileId")
        .is_some_and(|p| same_id(p, &cx.profile.id));
    let linked = user
        .text("ContactId")
        .is_some_and(|c| same_id(c, ids.contact));
    let member = response
        .get("member")
        .and_then(|s| s.records().ok())
        .is_some_and(|r| !r.is_empty());
    if active && profile_ok && linked && member {
        return Ok(());
    }
    let site = match &cx.facts.site {
        Some(site) => format!("member of site '{}'", site.name),
        None => "site member".to_owned(),
    };
    Err(ApplyError::refused(
        "VERIFICATION_FAILED",
        format!(
            "user {} read back as active={active}, profile={profile_ok}, contact linked={linked}, {site}={member}; check the profile's licence, and that the profile or one of the rule's permission sets is a member of the site",
            ids.user
        ),
    ))
}

#[cfg(test)]
mod tests;
