//! The facts about the org that do not change while Gatehouse runs, read once: whether
//! `Account.IsPartner` exists (it exists only in orgs with a partner licence — Salesforce Help
//! 005321769 — and naming a missing field is `INVALID_FIELD`), and the Experience Cloud site
//! named by `[salesforce] site` (its `Network` id, status and welcome-email setting).
//!
//! One composite reads both (a describe and one query). [`OrgFactsCache`] keeps the answer
//! for the process's life; a failed read is not kept, so the next use tries again.

use thiserror::Error;
use tokio::sync::OnceCell;

use super::soql::quote;
use super::{CallError, CompositeRequest, SalesforceClient};

/// What Gatehouse knows of the org's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgFacts {
    /// `Account.IsPartner` exists: the org has a partner licence. Without it every Account is
    /// a customer Account and partner users cannot be made.
    pub partner_accounts: bool,
    /// The site `[salesforce] site` names; `None` when none is named.
    pub site: Option<SiteFacts>,
}

/// The named Experience Cloud site, as its `Network` record has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFacts {
    /// `Network.Name`.
    pub name: String,
    /// The `Network` id, which `NetworkMember.NetworkId` names.
    pub network_id: String,
    /// `Network.Status`: `Live`, `UnderConstruction` or `DownForMaintenance`.
    pub status: String,
    /// `Network.OptionsSendWelcomeEmail`: Workspaces → Administration → Emails, "Send welcome
    /// email".
    pub sends_welcome_email: bool,
}

impl SiteFacts {
    /// Only an active site sends welcome emails (Salesforce CLI reference, `community publish`:
    /// a site must be activated to send them).
    pub fn is_live(&self) -> bool {
        self.status == "Live"
    }
}

/// Why the facts could not be read.
#[derive(Debug, Error)]
pub enum DescribeError {
    /// The org could not be asked, or refused.
    #[error("the org's shape could not be read")]
    Call(#[from] CallError),
    /// `[salesforce] site` names a site the org does not have: a configuration mistake.
    #[error(
        "no Experience Cloud site named '{0}' in the org ([salesforce] site must be a Network's Name, as Setup → Digital Experiences → All Sites lists it)"
    )]
    SiteNotFound(String),
}

/// The facts, read once and kept.
#[derive(Debug, Default)]
pub struct OrgFactsCache {
    /// `[salesforce] site`.
    site: Option<String>,
    facts: OnceCell<OrgFacts>,
}

impl OrgFactsCache {
    /// A cache for an org whose configured site (`[salesforce] site`) is `site`.
    pub fn new(site: Option<&str>) -> OrgFactsCache {
        OrgFactsCache {
            site: site.map(str::to_owned),
            facts: OnceCell::new(),
        }
    }

    /// The facts, read through `client` the first time (and again after a failed read).
    pub async fn get(&self, client: &SalesforceClient) -> Result<&OrgFacts, DescribeError> {
        self.facts
            .get_or_try_init(|| read(client, self.site.as_deref()))
            .await
    }
}

/// Reads the facts: one composite call.
async fn read(client: &SalesforceClient, site: Option<&str>) -> Result<OrgFacts, DescribeError> {
    let mut request = CompositeRequest::new(false);
    request.describe("account", "Account");
    if let Some(name) = site {
        request.query(
            "site",
            &format!(
                "SELECT Id, Name, Status, OptionsSendWelcomeEmail FROM Network WHERE Name = {}",
                quote(name)
            ),
        );
    }
    let response = client.composite(&request).await?;
    let account = response
        .get("account")
        .ok_or_else(|| CallError::Unreadable {
            status: 200,
            detail: "the composite did not answer the Account describe".into(),
        })?
        .record()
        .map_err(CallError::Refused)?;
    let partner_accounts = account
        .get("fields")
        .and_then(serde_json::Value::as_array)
        .is_some_and(|fields| fields.iter().any(|f| f["name"] == "IsPartner"));
    let site = match site {
        None => None,
        Some(name) => {
            let rows = match response.get("site") {
                Some(answer) => answer.records().map_err(CallError::Refused)?,
                None => Vec::new(),
            };
            let row = rows
                .first()
                .ok_or_else(|| DescribeError::SiteNotFound(name.to_owned()))?;
            Some(SiteFacts {
                name: name.to_owned(),
                network_id: row.id().unwrap_or_default().to_owned(),
                status: row.text("Status").unwrap_or_default().to_owned(),
                sends_welcome_email: row.flag("OptionsSendWelcomeEmail").unwrap_or(false),
            })
        }
    };
    Ok(OrgFacts {
        partner_accounts,
        site,
    })
}
