//! Applying a deprovision: the writes of the plan, or — when the user id is already known —
//! one composite that reads the user's state and writes in the same call.

use serde_json::{Map, Value, json};

use super::applied::Applied;
use super::error::ApplyError;
use super::fields::only;
use crate::domain::{DeprovisionMode, LicenceEffect, SalesforceIds};
use crate::engine::plan::DeprovisionWrite;
use crate::salesforce::soql::quote;
use crate::salesforce::{CallError, CompositeRequest, Reference, SalesforceClient};

fn step_of(write: &DeprovisionWrite) -> &'static str {
    match write {
        DeprovisionWrite::Deactivate { .. } => "user.deactivated",
        DeprovisionWrite::Freeze { .. } => "user.frozen",
        DeprovisionWrite::Disable { .. } => "user.disabled",
    }
}

/// The record and field a write changes.
fn target(write: &DeprovisionWrite) -> (&'static str, &str, Map<String, Value>) {
    match write {
        DeprovisionWrite::Deactivate { user_id } => {
            ("User", user_id, only("IsActive", json!(false)))
        }
        DeprovisionWrite::Freeze { login_id } => {
            ("UserLogin", login_id, only("IsFrozen", json!(true)))
        }
        DeprovisionWrite::Disable { user_id } => {
            ("User", user_id, only("IsPortalEnabled", json!(false)))
        }
    }
}

/// Applies planned writes: one call for one write, a composite for several.
pub async fn apply_deprovision(
    client: &SalesforceClient,
    writes: &[DeprovisionWrite],
    user_id: Option<String>,
    licence_effect: LicenceEffect,
) -> Result<Applied, ApplyError> {
    match writes {
        [] => {}
        // One write needs no composite around it.
        [write] => {
            let (object, id, fields) = target(write);
            client.update(object, id, &fields).await?;
        }
        several => {
            let mut request = CompositeRequest::new(false);
            for (i, write) in several.iter().enumerate() {
                let (object, id, fields) = target(write);
                request.update(&format!("w{i}"), object, id, fields);
            }
            let response = client.composite(&request).await?;
            if let Some(e) = response.failure() {
                return Err(CallError::Refused(e).into());
            }
        }
    }
    Ok(Applied {
        ids: SalesforceIds {
            user_id,
            ..SalesforceIds::default()
        },
        steps: writes.iter().map(|w| step_of(w).to_owned()).collect(),
        licence_effect,
        username: None,
        nickname: None,
        welcome_email: None,
        email_change: None,
        changed: !writes.is_empty(),
    })
}

/// Deprovisions a user whose id the lifecycle record already holds, in one API call: the
/// composite reads the state first and writes after, so the outcome still says truthfully
/// whether anything changed. `None` when the id no longer names a user of this subject (the
/// caller then reads the org in full).
///
/// `lift_freeze`: the record says Gatehouse froze the person, and this deactivates them. The
/// freeze is lifted in the same call: a deactivated user cannot log in anyway, and a freeze
/// that outlived the record's `frozen` state would stay unseen by a later provision (which
/// reads `UserLogin` only when the record says frozen), leaving a reactivated user locked out.
pub async fn deprovision_known_user(
    client: &SalesforceClient,
    user_id: &str,
    mode: DeprovisionMode,
    licence: &str,
    lift_freeze: bool,
) -> Result<Option<Applied>, ApplyError> {
    let freezing = mode.freezes();
    let lift_freeze = lift_freeze && mode == DeprovisionMode::Deactivate;
    let request = read_then_write(user_id, mode, freezing, lift_freeze);
    let response = client.composite(&request).await?;
    let Some(before) = response.get("before") else {
        return Ok(None);
    };
    let before = match before.record() {
        Ok(record) if record.text("ContactId").is_some() => record,
        // Gone, or unlinked from its Contact (disabled): not this subject's user any more.
        _ => return Ok(None),
    };
    // A write halted because the login query was refused (no Manage Users: `INVALID_TYPE`)
    // reports that refusal, not the `PROCESSING_HALTED` it caused.
    if let Some(e) = response.get("write").and_then(|s| s.error()) {
        return Err(CallError::Refused(response.failure().unwrap_or(e)).into());
    }
    let was_active = before.flag("IsActive") == Some(true);
    let (changed, licence_effect, step) = if freezing {
        let was_frozen = response
            .get("login")
            .and_then(|s| s.records().ok())
            .and_then(|r| r.first().and_then(|l| l.flag("IsFrozen")))
            .unwrap_or(false);
        let kept = was_active && !was_frozen;
        let kept = effect(kept, || LicenceEffect::Kept {
            licence: licence.to_owned(),
        });
        (!was_frozen, kept, "user.frozen")
    } else {
        let freed = effect(was_active, || LicenceEffect::Freed {
            licence: licence.to_owned(),
        });
        match mode {
            DeprovisionMode::Disable => (true, freed, "user.disabled"),
            _ => (was_active, freed, "user.deactivated"),
        }
    };
    Ok(Some(Applied {
        ids: SalesforceIds {
            user_id: Some(user_id.to_owned()),
            ..SalesforceIds::default()
        },
        steps: [
            changed.then_some(step),
            lifted(&response).then_some("user.unfrozen"),
        ]
        .into_iter()
        .flatten()
        .map(str::to_owned)
        .collect(),
        licence_effect,
        username: None,
        nickname: None,
        welcome_email: None,
        email_change: None,
        changed,
    }))
}

/// Whether the composite lifted a freeze (see [`deprovision_known_user`]).
fn lifted(response: &crate::salesforce::CompositeResponse) -> bool {
    response
        .get("unfreeze")
        .is_some_and(|s| s.error().is_none())
}

/// The composite of [`deprovision_known_user`]: the user (and, to freeze, its login) as it is,
/// then the write, then — when `lift_freeze` — the login unfrozen.
fn read_then_write(
    user_id: &str,
    mode: DeprovisionMode,
    freezing: bool,
    lift_freeze: bool,
) -> CompositeRequest {
    let mut request = CompositeRequest::new(false);
    if freezing {
        request.get("before", "User", user_id, &["Id", "IsActive", "ContactId"]);
        request.query(
            "login",
            &format!(
                "SELECT Id, IsFrozen FROM UserLogin WHERE UserId = {}",
                quote(user_id)
            ),
        );
        request.update(
            "write",
            "UserLogin",
            Reference::new("login", "records[0].Id"),
            only("IsFrozen", json!(true)),
        );
    } else {
        request.get(
            "before",
            "User",
            user_id,
            &["Id", "IsActive", "IsPortalEnabled", "ContactId"],
        );
        let (field, value) = match mode {
            DeprovisionMode::Disable => ("IsPortalEnabled", json!(false)),
            _ => ("IsActive", json!(false)),
        };
        request.update("write", "User", user_id, only(field, value));
        if lift_freeze {
            request.query(
                "login",
                &format!("SELECT Id FROM UserLogin WHERE UserId = {}", quote(user_id)),
            );
            request.update(
                "unfreeze",
                "UserLogin",
                Reference::new("login", "records[0].Id"),
                only("IsFrozen", json!(false)),
            );
        }
    }
    request
}

/// The licence effect `made` when the write changed the licence's holding, else none.
fn effect(took: bool, made: impl FnOnce() -> LicenceEffect) -> LicenceEffect {
    if took {
        made()
    } else {
        LicenceEffect::Unchanged
    }
}
