//! Applying a deprovision: the writes of the plan, or — when the user id is already known —
//! one composite that reads the user's state and writes in the same call.

use serde_json::{Map, Value, json};

use super::{Applied, ApplyError};
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

fn only(field: &str, value: Value) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert(field.to_owned(), value);
    map
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
pub async fn deprovision_known_user(
    client: &SalesforceClient,
    user_id: &str,
    mode: DeprovisionMode,
    licence: &str,
) -> Result<Option<Applied>, ApplyError> {
    let mut request = CompositeRequest::new(false);
    let freezing = matches!(
        mode,
        DeprovisionMode::Freeze | DeprovisionMode::FreezeThenDeactivate { .. }
    );
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
    }
    let response = client.composite(&request).await?;
    let Some(before) = response.get("before") else {
        return Ok(None);
    };
    let before = match before.record() {
        Ok(record) if record.text("ContactId").is_some() => record,
        // Gone, or unlinked from its Contact (disabled): not this subject's user any more.
        _ => return Ok(None),
    };
    if let Some(e) = response.get("write").and_then(|s| s.error()) {
        return Err(CallError::Refused(e).into());
    }
    let was_active = before.flag("IsActive") == Some(true);
    let (changed, effect, step) = if freezing {
        let was_frozen = response
            .get("login")
            .and_then(|s| s.records().ok())
            .and_then(|r| r.first().and_then(|l| l.flag("IsFrozen")))
            .unwrap_or(false);
        let effect = if was_active && !was_frozen {
            LicenceEffect::Kept {
                licence: licence.to_owned(),
            }
        } else {
            LicenceEffect::Unchanged
        };
        (!was_frozen, effect, "user.frozen")
    } else if matches!(mode, DeprovisionMode::Disable) {
        let effect = if was_active {
            LicenceEffect::Freed {
                licence: licence.to_owned(),
            }
        } else {
            LicenceEffect::Unchanged
        };
        (true, effect, "user.disabled")
    } else {
        let effect = if was_active {
            LicenceEffect::Freed {
                licence: licence.to_owned(),
            }
        } else {
            LicenceEffect::Unchanged
        };
        (was_active, effect, "user.deactivated")
    };
    Ok(Some(Applied {
        ids: SalesforceIds {
            user_id: Some(user_id.to_owned()),
            ..SalesforceIds::default()
        },
        steps: if changed {
            vec![step.to_owned()]
        } else {
            vec![]
        },
        licence_effect: effect,
        username: None,
        nickname: None,
        welcome_email: None,
        email_change: None,
        changed,
    }))
}
