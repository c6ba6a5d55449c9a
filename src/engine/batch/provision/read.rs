//! The batch's read: what a single provision's read asks about one person, asked about every
//! person of the group at once — each query's `=` turned into an `IN` list over the group's
//! keys ([`super::split`] keeps each within the URI limit), the queries packed five to a
//! composite — and the rows dealt back to each person, who then gets the same [`Observed`] a
//! read of that person alone would give (`engine::read::assemble`).
//!
//! The Account is a query here, not a GET by key as in a single read: GETs cannot share a
//! request between Accounts, and one query reads every Account of the group with its owner's
//! role (`Owner.UserRoleId`). The Accounts' portal roles come too, one query for every Account
//! of the group whose people a rule puts above the lowest level (`PortalAccount.{key} IN`, or
//! `PortalAccountId IN`), dealt to those people: a level their Account lacks is then refused
//! before anything is written, as a single read refuses it.

use std::collections::HashMap;

use self::accounts::{above_lowest, account_of, role_families};
use super::split::{InQuery, split_in};
use crate::domain::{AccountRef, Provision};
use crate::engine::batch::BatchLimits;
use crate::engine::plan::{Observed, ObservedProfile, ObservedRole, same_id};
use crate::engine::read::{KeyFields, USER_FIELDS, assemble};
use crate::salesforce::{CallError, Record, SalesforceClient};

/// One person to read for.
pub(super) struct Wanted<'a> {
    pub subject: &'a str,
    pub intent: &'a Provision,
    /// The lifecycle record says Gatehouse froze the person: read the login to lift it.
    pub read_login: bool,
}

/// What the read needs besides the people.
pub(super) struct ReadSetup<'a> {
    pub keys: &'a KeyFields,
    pub adopt_by_email: bool,
    /// The org has `Account.IsPartner`.
    pub partner_accounts: bool,
    /// Profiles already read, by name: not asked again.
    pub profiles: &'a HashMap<String, ObservedProfile>,
    pub limits: &'a BatchLimits,
}

/// Which of a single read's queries a batch query stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Family {
    AccountsByKey,
    AccountsById,
    Contacts,
    Adoptable,
    Users,
    AdoptableUsers,
    Logins,
    Profiles,
    Assignments,
    AdoptableAssignments,
    /// The permission sets the group's rules name, by name: what their assignments will need.
    PermissionSets,
    /// The portal roles of the Accounts whose people take a level above the lowest.
    RolesByKey,
    RolesById,
}

/// Lowercase, for matching rows to people as SOQL's `=` does (text compares without case).
fn fold(text: &str) -> String {
    text.to_lowercase()
}

/// The queries of the read, each with the family its rows belong to.
fn queries(setup: &ReadSetup<'_>, wanted: &[Wanted<'_>], base: usize) -> Vec<(Family, String)> {
    let mut out = Vec::new();
    let mut families = families(setup, wanted);
    // Looked up now, in the read's composite when it has room, rather than in a request of
    // their own before the assignments.
    let sets = wanted
        .iter()
        .flat_map(|w| w.intent.permission_sets.iter().map(String::as_str))
        .collect();
    families.push((
        Family::PermissionSets,
        "SELECT Id, Name FROM PermissionSet WHERE Name IN ".to_owned(),
        sets,
    ));
    for (family, head, mut values) in families {
        values.sort_unstable();
        values.dedup();
        if values.is_empty() {
            continue;
        }
        let query = InQuery {
            head: &head,
            tail: "",
        };
        let most = setup.limits.records;
        for soql in split_in(&query, &values, base, setup.limits.uri_bytes, most) {
            out.push((family, soql));
        }
    }
    out
}

/// Each family's query up to its `IN`, and the values to list: a single read's conditions on
/// one person, over the group.
fn families<'w>(
    setup: &ReadSetup<'_>,
    wanted: &'w [Wanted<'w>],
) -> Vec<(Family, String, Vec<&'w str>)> {
    let ck = &setup.keys.contact;
    let ak = &setup.keys.account;
    let partner = if setup.partner_accounts {
        ", IsPartner"
    } else {
        ""
    };
    let accounts =
        format!("SELECT Id, Name, OwnerId, Owner.UserRoleId{partner}, {ak} FROM Account WHERE");
    let contacts =
        format!("SELECT Id, AccountId, FirstName, LastName, Email, {ck} FROM Contact WHERE");
    let users = format!("SELECT {USER_FIELDS} FROM User WHERE");
    let assignments = "SELECT AssigneeId, PermissionSet.Name FROM PermissionSetAssignment WHERE";
    let pick = |keep: &dyn Fn(&Wanted<'_>) -> bool, value: &dyn Fn(&'w Wanted<'w>) -> &'w str| {
        wanted
            .iter()
            .filter(|w| keep(w))
            .map(value)
            .collect::<Vec<&'w str>>()
    };
    let subject = |w: &'w Wanted<'w>| w.subject;
    let email = |w: &'w Wanted<'w>| w.intent.contact.email.as_str();
    let all = |_: &Wanted<'_>| true;
    let with_sets = |w: &Wanted<'_>| !w.intent.permission_sets.is_empty();
    let account_key = |w: &'w Wanted<'w>| match &w.intent.account {
        AccountRef::Key(k) => k.as_str(),
        AccountRef::Id(_) => "",
    };
    let account_id = |w: &'w Wanted<'w>| match &w.intent.account {
        AccountRef::Id(id) => id.as_str(),
        AccountRef::Key(_) => "",
    };
    let by_key = |w: &Wanted<'_>| matches!(w.intent.account, AccountRef::Key(_));
    let by_id = |w: &Wanted<'_>| matches!(w.intent.account, AccountRef::Id(_));
    let unknown = |w: &Wanted<'_>| !setup.profiles.contains_key(&w.intent.profile);
    let mut families = vec![
        (Family::AccountsByKey, format!("{accounts} {ak} IN "), pick(&by_key, &account_key)),
        (Family::AccountsById, format!("{accounts} Id IN "), pick(&by_id, &account_id)),
        (Family::Contacts, format!("{contacts} {ck} IN "), pick(&all, &subject)),
        (Family::Users, format!("{users} Contact.{ck} IN "), pick(&all, &subject)),
        (
            Family::Logins,
            format!("SELECT Id, UserId, IsFrozen FROM UserLogin WHERE User.Contact.{ck} IN "),
            pick(&|w| w.read_login, &subject),
        ),
        (
            Family::Profiles,
            "SELECT Id, Name, UserLicense.Name, UserLicense.LicenseDefinitionKey FROM Profile WHERE Name IN ".to_owned(),
            pick(&unknown, &|w| w.intent.profile.as_str()),
        ),
        (
            Family::Assignments,
            format!("{assignments} Assignee.Contact.{ck} IN "),
            pick(&with_sets, &subject),
        ),
    ];
    families.extend(role_families(setup, wanted));
    if setup.adopt_by_email {
        families.extend([
            (
                Family::Adoptable,
                format!("{contacts} {ck} = null AND Email IN "),
                pick(&all, &email),
            ),
            (
                Family::AdoptableUsers,
                format!("{users} Contact.{ck} = null AND Contact.Email IN "),
                pick(&all, &email),
            ),
            (
                Family::AdoptableAssignments,
                format!(
                    "{assignments} Assignee.Contact.{ck} = null AND Assignee.Contact.Email IN "
                ),
                pick(&with_sets, &email),
            ),
        ]);
    }
    families
}

/// What the group's read found.
pub(super) struct Read {
    /// Each person's, in the order of `wanted`.
    pub observed: Vec<Observed>,
    /// The permission sets the group's rules name that the org has (`Id`, `Name`).
    pub permission_sets: Vec<Record>,
}

/// Reads every person's records: one composite per five queries.
pub(super) async fn observe_all(
    client: &SalesforceClient,
    setup: &ReadSetup<'_>,
    wanted: &[Wanted<'_>],
) -> Result<Read, CallError> {
    let base = client.paths().base().len();
    let queries = queries(setup, wanted, base);
    let soql: Vec<String> = queries.iter().map(|(_, q)| q.clone()).collect();
    let answers = super::queries::run(client, setup.limits, &soql).await?;
    let mut rows: HashMap<Family, Vec<Record>> = HashMap::new();
    for ((family, _), records) in queries.iter().zip(answers) {
        rows.entry(*family).or_default().extend(records);
    }
    let permission_sets = rows.remove(&Family::PermissionSets).unwrap_or_default();
    Ok(Read {
        observed: deal(setup, wanted, &Rows::index(setup.keys, rows)),
        permission_sets,
    })
}

/// The read's rows, indexed the ways people are matched to them.
#[derive(Default)]
struct Rows {
    accounts: Vec<Record>,
    /// Contacts by key, and those without a key by email.
    contacts: HashMap<String, Vec<Record>>,
    adoptable: HashMap<String, Vec<Record>>,
    /// Users, logins and assignments by the id (15 characters) of their Contact or user.
    users: HashMap<String, Vec<Record>>,
    logins: HashMap<String, Vec<Record>>,
    assignments: HashMap<String, Vec<Record>>,
    profiles: Vec<Record>,
    /// Portal roles by the id (15 characters) of their Account.
    roles: HashMap<String, Vec<ObservedRole>>,
}

fn id15(id: &str) -> String {
    id.get(..15).unwrap_or(id).to_owned()
}

impl Rows {
    fn index(keys: &KeyFields, mut rows: HashMap<Family, Vec<Record>>) -> Rows {
        let mut index = Rows::default();
        let mut take = |f: Family| rows.remove(&f).unwrap_or_default();
        index.accounts = take(Family::AccountsByKey);
        index.accounts.extend(take(Family::AccountsById));
        index.profiles = take(Family::Profiles);
        for r in take(Family::RolesByKey)
            .into_iter()
            .chain(take(Family::RolesById))
        {
            if let Some(account) = r.text("PortalAccountId") {
                index
                    .roles
                    .entry(id15(account))
                    .or_default()
                    .push(ObservedRole {
                        portal_type: r.text("PortalType").unwrap_or_default().to_owned(),
                        portal_role: r.text("PortalRole").unwrap_or_default().to_owned(),
                    });
            }
        }
        for r in take(Family::Contacts)
            .into_iter()
            .chain(take(Family::Adoptable))
        {
            match (r.text(&keys.contact), r.text("Email")) {
                (Some(key), _) => index.contacts.entry(fold(key)).or_default().push(r),
                (None, Some(email)) => index.adoptable.entry(fold(email)).or_default().push(r),
                (None, None) => {}
            }
        }
        let mut seen_users = std::collections::HashSet::new();
        for r in take(Family::Users)
            .into_iter()
            .chain(take(Family::AdoptableUsers))
        {
            if let (Some(id), Some(contact)) = (r.id(), r.text("ContactId"))
                && seen_users.insert(id15(id))
            {
                index.users.entry(id15(contact)).or_default().push(r);
            }
        }
        for r in take(Family::Logins) {
            if let Some(user) = r.text("UserId") {
                index.logins.entry(id15(user)).or_default().push(r);
            }
        }
        for r in take(Family::Assignments)
            .into_iter()
            .chain(take(Family::AdoptableAssignments))
        {
            if let Some(user) = r.text("AssigneeId") {
                index.assignments.entry(id15(user)).or_default().push(r);
            }
        }
        index
    }
}

/// Each person's rows, assembled as a read of that person alone would be.
fn deal(setup: &ReadSetup<'_>, wanted: &[Wanted<'_>], rows: &Rows) -> Vec<Observed> {
    wanted
        .iter()
        .map(|w| {
            let account = account_of(setup, w.intent, &rows.accounts);
            let mut contacts: Vec<Record> = rows
                .contacts
                .get(&fold(w.subject))
                .cloned()
                .unwrap_or_default();
            if setup.adopt_by_email
                && let Some(account) = &account
            {
                let same_account =
                    |r: &&Record| r.text("AccountId").is_some_and(|a| same_id(a, &account.id));
                let adoptable = rows.adoptable.get(&fold(&w.intent.contact.email));
                contacts.extend(
                    adoptable
                        .into_iter()
                        .flatten()
                        .filter(same_account)
                        .cloned(),
                );
            }
            let users: Vec<Record> = contacts
                .iter()
                .filter_map(|c| rows.users.get(&id15(c.id()?)))
                .flatten()
                .cloned()
                .collect();
            let of_users = |index: &HashMap<String, Vec<Record>>| -> Vec<Record> {
                users
                    .iter()
                    .filter_map(|u| index.get(&id15(u.id()?)))
                    .flatten()
                    .cloned()
                    .collect()
            };
            let (logins, assignments) = (of_users(&rows.logins), of_users(&rows.assignments));
            let cached = setup.profiles.get(&w.intent.profile).cloned();
            let mut person = vec![
                ("contacts", contacts),
                ("users", users),
                ("logins", logins),
                ("assignments", assignments),
            ];
            if cached.is_none() {
                let profile = rows
                    .profiles
                    .iter()
                    .filter(|p| {
                        p.text("Name")
                            .is_some_and(|n| n.eq_ignore_ascii_case(&w.intent.profile))
                    })
                    .take(1)
                    .cloned()
                    .collect();
                person.push(("profile", profile));
            }
            let mut observed = assemble(person, setup.keys, cached);
            if above_lowest(w.intent)
                && let Some(account) = &account
            {
                observed.account_roles = Some(
                    rows.roles
                        .get(&id15(&account.id))
                        .cloned()
                        .unwrap_or_default(),
                );
            }
            observed.account = account;
            observed.customer_only_org = !setup.partner_accounts;
            observed
        })
        .collect()
}

mod accounts;
#[cfg(test)]
mod tests;
