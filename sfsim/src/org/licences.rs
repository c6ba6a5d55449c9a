//! Licence accounting. A user holds a licence of its profile's `UserLicense` while active,
//! whether frozen or not; deactivating (or disabling) frees it. `UsedLicenses` is kept current
//! on every user change so that queries read the truth.

use serde::Serialize;
use serde_json::Value;

use super::Org;
use super::refusals::refuse;
use crate::error::ApiError;

/// One licence pool and its use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LicenceUsage {
    pub id: String,
    pub name: String,
    pub definition_key: String,
    pub total: i64,
    pub used: i64,
}

impl Org {
    /// Every licence pool with its total and current use.
    pub fn licences(&self) -> Vec<LicenceUsage> {
        self.store
            .of_type("UserLicense")
            .map(|r| LicenceUsage {
                id: r.id.clone(),
                name: r.text("Name").unwrap_or_default().to_owned(),
                definition_key: r
                    .text("LicenseDefinitionKey")
                    .unwrap_or_default()
                    .to_owned(),
                total: r.get("TotalLicenses").and_then(Value::as_i64).unwrap_or(0),
                used: r.get("UsedLicenses").and_then(Value::as_i64).unwrap_or(0),
            })
            .collect()
    }
}

/// The licence a user draws on (through its profile).
pub(crate) fn of_user(org: &Org, user_id: &str) -> Option<String> {
    let profile = org.text_of(user_id, "ProfileId")?;
    org.text_of(&profile, "UserLicenseId")
}

/// Counts active users per licence and writes `UsedLicenses`.
pub(crate) fn recount(org: &mut Org) {
    let holders: Vec<String> = org
        .store
        .of_type("User")
        .filter(|u| u.flag("IsActive"))
        .filter_map(|u| of_user(org, &u.id))
        .collect();
    let licence_ids: Vec<String> = org
        .store
        .of_type("UserLicense")
        .map(|r| r.id.clone())
        .collect();
    for id in licence_ids {
        let used = holders.iter().filter(|h| **h == id).count();
        if let Some(record) = org.store.get_mut(&id) {
            record
                .fields
                .insert("UsedLicenses".into(), Value::from(used as i64));
        }
    }
}

/// One more active user fits on the licence, or `LICENSE_LIMIT_EXCEEDED`.
pub(crate) fn ensure_room(org: &Org, licence_id: &str) -> Result<(), ApiError> {
    let Some(licence) = org.store.get(licence_id) else {
        return Ok(());
    };
    let total = licence
        .get("TotalLicenses")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let used = licence
        .get("UsedLicenses")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    if used >= total {
        return Err(refuse(
            "LICENSE_LIMIT_EXCEEDED",
            format!(
                "License Limit Exceeded - {}",
                licence.text("Name").unwrap_or_default()
            ),
            &[],
        ));
    }
    Ok(())
}
