//! Licence accounting. A user holds a licence of its profile's `UserLicense` while active,
//! whether frozen or not; deactivating (or disabling) frees it. `UsedLicenses` is kept current
//! on every user change so that queries read the truth.

use std::collections::HashMap;

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

/// Which licence each active user holds, and how many each licence has: kept by
/// [`recount_user`] so that a user write recounts in constant time, not by reading every user.
#[derive(Debug, Clone, Default)]
pub(crate) struct Holders {
    by_user: HashMap<String, String>,
    counts: HashMap<String, i64>,
}

/// Brings `UsedLicenses` up to date after a write of user `user_id`. The first call counts
/// every user (the fixture's included); later ones move only this user's licence.
pub(crate) fn recount_user(org: &mut Org, user_id: &str) {
    let Some(mut holders) = org.licence_holders.take() else {
        recount(org);
        return;
    };
    let active = org.store.get(user_id).is_some_and(|u| u.flag("IsActive"));
    let now = if active { of_user(org, user_id) } else { None };
    let before = match &now {
        Some(licence) => holders.by_user.insert(user_id.to_owned(), licence.clone()),
        None => holders.by_user.remove(user_id),
    };
    if before != now {
        for (licence, step) in [(before, -1), (now, 1)] {
            if let Some(licence) = licence {
                let count = holders.counts.entry(licence.clone()).or_default();
                *count += step;
                let used = *count;
                write_used(org, &licence, used);
            }
        }
    }
    org.licence_holders = Some(holders);
}

/// Counts active users per licence, writes `UsedLicenses` and keeps the holders for
/// [`recount_user`].
fn recount(org: &mut Org) {
    let mut holders = Holders::default();
    for user in org.store.of_type("User").filter(|u| u.flag("IsActive")) {
        if let Some(licence) = of_user(org, &user.id) {
            *holders.counts.entry(licence.clone()).or_default() += 1;
            holders.by_user.insert(user.id.clone(), licence);
        }
    }
    let licence_ids: Vec<String> = org
        .store
        .of_type("UserLicense")
        .map(|r| r.id.clone())
        .collect();
    for id in licence_ids {
        let used = holders.counts.get(&id).copied().unwrap_or(0);
        write_used(org, &id, used);
    }
    org.licence_holders = Some(holders);
}

fn write_used(org: &mut Org, licence_id: &str, used: i64) {
    if let Some(mut record) = org.store.get_mut(licence_id) {
        record
            .fields
            .insert("UsedLicenses".into(), Value::from(used));
    }
}

impl Org {
    /// Adds `by` to a licence's `TotalLicenses` (fixtures: a population brings its own seats).
    pub(crate) fn grow_licence(&mut self, licence_id: &str, by: i64) {
        if let Some(mut record) = self.store.get_mut(licence_id) {
            let total = record
                .fields
                .get("TotalLicenses")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            record.fields.insert(
                "TotalLicenses".into(),
                Value::from(total.saturating_add(by)),
            );
        }
    }
}
