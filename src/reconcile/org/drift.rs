//! Drift between the lifecycle records and the org, classified per person with the evidence.
//! Pure: the records, the last intents and the org's view in, findings out.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{Value, json};

use crate::domain::{Provision, SubjectKey};
use crate::reconcile::org_view::{OrgUser, OrgView};
use crate::store::{SubjectRecord, SubjectState};

/// Kinds of drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftClass {
    /// Active in the org, deactivated or frozen on the record: re-enabled by hand.
    Reenabled,
    /// Provisioned on the record, inactive in the org.
    Inactive,
    /// Provisioned on the record, login frozen in the org.
    Frozen,
    /// Provisioned on the record, no such user in the org.
    Missing,
    /// Provisioned on the record, disabled (`IsPortalEnabled` false) in the org.
    Disabled,
    /// Another profile than the last intent named.
    Profile,
    /// Another Account than the record's.
    Account,
    /// Another portal role level than the last intent named.
    Role,
    /// An external user no lifecycle record names.
    Unmanaged,
}

impl DriftClass {
    pub fn name(self) -> &'static str {
        match self {
            DriftClass::Reenabled => "reenabled",
            DriftClass::Inactive => "inactive",
            DriftClass::Frozen => "frozen",
            DriftClass::Missing => "missing",
            DriftClass::Disabled => "disabled",
            DriftClass::Profile => "profile",
            DriftClass::Account => "account",
            DriftClass::Role => "role",
            DriftClass::Unmanaged => "unmanaged",
        }
    }
}

/// One person's drift: what the record says, what the org says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Drift {
    pub class: DriftClass,
    pub subject_key: Option<String>,
    pub user_id: Option<String>,
    pub evidence: Value,
    /// For an unmanaged user: the Contact's key, when it is a usable subject key no record has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adoptable_as: Option<String>,
}

/// What the org said of users the view lacked: id → (active, portal enabled).
pub type Lookups = BTreeMap<String, (bool, bool)>;

/// Every drift, records first (in key order), then unmanaged users (in id order).
pub fn classify(
    records: &[SubjectRecord],
    intents: &BTreeMap<String, Provision>,
    view: &OrgView,
    lookups: &Lookups,
) -> Vec<Drift> {
    let mut drifts = Vec::new();
    let mut known: BTreeSet<&str> = BTreeSet::new();
    for record in records {
        let Some(user_id) = record.user_id.as_deref() else {
            continue;
        };
        known.insert(user_id);
        let key = record.subject_key.as_str();
        match view.users.get(user_id) {
            Some(user) => drifts.extend(compare(record, intents.get(key), user)),
            None if record.state == SubjectState::Provisioned => {
                let (class, org) = match lookups.get(user_id) {
                    Some((_, false)) => (DriftClass::Disabled, json!({"is_portal_enabled": false})),
                    Some((active, true)) => (
                        DriftClass::Missing,
                        json!({"is_active": active, "external": false}),
                    ),
                    None => (DriftClass::Missing, json!({"found": false})),
                };
                drifts.push(drift(class, record, user_id, org));
            }
            None => {}
        }
    }
    let taken: BTreeSet<&str> = records.iter().map(|r| r.subject_key.as_str()).collect();
    for user in view.users.values() {
        if known.contains(user.user_id.as_str()) || !user.portal_enabled {
            continue;
        }
        let adoptable_as = user
            .contact_key
            .as_deref()
            .filter(|k| SubjectKey::parse(k).is_ok() && !taken.contains(k))
            .map(str::to_owned);
        drifts.push(Drift {
            class: DriftClass::Unmanaged,
            subject_key: None,
            user_id: Some(user.user_id.clone()),
            evidence: json!({"org": org_facts(user)}),
            adoptable_as,
        });
    }
    drifts
}

/// A record whose user the org has.
fn compare(record: &SubjectRecord, intent: Option<&Provision>, user: &OrgUser) -> Vec<Drift> {
    let id = user.user_id.as_str();
    let org = org_facts(user);
    let can_log_in = user.active && !user.frozen && user.portal_enabled;
    let mut found = Vec::new();
    match record.state {
        SubjectState::Deactivated | SubjectState::Frozen if can_log_in => {
            found.push(drift(DriftClass::Reenabled, record, id, org.clone()));
        }
        SubjectState::Provisioned => {
            let lost = if !user.portal_enabled {
                Some(DriftClass::Disabled)
            } else if !user.active {
                Some(DriftClass::Inactive)
            } else if user.frozen {
                Some(DriftClass::Frozen)
            } else {
                None
            };
            if let Some(class) = lost {
                found.push(drift(class, record, id, org.clone()));
            }
            found.extend(changed(record, intent, user, &org));
        }
        _ => {}
    }
    found
}

/// Profile, Account and role against the last intent and the record.
fn changed(
    record: &SubjectRecord,
    intent: Option<&Provision>,
    user: &OrgUser,
    org: &Value,
) -> Vec<Drift> {
    let id = user.user_id.as_str();
    let mut found = Vec::new();
    if let Some(intent) = intent
        && user.profile.as_deref() != Some(intent.profile.as_str())
    {
        let mut d = drift(DriftClass::Profile, record, id, org.clone());
        d.evidence["intent"] = json!({"profile": intent.profile});
        found.push(d);
    }
    if let Some(account) = record.account_id.as_deref()
        && user.account_id.as_deref() != Some(account)
    {
        found.push(drift(DriftClass::Account, record, id, org.clone()));
    }
    if let Some(level) = intent.and_then(|i| i.role)
        && user.portal_role.as_deref() != Some(level.portal_role())
    {
        let mut d = drift(DriftClass::Role, record, id, org.clone());
        d.evidence["intent"] = json!({"role": level.name(), "portal_role": level.portal_role()});
        found.push(d);
    }
    found
}

fn drift(class: DriftClass, record: &SubjectRecord, user_id: &str, org: Value) -> Drift {
    Drift {
        class,
        subject_key: Some(record.subject_key.as_str().to_owned()),
        user_id: Some(user_id.to_owned()),
        evidence: json!({
            "record": {
                "state": record.state, "account_id": record.account_id,
                "contact_id": record.contact_id, "licence": record.licence,
            },
            "org": org,
        }),
        adoptable_as: None,
    }
}

fn org_facts(user: &OrgUser) -> Value {
    json!({
        "is_active": user.active, "is_frozen": user.frozen,
        "is_portal_enabled": user.portal_enabled, "profile": user.profile,
        "portal_role": user.portal_role, "account_id": user.account_id,
        "contact_id": user.contact_id, "contact_key": user.contact_key,
    })
}

#[cfg(test)]
mod tests;
