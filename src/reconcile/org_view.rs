//! The org as reconciliation sees it: every external user (a User with a Contact) with their
//! profile, role, Account and Contact key, and whether their login is frozen — read in query
//! batches (`nextRecordsUrl`), never a call per person.

use std::collections::{BTreeMap, BTreeSet};

use crate::salesforce::{CallError, Paging, Record, SalesforceClient, soql};

/// One external user as the org shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgUser {
    pub user_id: String,
    pub active: bool,
    pub portal_enabled: bool,
    pub frozen: bool,
    pub profile: Option<String>,
    /// `UserRole.PortalRole`: `Worker`, `Manager` or `Executive`.
    pub portal_role: Option<String>,
    pub account_id: Option<String>,
    pub contact_id: Option<String>,
    /// The Contact's key field (the subject key Gatehouse files the person under).
    pub contact_key: Option<String>,
}

/// Every external user, by user id, and what reading them cost.
#[derive(Debug, Clone, Default)]
pub struct OrgView {
    pub users: BTreeMap<String, OrgUser>,
    /// Query batches read (each an API call).
    pub calls: u64,
}

/// Reads every external user of the org, then the frozen logins, in batches of
/// `paging.batch_size`. `contact_key_field` is the Contact field holding subject keys.
pub async fn read(
    client: &SalesforceClient,
    contact_key_field: &str,
    paging: &Paging<'_>,
) -> Result<OrgView, CallError> {
    let field = contact_key_field;
    let users = client
        .query_paged(
            &format!(
                "SELECT Id, IsActive, IsPortalEnabled, Profile.Name, UserRole.PortalRole, \
                 AccountId, ContactId, Contact.{field} FROM User WHERE ContactId != null"
            ),
            paging,
        )
        .await?;
    let mut view = OrgView {
        calls: users.batches,
        ..OrgView::default()
    };
    for record in &users.records {
        if let Some(user) = org_user(record, field) {
            view.users.insert(user.user_id.clone(), user);
        }
    }
    let frozen = client
        .query_paged(
            "SELECT UserId FROM UserLogin WHERE IsFrozen = true",
            &Paging {
                batch_size: paging.batch_size,
                on_batch: None,
            },
        )
        .await?;
    view.calls += frozen.batches;
    for login in &frozen.records {
        if let Some(user) = login.text("UserId").and_then(|id| view.users.get_mut(id)) {
            user.frozen = true;
        }
    }
    Ok(view)
}

/// Users the view lacks, looked up by id in `IN` lists (disabled users lose their Contact and
/// so their place in the view): ids answered with whether each is active and portal-enabled.
pub async fn lookup_missing(
    client: &SalesforceClient,
    ids: &BTreeSet<String>,
) -> Result<(BTreeMap<String, (bool, bool)>, u64), CallError> {
    let mut found = BTreeMap::new();
    let mut calls = 0;
    let ids: Vec<&String> = ids.iter().collect();
    for chunk in ids.chunks(300) {
        let list = chunk
            .iter()
            .map(|id| soql::quote(id))
            .collect::<Vec<_>>()
            .join(",");
        let result = client
            .query(&format!(
                "SELECT Id, IsActive, IsPortalEnabled FROM User WHERE Id IN ({list})"
            ))
            .await?;
        calls += result.batches;
        for record in &result.records {
            if let Some(id) = record.id() {
                found.insert(
                    id.to_owned(),
                    (
                        record.flag("IsActive").unwrap_or(false),
                        record.flag("IsPortalEnabled").unwrap_or(false),
                    ),
                );
            }
        }
    }
    Ok((found, calls))
}

fn org_user(record: &Record, key_field: &str) -> Option<OrgUser> {
    let contact = record.parent("Contact");
    Some(OrgUser {
        user_id: record.id()?.to_owned(),
        active: record.flag("IsActive").unwrap_or(false),
        portal_enabled: record.flag("IsPortalEnabled").unwrap_or(true),
        frozen: false,
        profile: record
            .parent("Profile")
            .and_then(|p| p.text("Name").map(str::to_owned)),
        portal_role: record
            .parent("UserRole")
            .and_then(|r| r.text("PortalRole").map(str::to_owned)),
        account_id: record.text("AccountId").map(str::to_owned),
        contact_id: record.text("ContactId").map(str::to_owned),
        contact_key: contact.and_then(|c| c.text(key_field).map(str::to_owned)),
    })
}
