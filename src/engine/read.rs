//! Reading what the org knows about one subject, in as few API calls as Salesforce allows.
//!
//! One composite request (`allOrNone: false`) carries the reads: the Account and its owner's
//! role (GETs, by key or id), then queries for the Contacts (keyed, or adoptable by email),
//! their user, its permission sets, the profile and — only where a freeze is to be made or
//! lifted — its login. A composite holds at most five
//! queries — GETs do not count — so the Account is read with GETs to keep even a first read
//! (no profile known yet, permission sets to compare) in one call. Should a read ever need more
//! than five queries, it is split in two.
//!
//! While the licence counts are stale, a provision's read brings them along (`UserLicense`),
//! again only when the query fits in the first request.
//!
//! When the rule asks for a portal role above the lowest, the Account's portal roles come too,
//! through a reference to the Account's answer — but only when the query fits in the first
//! request: it never adds a call (the write that sets the role finds a missing level anyway).

mod account;

use self::account::{ROLES, account_of, request_account, roles_of, with_account_roles};
use crate::domain::{AccountRef, Provision, SubjectKey};
use crate::engine::licences::{LICENCE_QUERY, LicenceCount};
use crate::engine::plan::{Observed, ObservedContact, ObservedProfile, ObservedUser};
use crate::salesforce::soql::quote;
use crate::salesforce::{CallError, CompositeRequest, MAX_QUERIES, Record, SalesforceClient};

/// The external-id fields that tie records to Gatehouse's keys.
#[derive(Debug, Clone)]
pub struct KeyFields {
    pub contact: String,
    pub account: String,
}

/// What a read looks for.
pub enum ReadFor<'a> {
    /// Everything a provision compares; `cached_profile` skips the profile query.
    /// `partner_accounts`: the org has `Account.IsPartner` (see `salesforce::OrgFacts`).
    Provision {
        intent: &'a Provision,
        adopt_by_email: bool,
        cached_profile: Option<ObservedProfile>,
        /// Whether to read the user's login: only when the lifecycle record says Gatehouse
        /// froze the person, so the provision may lift that freeze (see [`ReadFor::Deprovision`]).
        read_login: bool,
        partner_accounts: bool,
        /// Whether to read the licence counts too, when the query fits in the first request.
        read_licences: bool,
    },
    /// The user, for a deprovision; its login too when `freezing`.
    ///
    /// `UserLogin` needs Manage Users ("To access this object, you need the
    /// UserPermissions.ManageUsers permission", UserLogin in the Object Reference), which the
    /// integration user holds only through `Gatehouse_Integration_Freeze`, granted where the
    /// config can freeze. So only a freeze, or a provision undoing Gatehouse's own freeze, reads it.
    Deprovision { freezing: bool },
}

/// The reference of the licence counts' query.
const LICENCES: &str = "licences";

pub(in crate::engine) const USER_FIELDS: &str = "Id, Username, IsActive, ContactId, ProfileId, Profile.Name, Profile.UserLicense.Name, FirstName, LastName, Email, CommunityNickname, UserRoleId, UserRole.PortalRole";

/// Reads the subject's records; one API call, two when more than five queries are needed.
pub async fn observe(
    client: &SalesforceClient,
    subject: &SubjectKey,
    keys: &KeyFields,
    what: ReadFor<'_>,
) -> Result<Observed, CallError> {
    let (queries, account, cached_profile, partner_accounts) = match &what {
        ReadFor::Provision {
            intent,
            adopt_by_email,
            cached_profile,
            read_login,
            partner_accounts,
            read_licences,
        } => (
            with_licences(
                with_account_roles(
                    provision_queries(
                        subject,
                        keys,
                        intent,
                        *adopt_by_email,
                        cached_profile.is_none(),
                        *read_login,
                    ),
                    intent,
                ),
                *read_licences,
            ),
            Some(&intent.account),
            cached_profile.clone(),
            *partner_accounts,
        ),
        ReadFor::Deprovision { freezing } => (
            deprovision_queries(subject, keys, *freezing),
            None,
            None,
            true,
        ),
    };
    let mut rows: Vec<(&'static str, Vec<Record>)> = Vec::new();
    let mut observed_account = None;
    let mut account_roles = None;
    for (n, chunk) in queries.chunks(MAX_QUERIES).enumerate() {
        let mut request = CompositeRequest::new(false);
        let read_account = account.filter(|_| n == 0);
        if let Some(account) = read_account {
            request_account(&mut request, account, keys, partner_accounts);
        }
        for (reference, soql) in chunk {
            request.query(reference, soql);
        }
        let response = client.composite(&request).await?;
        if read_account.is_some() {
            observed_account = account_of(&response)?;
        }
        for (reference, _) in chunk {
            if *reference == ROLES {
                account_roles = roles_of(&response);
                continue;
            }
            let records = match response.get(reference) {
                Some(sub) => sub.records().map_err(CallError::Refused)?,
                None => Vec::new(),
            };
            rows.push((reference, records));
        }
    }
    let mut observed = assemble(rows, keys, cached_profile);
    observed.account = observed_account;
    observed.account_roles = account_roles;
    observed.customer_only_org = !partner_accounts;
    Ok(observed)
}

/// The queries of a provision's read: the Contacts (keyed, or adoptable by email), their user,
/// its permission sets, the profile unless it is known, and the login when `read_login`.
fn provision_queries(
    subject: &SubjectKey,
    keys: &KeyFields,
    intent: &Provision,
    adopt_by_email: bool,
    read_profile: bool,
    read_login: bool,
) -> Vec<(&'static str, String)> {
    let key = quote(subject.as_str());
    let ck = &keys.contact;
    let contact_of_account = match &intent.account {
        AccountRef::Key(k) => format!("Account.{} = {}", keys.account, quote(k)),
        AccountRef::Id(id) => format!("AccountId = {}", quote(id)),
    };
    // The Contact condition, written for Contact itself (prefix "") or for an object that
    // reaches it through a relationship path ("Contact.", "User.Contact.").
    let email = quote(&intent.contact.email);
    let contact_where = |p: &str| {
        let keyed = format!("{p}{ck} = {key}");
        if adopt_by_email {
            format!(
                "{keyed} OR ({p}Email = {email} AND {p}{ck} = null AND {p}{contact_of_account})"
            )
        } else {
            keyed
        }
    };
    let mut queries = vec![
        (
            "contacts",
            format!(
                "SELECT Id, AccountId, FirstName, LastName, Email, {ck} FROM Contact WHERE {}",
                contact_where("")
            ),
        ),
        (
            "users",
            format!(
                "SELECT {USER_FIELDS} FROM User WHERE {}",
                contact_where("Contact.")
            ),
        ),
    ];
    if read_login {
        queries.push((
            "logins",
            format!(
                "SELECT Id, UserId, IsFrozen FROM UserLogin WHERE {}",
                contact_where("User.Contact.")
            ),
        ));
    }
    if read_profile {
        queries.push((
            "profile",
            format!(
                "SELECT Id, Name, UserLicense.Name, UserLicense.LicenseDefinitionKey FROM Profile WHERE Name = {}",
                quote(&intent.profile)
            ),
        ));
    }
    if !intent.permission_sets.is_empty() {
        queries.push((
            "assignments",
            format!(
                "SELECT AssigneeId, PermissionSet.Name FROM PermissionSetAssignment WHERE {}",
                contact_where("Assignee.Contact.")
            ),
        ));
    }
    queries
}

/// Adds the licence counts' query when asked and it fits in the first request.
fn with_licences(
    mut queries: Vec<(&'static str, String)>,
    read_licences: bool,
) -> Vec<(&'static str, String)> {
    if read_licences && queries.len() < MAX_QUERIES {
        queries.push((LICENCES, LICENCE_QUERY.to_owned()));
    }
    queries
}

/// The queries of a deprovision's read: the keyed Contact's user, and its login when freezing.
fn deprovision_queries(
    subject: &SubjectKey,
    keys: &KeyFields,
    freezing: bool,
) -> Vec<(&'static str, String)> {
    let key = quote(subject.as_str());
    let ck = &keys.contact;
    let mut queries = vec![(
        "users",
        format!("SELECT {USER_FIELDS} FROM User WHERE Contact.{ck} = {key}"),
    )];
    if freezing {
        queries.push((
            "logins",
            format!("SELECT Id, UserId, IsFrozen FROM UserLogin WHERE User.Contact.{ck} = {key}"),
        ));
    }
    queries
}

/// One subject's rows, by the reference of the query they answer (`contacts`, `users`,
/// `logins`, `profile`, `assignments`), made into what the plan compares: the same assembly for a
/// read of one subject and for each subject of a batch's read.
pub(in crate::engine) fn assemble(
    rows: Vec<(&'static str, Vec<Record>)>,
    keys: &KeyFields,
    cached_profile: Option<ObservedProfile>,
) -> Observed {
    let mut observed = Observed {
        profile: cached_profile,
        ..Observed::default()
    };
    let mut contacts = Vec::new();
    let mut users = Vec::new();
    let mut logins = Vec::new();
    let mut assignments = Vec::new();
    for (reference, records) in rows {
        match reference {
            "contacts" => {
                contacts = records
                    .iter()
                    .filter_map(|r| contact(r, &keys.contact))
                    .collect()
            }
            "users" => users = records.iter().filter_map(user).collect(),
            "logins" => logins = records,
            "profile" => observed.profile = records.first().and_then(profile),
            "assignments" => assignments = records,
            LICENCES => observed.licences = Some(LicenceCount::from_records(&records)),
            _ => {}
        }
    }
    let (keyed, adoptable): (Vec<ObservedContact>, Vec<ObservedContact>) =
        contacts.into_iter().partition(|c| c.key.is_some());
    observed.keyed_contact = keyed.into_iter().next();
    observed.adoptable = adoptable;
    // The user of the keyed Contact wins over one of an adoptable Contact.
    let keyed_id = observed.keyed_contact.as_ref().map(|c| c.id.clone());
    users.sort_by_key(|u: &ObservedUser| u.contact_id.as_deref() != keyed_id.as_deref());
    observed.user = users.into_iter().next();
    if let Some(user) = &observed.user {
        observed.login = logins
            .iter()
            .find(|l| {
                l.text("UserId")
                    .is_some_and(|id| crate::engine::plan::same_id(id, &user.id))
            })
            .and_then(|l| Some((l.id()?.to_owned(), l.flag("IsFrozen").unwrap_or(false))));
        observed.permission_sets = assignments
            .iter()
            .filter(|a| {
                a.text("AssigneeId")
                    .is_some_and(|id| crate::engine::plan::same_id(id, &user.id))
            })
            .filter_map(|a| a.parent("PermissionSet")?.text("Name").map(str::to_owned))
            .collect();
    }
    observed
}

fn contact(r: &Record, key_field: &str) -> Option<ObservedContact> {
    Some(ObservedContact {
        id: r.id()?.to_owned(),
        account_id: r.text("AccountId").map(str::to_owned),
        first_name: r.text("FirstName").map(str::to_owned),
        last_name: r.text("LastName").map(str::to_owned),
        email: r.text("Email").map(str::to_owned),
        key: r.text(key_field).map(str::to_owned),
    })
}

fn user(r: &Record) -> Option<ObservedUser> {
    let profile = r.parent("Profile");
    Some(ObservedUser {
        id: r.id()?.to_owned(),
        username: r.text("Username").unwrap_or_default().to_owned(),
        is_active: r.flag("IsActive").unwrap_or(false),
        contact_id: r.text("ContactId").map(str::to_owned),
        profile_id: r.text("ProfileId").unwrap_or_default().to_owned(),
        profile_name: profile
            .as_ref()
            .and_then(|p| p.text("Name"))
            .map(str::to_owned),
        licence: profile
            .as_ref()
            .and_then(|p| p.parent("UserLicense"))
            .and_then(|l| l.text("Name").map(str::to_owned)),
        first_name: r.text("FirstName").map(str::to_owned),
        last_name: r.text("LastName").map(str::to_owned),
        email: r.text("Email").map(str::to_owned),
        nickname: r.text("CommunityNickname").map(str::to_owned),
        role_id: r.text("UserRoleId").map(str::to_owned),
        portal_role: r
            .parent("UserRole")
            .and_then(|role| role.text("PortalRole").map(str::to_owned)),
    })
}

fn profile(r: &Record) -> Option<ObservedProfile> {
    let licence = r.parent("UserLicense");
    Some(ObservedProfile {
        id: r.id()?.to_owned(),
        name: r.text("Name").unwrap_or_default().to_owned(),
        licence: licence
            .as_ref()
            .and_then(|l| l.text("Name"))
            .unwrap_or_default()
            .to_owned(),
        licence_key: licence
            .as_ref()
            .and_then(|l| l.text("LicenseDefinitionKey"))
            .map(str::to_owned),
    })
}
