//! The reads: everything the checks look at, in two composite requests (five queries at most
//! each, describes not counted).

use serde_json::Value;

use super::needs::Needs;
use crate::salesforce::soql::quote_list;
use crate::salesforce::{
    CallError, CompositeRequest, CompositeResponse, Record, SalesforceClient, SalesforceError,
    UNRECOGNISED_ANSWER,
};

/// What one read answered: the rows, or Salesforce's refusal of that read alone.
pub(super) type Seen<T> = Result<T, SalesforceError>;

/// A field as the run-as user's describe shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FieldSeen {
    pub name: String,
    pub external_id: bool,
}

/// The org's setup as the run-as user sees it.
pub(super) struct OrgView {
    pub contact_fields: Seen<Vec<FieldSeen>>,
    pub account_fields: Seen<Vec<FieldSeen>>,
    /// The rules' profiles, with their licence's name and counts.
    pub profiles: Seen<Vec<Record>>,
    /// The rules' permission sets.
    pub permission_sets: Seen<Vec<Record>>,
    /// Every site (`Network`).
    pub networks: Seen<Vec<Record>>,
    /// Every profile or permission set that is a member of a site.
    pub member_groups: Seen<Vec<Record>>,
}

/// Keyed Accounts whose owner holds no role: how many, and the first few.
pub(super) struct UnroledOwners {
    pub count: u64,
    pub first: Vec<Record>,
}

/// How many Accounts the owners' check names.
const NAMED_ACCOUNTS: usize = 5;

/// Reads the setup in one composite: the two describes and four queries.
pub(super) async fn read_setup(
    client: &SalesforceClient,
    needs: &Needs,
) -> Result<OrgView, CallError> {
    let mut request = CompositeRequest::new(false);
    request
        .describe("contactDescribe", "Contact")
        .describe("accountDescribe", "Account");
    let profiles = needs.profiles();
    if !profiles.is_empty() {
        request.query(
            "profiles",
            &format!(
                "SELECT Id, Name, UserLicense.Name, UserLicense.TotalLicenses, UserLicense.UsedLicenses FROM Profile WHERE Name IN ({})",
                quote_list(profiles.iter().copied())
            ),
        );
    }
    let sets = needs.permission_sets();
    if !sets.is_empty() {
        request.query(
            "permissionSets",
            &format!(
                "SELECT Id, Name FROM PermissionSet WHERE Name IN ({})",
                quote_list(sets.iter().copied())
            ),
        );
    }
    request
        .query(
            "networks",
            "SELECT Id, Name, Status, OptionsSendWelcomeEmail FROM Network",
        )
        .query(
            "memberGroups",
            "SELECT NetworkId, ParentId FROM NetworkMemberGroup",
        );
    let response = client.composite(&request).await?;
    let rows_or_none = |reference: &str, asked: bool| {
        if asked {
            rows(&response, reference)
        } else {
            Ok(Vec::new())
        }
    };
    Ok(OrgView {
        contact_fields: fields(&response, "contactDescribe"),
        account_fields: fields(&response, "accountDescribe"),
        profiles: rows_or_none("profiles", !profiles.is_empty()),
        permission_sets: rows_or_none("permissionSets", !sets.is_empty()),
        networks: rows(&response, "networks"),
        member_groups: rows(&response, "memberGroups"),
    })
}

/// Keyed Accounts (`account_key` set) whose owner has no role, in one composite: a count and
/// the first few by name.
pub(super) async fn unroled_owners(
    client: &SalesforceClient,
    account_key: &str,
) -> Result<Seen<UnroledOwners>, CallError> {
    let filter = format!("{account_key} != null AND Owner.UserRoleId = null");
    let mut request = CompositeRequest::new(false);
    request
        .query(
            "unroledCount",
            &format!("SELECT COUNT() FROM Account WHERE {filter}"),
        )
        .query(
            "unroledFirst",
            &format!(
                "SELECT Id, Name, OwnerId FROM Account WHERE {filter} ORDER BY Name LIMIT {NAMED_ACCOUNTS}"
            ),
        );
    let response = client.composite(&request).await?;
    let count = subresponse(&response, "unroledCount").and_then(|sub| {
        sub.error().map_or(Ok(()), Err)?;
        Ok(sub
            .body
            .get("totalSize")
            .and_then(Value::as_u64)
            .unwrap_or(0))
    });
    Ok(count.and_then(|count| {
        Ok(UnroledOwners {
            count,
            first: rows(&response, "unroledFirst")?,
        })
    }))
}

fn subresponse<'a>(
    response: &'a CompositeResponse,
    reference: &str,
) -> Seen<&'a crate::salesforce::SubResponse> {
    response.get(reference).ok_or_else(|| {
        SalesforceError::new(
            None,
            UNRECOGNISED_ANSWER,
            format!("the composite answer has no subresponse {reference}"),
            vec![],
        )
    })
}

fn rows(response: &CompositeResponse, reference: &str) -> Seen<Vec<Record>> {
    subresponse(response, reference)?.records()
}

fn fields(response: &CompositeResponse, reference: &str) -> Seen<Vec<FieldSeen>> {
    let sub = subresponse(response, reference)?;
    if let Some(error) = sub.error() {
        return Err(error);
    }
    let listed = sub
        .body
        .get("fields")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    Ok(listed
        .iter()
        .filter_map(|field| {
            Some(FieldSeen {
                name: field.get("name")?.as_str()?.to_owned(),
                external_id: field
                    .get("externalId")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            })
        })
        .collect())
}
