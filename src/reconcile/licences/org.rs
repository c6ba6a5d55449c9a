//! What the org says about its licences and their holders: a handful of queries, each read
//! page by page (the query client follows `nextRecordsUrl`), never one call per person.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::engine::licences::LicenceCount;
use crate::salesforce::soql::quote_list;
use crate::salesforce::{CallError, Record, SalesforceClient};

/// One licence type as `UserLicense` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgLicence {
    pub name: String,
    /// `LicenseDefinitionKey` (`PID_Customer_Community_Login`).
    pub definition_key: Option<String>,
    pub total: i64,
    pub used: i64,
}

/// An active user holding a licence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgUser {
    pub id: String,
    pub profile: Option<String>,
    pub licence: Option<String>,
    pub last_login: Option<DateTime<Utc>>,
    pub created: Option<DateTime<Utc>>,
    /// Assigned permission sets among those the exemptions name.
    pub exempt_sets: Vec<String>,
}

impl OrgUser {
    /// The last sign of life: the last login, or the user's creation when never logged in.
    pub fn last_seen(&self) -> Option<DateTime<Utc>> {
        self.last_login.or(self.created)
    }
}

/// The org's licences and every active user, as read now.
#[derive(Debug, Clone, Default)]
pub struct OrgLicences {
    pub licences: Vec<OrgLicence>,
    pub users: Vec<OrgUser>,
    /// The API calls the read took.
    pub calls: u64,
}

const LICENCES: &str =
    "SELECT Name, LicenseDefinitionKey, TotalLicenses, UsedLicenses FROM UserLicense";
const USERS: &str = "SELECT Id, CreatedDate, LastLoginDate, Profile.Name, Profile.UserLicense.Name FROM User WHERE IsActive = true";

/// Reads the licences, the active users, and who among them holds one of `exempt_sets`.
pub async fn read(
    client: &SalesforceClient,
    exempt_sets: &[String],
) -> Result<OrgLicences, CallError> {
    let before = client.calls_sent();
    let licence_rows = client.query(LICENCES).await?.records;
    let counts = LicenceCount::from_records(&licence_rows);
    let licences = licence_rows
        .iter()
        .zip(counts)
        .map(|(row, count)| OrgLicence {
            name: count.name,
            definition_key: row.text("LicenseDefinitionKey").map(str::to_owned),
            total: count.total,
            used: count.used,
        })
        .collect();
    let mut holders: HashMap<String, Vec<String>> = HashMap::new();
    if !exempt_sets.is_empty() {
        let soql = format!(
            "SELECT AssigneeId, PermissionSet.Name FROM PermissionSetAssignment WHERE Assignee.IsActive = true AND PermissionSet.Name IN ({})",
            quote_list(exempt_sets.iter().map(String::as_str))
        );
        for row in client.query(&soql).await?.records {
            let set = row.parent("PermissionSet");
            if let (Some(user), Some(name)) = (
                row.text("AssigneeId"),
                set.as_ref().and_then(|s| s.text("Name")),
            ) {
                holders.entry(id15(user)).or_default().push(name.to_owned());
            }
        }
    }
    let mut seen = HashSet::new();
    let users = client
        .query(USERS)
        .await?
        .records
        .iter()
        .filter_map(|r| user(r, &mut holders))
        .filter(|u| seen.insert(id15(&u.id)))
        .collect();
    Ok(OrgLicences {
        licences,
        users,
        calls: client.calls_sent().saturating_sub(before),
    })
}

fn user(r: &Record, holders: &mut HashMap<String, Vec<String>>) -> Option<OrgUser> {
    let id = r.id()?.to_owned();
    let profile = r.parent("Profile");
    Some(OrgUser {
        exempt_sets: holders.remove(&id15(&id)).unwrap_or_default(),
        profile: profile
            .as_ref()
            .and_then(|p| p.text("Name"))
            .map(str::to_owned),
        licence: profile
            .as_ref()
            .and_then(|p| p.parent("UserLicense"))
            .and_then(|l| l.text("Name").map(str::to_owned)),
        last_login: r.text("LastLoginDate").and_then(parse_time),
        created: r.text("CreatedDate").and_then(parse_time),
        id,
    })
}

/// The first 15 characters: the case-sensitive id both forms share.
pub fn id15(id: &str) -> String {
    id.get(..15).unwrap_or(id).to_owned()
}

/// A timestamp as the REST API writes it (`2026-01-31T08:00:00.000+0000`).
fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.3f%z")
        .or_else(|_| DateTime::parse_from_rfc3339(text))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
